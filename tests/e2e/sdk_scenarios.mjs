// End-to-end scenarios with the unmodified amazon-ivs-chat-messaging SDK against the local room.
// Usage: node sdk_scenarios.mjs <scenario> '<room config JSON>'; prints one JSON object that
// tests/e2e/test_sdk.py asserts on (what each client saw, and each request's answer).
import { DeleteMessageRequest, DisconnectUserRequest, SendMessageRequest } from 'amazon-ivs-chat-messaging';
import { controlPlane, main, sleep, tryToken, waitFor } from './sdk_client.mjs';

const tag = Math.random().toString(36).slice(2, 8);

function summary(message) {
  return message && {
    id: message.id,
    content: message.content,
    requestId: message.requestId ?? null,
    sender: message.sender,
    attributes: message.attributes ?? null,
    sendTime: message.sendTime instanceof Date ? message.sendTime.toISOString() : null,
  };
}

function failure(answer) {
  return answer.ok ? { ok: true } : { ok: false, code: answer.error.errorCode, message: answer.error.errorMessage };
}

/** A message every reader gets after `marker` proves earlier frames to them were not dropped.
 * Plain words only: the shipped room reviews it with the real model, and a random tag beside a
 * rare word can read as toxic to it. */
async function fence(sender, readers, label) {
  const text = `end of the ${label} messages`;
  const answer = await sender.attempt(new SendMessageRequest(text));
  if (!answer.ok) throw new Error(`fence message refused: ${answer.error.errorMessage}`);
  for (const reader of readers) {
    await waitFor(`${reader.userId} to see ${label}`, () => reader.messageWith(text));
  }
}

