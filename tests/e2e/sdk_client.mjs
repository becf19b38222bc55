// Helpers around the unmodified amazon-ivs-chat-messaging SDK, for the end-to-end scenarios.
// CHATMOD_E2E_WEBSOCKET picks the WebSocket the SDK gets: `builtin` is Node's own (undici; Node 20
// needs --experimental-websocket, Node 22+ has it), `ws` the package the SDK's docs suggest.
import WS from 'ws';
import { ChatRoom } from 'amazon-ivs-chat-messaging';

export const WEBSOCKET = process.env.CHATMOD_E2E_WEBSOCKET ?? 'ws';
if (WEBSOCKET !== 'ws' && (WEBSOCKET !== 'builtin' || typeof globalThis.WebSocket !== 'function')) {
  throw new Error(`no WebSocket for CHATMOD_E2E_WEBSOCKET=${WEBSOCKET} (Node 20: --experimental-websocket)`);
}

/** Every socket the SDK opens: the token it offered, whether it opened, the ERROR frames it got
 * and how it closed. What a client can tell from the wire, beside what the SDK reports; the SDK
 * itself is untouched, it only gets this subclass as its WebSocket (listeners are added, never
 * replaced, so it sees every event as it would without them). */
export const sockets = [];

function recorded(Base) {
  return class RecordedWebSocket extends Base {
    constructor(url, protocols, ...rest) {
      super(url, protocols, ...rest);
      const record = { token: protocols, opened: false, errors: [], close: null };
      sockets.push(record);
      this.addEventListener('open', () => { record.opened = true; });
      this.addEventListener('message', (event) => {
        let frame;
        try {
          frame = JSON.parse(String(event.data));
        } catch {
          return;
        }
        if (frame.Type === 'ERROR') {
          record.errors.push({ code: frame.ErrorCode, message: frame.ErrorMessage, requestId: frame.RequestId ?? null });
        }
      });
      this.addEventListener('close', (event) => {
        record.close = { code: event.code, reason: event.reason, wasClean: event.wasClean };
      });
    }
  };
}
globalThis.WebSocket = recorded(WEBSOCKET === 'ws' ? WS : globalThis.WebSocket);

/** Opens a plain `ws` socket with `token` outside the SDK: 'open', or the handshake's HTTP status. */
export function tryToken(url, token, timeoutMs = 5000) {
  return new Promise((resolve) => {
    const socket = new WS(url, token);
    const timer = setTimeout(() => { socket.terminate(); resolve('no answer'); }, timeoutMs);
    socket.on('open', () => { clearTimeout(timer); socket.close(1000); resolve('open'); });
    socket.on('unexpected-response', (request, response) => {
      clearTimeout(timer);
      resolve(response.statusCode);
      request.destroy();
    });
    socket.on('error', () => {});
  });
}

// The room takes only boto3-shaped control-plane requests: JSON and a SigV4-shaped header
// (the signature is not checked, so a fixed one serves).
const day = new Date().toISOString().slice(0, 10).replaceAll('-', '');
const API_HEADERS = {
  'content-type': 'application/json',
  authorization: `AWS4-HMAC-SHA256 Credential=local/${day}/us-east-1/ivschat/aws4_request, SignedHeaders=content-type;host, Signature=${'0'.repeat(64)}`,
};

const quietLogger = {
  debug() {},
  info() {},
  warn: (...args) => console.error('[sdk]', ...args),
  error: (...args) => console.error('[sdk]', ...args),
};

/** What an application backend does: CreateChatToken on the control plane. */
export async function createToken(cfg, userId, capabilities = [], roomArn = cfg.roomArn, extra = {}) {
  const response = await fetch(`${cfg.endpointUrl}/CreateChatToken`, {
    method: 'POST',
    headers: API_HEADERS,
    body: JSON.stringify({ roomIdentifier: roomArn, userId, capabilities, attributes: { displayName: userId }, ...extra }),
  });
  if (!response.ok) throw new Error(`CreateChatToken ${response.status}: ${await response.text()}`);
  return response.json();
}

export async function controlPlane(cfg, operation, body) {
  const response = await fetch(`${cfg.endpointUrl}/${operation}`, {
    method: 'POST',
    headers: API_HEADERS,
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

/** A connected SDK client that records everything the room sends it. `tokenExtra` is added to
 * each CreateChatToken request; a function gets the number of tokens fetched so far. */
export class Client {
  constructor(cfg, userId, capabilities, roomArn = cfg.roomArn, tokenExtra = {}) {
    this.userId = userId;
    this.connects = 0; // more than one: the SDK reconnected
    this.connecting = 0; // 'connecting' events: the first connect, then each reconnect
    this.tokens = []; // what the token provider handed the SDK, in order
    this.errors = [];
    this.messages = [];
    this.deletes = [];
    this.disconnects = [];
    this.events = [];
    this.closed = null;
    this.room = new ChatRoom({
      regionOrUrl: cfg.messagingUrl,
      tokenProvider: async () => {
        const extra = typeof tokenExtra === 'function' ? tokenExtra(this.tokens.length) : tokenExtra;
        const token = await createToken(cfg, userId, capabilities, roomArn, extra);
        this.tokens.push(token);
        return token;
      },
    });
    this.room.logger = quietLogger;
    this.room.logLevel = 'error';
    this.room.addListener('message', (m) => this.messages.push(m));
    this.room.addListener('messageDelete', (e) => this.deletes.push(e));
    this.room.addListener('userDisconnect', (e) => this.disconnects.push(e));
    this.room.addListener('event', (e) => this.events.push(e));
    this.room.addListener('disconnect', (reason) => { this.closed = reason; });
    this.room.addListener('connect', () => { this.connects += 1; });
    this.room.addListener('connecting', () => { this.connecting += 1; });
  }

  /** The sockets the SDK opened for this client, in order (matched by the token they offered). */
  sockets() {
    const mine = new Set(this.tokens.map((t) => t.token));
    return sockets.filter((s) => mine.has(s.token));
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
  const open = async (userId, capabilities, roomArn, tokenExtra) => {
    const client = new Client(cfg, userId, capabilities, roomArn, tokenExtra);
    clients.push(client);
    return client.connect();
  };
  try {
    const result = { websocket: WEBSOCKET, ...(await scenario(cfg, open)) };
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
