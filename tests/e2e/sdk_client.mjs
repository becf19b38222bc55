// Helpers around the unmodified amazon-ivs-chat-messaging SDK, for the end-to-end scenarios.
// Node 20 has no global WebSocket by default: the SDK gets the `ws` package's, as its docs suggest.
import WebSocket from 'ws';
import { ChatRoom } from 'amazon-ivs-chat-messaging';

globalThis.WebSocket = WebSocket;

const quietLogger = {
  debug() {},
  info() {},
  warn: (...args) => console.error('[sdk]', ...args),
  error: (...args) => console.error('[sdk]', ...args),
};

/** What an application backend does: CreateChatToken on the control plane. */
export async function createToken(cfg, userId, capabilities = [], roomArn = cfg.roomArn) {
  const response = await fetch(`${cfg.endpointUrl}/CreateChatToken`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ roomIdentifier: roomArn, userId, capabilities, attributes: { displayName: userId } }),
  });
  if (!response.ok) throw new Error(`CreateChatToken ${response.status}: ${await response.text()}`);
  return response.json();
}

export async function controlPlane(cfg, operation, body) {
  const response = await fetch(`${cfg.endpointUrl}/${operation}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, errorType: response.headers.get('x-amzn-errortype'), body: text ? JSON.parse(text) : {} };
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until `predicate()` is truthy; throws after `timeoutMs` with `what` in the message. */
export async function waitFor(what, predicate, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = predicate();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

/** A connected SDK client that records everything the room sends it. */
export class Client {
  constructor(cfg, userId, capabilities, roomArn = cfg.roomArn) {
    this.userId = userId;
    this.messages = [];
    this.deletes = [];
    this.disconnects = [];
    this.events = [];
    this.closed = null;
    this.room = new ChatRoom({
      regionOrUrl: cfg.messagingUrl,
      tokenProvider: () => createToken(cfg, userId, capabilities, roomArn),
    });
    this.room.logger = quietLogger;
    this.room.logLevel = 'error';
    this.room.addListener('message', (m) => this.messages.push(m));
    this.room.addListener('messageDelete', (e) => this.deletes.push(e));
    this.room.addListener('userDisconnect', (e) => this.disconnects.push(e));
    this.room.addListener('event', (e) => this.events.push(e));
    this.room.addListener('disconnect', (reason) => { this.closed = reason; });
  }

  async connect(timeoutMs = 10000) {
    const connected = new Promise((resolve) => this.room.addListener('connect', resolve));
    this.room.connect();
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${this.userId} could not connect`)), timeoutMs);
    });
    try {
      await Promise.race([connected, timeout]);
    } finally {
      clearTimeout(timer);
    }
    return this;
  }

  /** Resolves to {ok: true, message} or {ok: false, error} (a ChatError from the room). */
  async attempt(request, call = 'sendMessage', timeoutMs = 10000) {
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${call} got no answer in ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      const result = await Promise.race([this.room[call](request), timeout]);
      return { ok: true, result };
    } catch (error) {
      if (error && typeof error.errorCode === 'number') return { ok: false, error };
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  messageWith(content) {
    return this.messages.find((m) => m.content === content);
  }

  close() {
    if (this.room.state !== 'disconnected') this.room.disconnect();
  }
}

/** Runs `scenario(cfg)` with the config from argv and prints its JSON result on stdout. */
export async function main(scenarios) {
  const [name, cfgJson] = process.argv.slice(2);
  const scenario = scenarios[name];
  if (!scenario) {
    console.error(`unknown scenario ${name}; known: ${Object.keys(scenarios).join(', ')}`);
    process.exit(2);
  }
  const cfg = JSON.parse(cfgJson);
  const clients = [];
  const open = async (userId, capabilities, roomArn) => {
    const client = new Client(cfg, userId, capabilities, roomArn);
    clients.push(client);
    return client.connect();
  };
  try {
    const result = await scenario(cfg, open);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exitCode = 0;
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ error: String(error && error.stack ? error.stack : error) })}\n`);
    process.exitCode = 1;
  } finally {
    for (const client of clients) client.close();
    setTimeout(() => process.exit(), 200).unref();
  }
}