const scenarios = {
  async chat(cfg, open) {
    const alice = await open(`alice-${tag}`, ['SEND_MESSAGE']);
    const bob = await open(`bob-${tag}`, ['SEND_MESSAGE']);
    const clean = await alice.attempt(new SendMessageRequest('good game everyone', { kind: 'chat' }));
    const profane = await alice.attempt(new SendMessageRequest('that boss fight was fucking brutal'));
    const slur = await alice.attempt(new SendMessageRequest('get out of here you f4ggot'));
    await fence(alice, [alice, bob], 'chat');
    const seen = (id) => summary(bob.messages.find((m) => m.id === id));
    return {
      alice: alice.userId,
      clean: { answer: summary(clean.result), bobSaw: clean.ok ? seen(clean.result.id) : null },
      profane: { answer: summary(profane.result), bobSaw: profane.ok ? seen(profane.result.id) : null },
      slur: failure(slur),
      bobContents: bob.messages.map((m) => m.content),
      aliceContents: alice.messages.map((m) => m.content),
    };
  },

  async shipped(cfg, open) {
    const alice = await open(`alice-${tag}`, ['SEND_MESSAGE']);
    const bob = await open(`bob-${tag}`, ['SEND_MESSAGE']);
    const texts = cfg.texts;
    const answers = [];
    for (const text of texts) answers.push(await alice.attempt(new SendMessageRequest(text)));
    await fence(alice, [alice, bob], 'shipped');
    return {
      results: texts.map((text, i) => ({
        text,
        ...(answers[i].ok ? { ok: true, content: answers[i].result.content } : failure(answers[i])),
      })),
      bobContents: bob.messages.map((m) => m.content),
    };
  },

  /** Viewers talk in turns (cfg.turns: [who, text]; "anna" and "beto" always join); each turn's
   * answer, and what the other of anna and beto saw of every delivered message. */
  async conversation(cfg, open) {
    const people = {};
    for (const who of new Set(['anna', 'beto', ...cfg.turns.map(([w]) => w)])) {
      people[who] = await open(`${who}-${tag}`, ['SEND_MESSAGE']);
    }
    const turns = [];
    for (const [who, text] of cfg.turns) {
      await sleep(150); // people take turns: the room allows 10 messages a second
      const answer = await people[who].attempt(new SendMessageRequest(text));
      turns.push({ who, text, ...(answer.ok ? { ok: true, id: answer.result.id, content: answer.result.content } : failure(answer)) });
    }
    await fence(people.anna, [people.anna, people.beto], 'conversation');
    for (const turn of turns.filter((t) => t.ok)) {
      const other = people[turn.who === 'anna' ? 'beto' : 'anna'];
      turn.otherSaw = other.messages.find((m) => m.id === turn.id)?.content ?? null;
    }
    return { turns };
  },

  async moderation(cfg, open) {
    const alice = await open(`alice-${tag}`, ['SEND_MESSAGE']);
    const bob = await open(`bob-${tag}`, ['SEND_MESSAGE']);
    const mod = await open(`mod-${tag}`, ['SEND_MESSAGE', 'DELETE_MESSAGE', 'DISCONNECT_USER']);
    const viewer = await open(`viewer-${tag}`, []);
    const sent = await alice.attempt(new SendMessageRequest('buy cheap gold at my shop'));
    await waitFor('bob to see the message', () => bob.messages.find((m) => m.id === sent.result.id));
    const aliceDelete = await alice.attempt(new DeleteMessageRequest(sent.result.id, 'mine'), 'deleteMessage');
    const aliceDisconnect = await alice.attempt(new DisconnectUserRequest(bob.userId, 'nope'), 'disconnectUser');
    const viewerSend = await viewer.attempt(new SendMessageRequest('can I talk?'));
    const deleted = await mod.attempt(new DeleteMessageRequest(sent.result.id, 'No advertising'), 'deleteMessage');
    const bobDelete = await waitFor('bob to get messageDelete', () => bob.deletes.find((d) => d.messageId === sent.result.id));
    const kicked = await mod.attempt(new DisconnectUserRequest(alice.userId, 'Spamming'), 'disconnectUser');
    const bobDisconnect = await waitFor('bob to get userDisconnect', () => bob.disconnects.find((d) => d.userId === alice.userId));
    await waitFor('alice to be disconnected', () => alice.closed);
    await sleep(1500); // long enough for a reconnect to show

    return {
      alice: alice.userId,
      forbidden: { aliceDelete: failure(aliceDelete), aliceDisconnect: failure(aliceDisconnect), viewerSend: failure(viewerSend) },
      modDelete: deleted.ok ? { messageId: deleted.result.messageId, reason: deleted.result.reason } : failure(deleted),
      bobDelete: { messageId: bobDelete.messageId, reason: bobDelete.reason ?? null, attributes: bobDelete.attributes },
      modDisconnect: kicked.ok ? { userId: kicked.result.userId, reason: kicked.result.reason } : failure(kicked),
      bobDisconnect: { userId: bobDisconnect.userId, reason: bobDisconnect.reason ?? null },
      aliceSawOwnDisconnect: alice.disconnects.some((d) => d.userId === alice.userId),
      aliceClosed: alice.closed,
      aliceState: alice.room.state,
      aliceConnects: alice.connects,
      bobState: bob.room.state,
    };
  },

  /** Ivy's first session runs out (the room runs a minute of session in a second); later tokens
   * get the default session. Records what the SDK reports and what its sockets saw. */
  async expiry(cfg, open) {
    const short = { sessionDurationInMinutes: cfg.sessionMinutes };
    const ivy = await open(`ivy-${tag}`, ['SEND_MESSAGE'], cfg.roomArn, (fetched) => (fetched === 0 ? short : {}));
    const jon = await open(`jon-${tag}`, ['SEND_MESSAGE']);
    const [first] = ivy.sockets();
    await waitFor('the first session to close', () => first.close, 30000);
    await waitFor('ivy to be connected again', () => ivy.connects >= 2 && ivy.room.state === 'connected', 30000);
    await fence(ivy, [ivy, jon], 'expiry'); // the new session sends and receives
    const [firstToken, secondToken] = ivy.tokens;
    return {
      ivy: ivy.userId,
      closed: ivy.closed,
      state: ivy.room.state,
      connects: ivy.connects,
      connecting: ivy.connecting,
      tokens: ivy.tokens.length,
      distinctTokens: new Set(ivy.tokens.map((t) => t.token)).size,
      sockets: ivy.sockets().slice(0, 2).map((s) => ({ opened: s.opened, errors: s.errors, close: s.close })),
      secondSocketToken: ivy.sockets()[1]?.token === secondToken.token,
      firstTokenAgain: await tryToken(cfg.messagingUrl, firstToken.token),
      jonSawIvy: jon.messages.filter((m) => m.sender.userId === ivy.userId).map((m) => m.content),
      jonState: jon.room.state,
    };
  },

  async limits(cfg, open) {
    const base = await controlPlane(cfg, 'GetRoom', { identifier: cfg.roomArn });
    const created = await controlPlane(cfg, 'CreateRoom', {
      name: `limits-${tag}`,
      maximumMessageLength: 20,
      maximumMessageRatePerSecond: 3,
      messageReviewHandler: base.body.messageReviewHandler,
    });
    const roomArn = created.body.arn;
    const carol = await open(`carol-${tag}`, ['SEND_MESSAGE'], roomArn);
    const tooLong = await carol.attempt(new SendMessageRequest('x'.repeat(21)));
    const emoji = await carol.attempt(new SendMessageRequest(cfg.emojiText));
    await sleep(1100);
    const burst = await Promise.all(
      Array.from({ length: 6 }, (_, i) => carol.attempt(new SendMessageRequest(`burst ${i}`))),
    );
    return {
      created: { status: created.status, maximumMessageLength: created.body.maximumMessageLength },
      tooLong: failure(tooLong),
      emoji: emoji.ok ? { ok: true, length: [...emoji.result.content].length } : failure(emoji),
      burst: burst.map(failure),
    };
  },

  async strikes(cfg, open) {
    const dave = await open(`dave-${tag}`, ['SEND_MESSAGE']);
    const erin = await open(`erin-${tag}`, ['SEND_MESSAGE']);
    const answers = [];
    for (const text of cfg.strikeMessages) {
      answers.push(failure(await dave.attempt(new SendMessageRequest(text))));
    }
    const erinSaw = await waitFor('erin to get userDisconnect', () => erin.disconnects.find((d) => d.userId === dave.userId), 20000);
    await waitFor('dave to be disconnected', () => dave.closed, 5000);
    await sleep(1500);
    return {
      daveState: dave.room.state,
      daveConnects: dave.connects,
      dave: dave.userId,
      answers,
      erinSaw: { userId: erinSaw.userId, reason: erinSaw.reason ?? null },
      daveSawOwnDisconnect: dave.disconnects.some((d) => d.userId === dave.userId),
      daveClosed: dave.closed,
    };
  },

  /** Timeouts, bans and held messages through the moderator API (the page backend's path to
   * it, /api/moderator, with a moderator's key), seen by unmodified SDK clients. */
  async moderatorTools(cfg, open) {
    const roomId = cfg.roomArn.split('/').pop();
    const page = new URL(cfg.url);
    const keyAnswer = await fetch(new URL('/api/token', page), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: `mod-${tag}`, role: 'moderator' }),
    });
    const { moderatorKey } = await keyAnswer.json();
    const api = async (method, path, body) => {
      const response = await fetch(new URL(`/api/moderator/rooms/${roomId}/${path}`, page), {
        method,
        headers: { 'content-type': 'application/json', 'x-moderator-key': moderatorKey },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: await response.json() };
    };
    const untilRefused = async (client, text) => {
      for (let i = 0; i < 40; i += 1) {
        const answer = await client.attempt(new SendMessageRequest(text));
        if (!answer.ok && answer.error.errorCode === 406) return failure(answer);
        await sleep(150);
      }
      throw new Error(`${client.userId} was never refused`);
    };
    const hana = await open(`hana-${tag}`, ['SEND_MESSAGE']);
    const ivo = await open(`ivo-${tag}`, ['SEND_MESSAGE']);

    const timeout = await api('POST', 'bans', { userId: hana.userId, durationSeconds: 3, reason: 'cool off' });
    const timedOut = await untilRefused(hana, 'am I muted');
    await sleep(Math.max(0, timeout.body.untilMs - Date.now()) + 100);
    const back = await hana.attempt(new SendMessageRequest('I am back'));
    if (back.ok) await waitFor('ivo to see hana back', () => ivo.messageWith('I am back'));

    const jon = await open(`jon-${tag}`, ['SEND_MESSAGE']);
    await api('POST', 'bans', { userId: jon.userId, reason: 'raiding' });
    const banned = await untilRefused(jon, 'hello');
    jon.room.disconnect();
    const jonAgain = await open(jon.userId, ['SEND_MESSAGE']);
    const bannedAgain = failure(await jonAgain.attempt(new SendMessageRequest('new token, same me')));

    const held = await hana.attempt(new SendMessageRequest('free giveaway for everyone'));
    const listed = await api('GET', 'held');
    const heldId = held.ok ? null : held.error.id ?? null;
    const entry = listed.body.held.find((h) => h.userId === hana.userId);
    const approved = entry ? await api('POST', `held/${entry.messageId}/approve`) : null;
    const eventOf = (client) => waitFor(`${client.userId} to get the approved message`,
      () => client.events.find((e) => e.eventName === 'chatmod:held-message-approved'), 15000);
    const [ivoEvent, hanaEvent] = await Promise.all([eventOf(ivo), eventOf(hana)]);
    const attrs = (e) => ({ eventName: e.eventName, ...e.attributes });
    return {
      hana: hana.userId,
      timeout: { status: timeout.status, kind: timeout.body.kind },
      timedOut,
      back: back.ok ? { ok: true, content: back.result.content } : failure(back),
      banned,
      bannedAgain,
      jonTokens: jon.tokens.length + jonAgain.tokens.length,
      held: { ...failure(held), id: heldId },
      listed: entry ? { content: entry.content, userId: entry.userId, messageId: entry.messageId } : null,
      approved: approved && { status: approved.status, state: approved.body.status },
      ivoEvent: attrs(ivoEvent),
      hanaEvent: attrs(hanaEvent),
    };
  },

  async flagged(cfg, open) {
    const frank = await open(`frank-${tag}`, ['SEND_MESSAGE']);
    const gina = await open(`gina-${tag}`, ['SEND_MESSAGE']);
    const sent = await frank.attempt(new SendMessageRequest(cfg.flaggedMessage));
    if (!sent.ok) return { sent: failure(sent) };
    const delivered = await waitFor('gina to see the flagged message', () => gina.messages.find((m) => m.id === sent.result.id));
    const deleted = await waitFor('gina to get messageDelete', () => gina.deletes.find((d) => d.messageId === sent.result.id), 20000);
    // The sender's copy of the event may arrive a moment after gina's: wait for it, then report.
    const frankSawDelete = await waitFor('frank to get messageDelete', () => frank.deletes.some((d) => d.messageId === sent.result.id), 5000)
      .then(() => true, () => false);
    return {
      sent: { ok: true, id: sent.result.id, content: sent.result.content },
      delivered: summary(delivered),
      deleted: { messageId: deleted.messageId, reason: deleted.reason ?? null },
      frankSawDelete,
    };
  },
};

main(scenarios);
