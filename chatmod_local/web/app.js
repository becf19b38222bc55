// The local room's chat page, on the real amazon-ivs-chat-messaging SDK (served from node_modules).
// Everything user-supplied is written with textContent, never as HTML.

const $ = (selector) => document.querySelector(selector);
const els = {
  status: $('[data-testid="status"]'),
  roomArn: $('[data-testid="room-arn"]'),
  joinForm: $('#join-form'),
  userName: $('[data-testid="user-name"]'),
  role: $('[data-testid="role"]'),
  join: $('[data-testid="join"]'),
  leave: $('[data-testid="leave"]'),
  tokenInfo: $('[data-testid="token-info"]'),
  error: $('[data-testid="page-error"]'),
  messages: $('[data-testid="messages"]'),
  sendForm: $('#send-form'),
  input: $('[data-testid="message-input"]'),
  send: $('[data-testid="send"]'),
  counter: $('[data-testid="counter"]'),
  moderation: $('[data-testid="moderation-panel"]'),
  refused: $('[data-testid="refused-list"]'),
  secondOpinions: $('[data-testid="second-opinion-list"]'),
  strikes: $('[data-testid="strike-list"]'),
  held: $('[data-testid="held-list"]'),
  bans: $('[data-testid="ban-list"]'),
  userForm: $('[data-testid="user-form"]'),
  targetUser: $('[data-testid="target-user"]'),
  userView: $('[data-testid="user-view"]'),
};

// The event an approved held message reaches the room as (chatmod.moderation.hold).
const APPROVED_EVENT = 'chatmod:held-message-approved';

const state = {
  config: null,
  sdk: null,
  room: null,
  me: null, // {userId, role}
  bubbles: new Map(), // message id -> <li>
  pending: new Map(), // request id -> {li, typed}
  canSend: false,
  moderationTimer: null,
  moderatorKey: null, // the page backend's key for the moderator API (moderators only)
};

function roomId() {
  return state.config.roomArn.split('/').pop();
}

/** The moderator API through the page's backend (which holds the AWS credentials). */
async function modApi(method, path, body) {
  const response = await fetch(`/api/moderator/rooms/${encodeURIComponent(roomId())}/${path}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-moderator-key': state.moderatorKey ?? '' },
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(answer.message ?? `moderator API: ${response.status}`);
  return answer;
}

async function modAction(label, method, path, body) {
  try {
    const answer = await modApi(method, path, body);
    refreshModeration();
    return answer;
  } catch (error) {
    system(`${label} failed: ${error.message}`, { alert: true, testid: 'moderation-error' });
    return null;
  }
}

function button(text, testid, label, onClick) {
  const node = el('button', '', text);
  node.type = 'button';
  node.dataset.testid = testid;
  node.setAttribute('aria-label', label);
  node.addEventListener('click', onClick);
  return node;
}

function timeText(ms) {
  const at = new Date(ms);
  return at.toLocaleTimeString();
}

const ERROR_LABELS = {
  400: 'Bad request',
  403: 'Not allowed',
  406: 'Not delivered',
  413: 'Too long',
  429: 'Slow down',
};

function showError(text) {
  els.error.textContent = text;
  els.error.hidden = !text;
}

function setStatus(stateName, text) {
  els.status.dataset.state = stateName;
  els.status.textContent = text;
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function scrollToEnd() {
  els.messages.scrollTop = els.messages.scrollHeight;
}

function system(text, { alert = false, testid = 'system' } = {}) {
  const li = el('li', alert ? 'system alert' : 'system', text);
  li.dataset.testid = testid;
  els.messages.append(li);
  scrollToEnd();
  return li;
}

function codePoints(text) {
  return [...text].length;
}

function updateCounter() {
  const max = state.config?.maximumMessageLength ?? 500;
  const used = codePoints(els.input.value);
  const over = used > max;
  els.counter.textContent = over ? `${used} / ${max}, ${used - max} too many` : `${used} / ${max}`;
  els.counter.classList.toggle('over', over);
  els.input.setAttribute('aria-invalid', String(over));
  els.send.disabled = !state.canSend || over;
}

function bubble({ userId, text, mine }) {
  const li = el('li', mine ? 'msg mine' : 'msg');
  li.dataset.testid = 'message';
  li.dataset.sender = userId;
  const who = el('div', 'who');
  who.append(el('span', 'name', mine ? `${userId} (you)` : userId), el('time', 'sent'));
  const body = el('div', 'text', text);
  body.dataset.testid = 'message-text';
  li.append(who, body);
  els.messages.append(li);
  scrollToEnd();
  return li;
}

function note(li, text, testid) {
  let n = li.querySelector('.note');
  if (!n) {
    n = el('div', 'note');
    li.append(n);
  }
  n.textContent = text;
  n.dataset.testid = testid;
}

function addModeratorActions(li, message) {
  if (state.me?.role !== 'moderator') return;
  const actions = el('span', 'actions');
  const user = message.sender.userId;
  const quote = message.content.length > 40 ? `${message.content.slice(0, 40)}…` : message.content;
  actions.append(button('Delete', 'delete-message', `Delete message from ${user}: “${quote}”`,
    () => modAction('Delete', 'POST', `messages/${encodeURIComponent(message.id)}/delete`, { reason: 'Removed by a moderator.' })));
  if (user !== state.me.userId) {
    actions.append(button('Time out', 'timeout-sender', `Time out ${user} for 60 seconds`,
      () => modAction('Time out', 'POST', 'bans', { userId: user, durationSeconds: 60, reason: 'Timed out by a moderator.' })));
    actions.append(button('Disconnect', 'disconnect-user', `Disconnect ${user}`,
      () => modAction('Disconnect', 'POST', `users/${encodeURIComponent(user)}/disconnect`, { reason: 'Disconnected by a moderator.' })));
  }
  li.querySelector('.who').append(actions);
}

function onMessage(message) {
  if (state.bubbles.has(message.id)) return;
  const mine = message.sender.userId === state.me?.userId;
  const pending = message.requestId ? state.pending.get(message.requestId) : undefined;
  let li;
  if (pending) {
    state.pending.delete(message.requestId);
    li = pending.li;
    li.classList.remove('pending');
    li.querySelector('.text').textContent = message.content;
    if (message.content !== pending.typed) note(li, 'Masked by moderation before delivery.', 'masked-note');
  } else {
    li = bubble({ userId: message.sender.userId, text: message.content, mine });
  }
  li.dataset.messageId = message.id;
  li.dataset.state = 'delivered';
  const sent = li.querySelector('time.sent');
  sent.dateTime = message.sendTime.toISOString();
  sent.textContent = message.sendTime.toLocaleTimeString();
  state.bubbles.set(message.id, li);
  addModeratorActions(li, message);
}

function onDelete(event) {
  const li = state.bubbles.get(event.messageId);
  if (!li) return;
  li.classList.add('deleted');
  li.dataset.state = 'deleted';
  li.querySelector('.text').textContent = 'Message removed';
  note(li, event.reason ? `Removed: ${event.reason}` : 'Removed by moderation.', 'deleted-note');
  li.querySelector('.actions')?.remove();
}

function onEvent(event) {
  if (event.eventName !== APPROVED_EVENT) {
    system(`Event ${event.eventName}`, { testid: 'custom-event' });
    return;
  }
  const a = event.attributes;
  if (state.bubbles.has(a.messageId)) return;
  const li = bubble({ userId: a.userId, text: a.content, mine: a.userId === state.me?.userId });
  li.classList.add('approved');
  li.dataset.messageId = a.messageId;
  li.dataset.state = 'delivered';
  li.dataset.approved = 'true';
  const sent = li.querySelector('time.sent');
  sent.dateTime = event.sendTime.toISOString();
  sent.textContent = event.sendTime.toLocaleTimeString();
  note(li, 'Held, then approved by a moderator.', 'approved-note');
  state.bubbles.set(a.messageId, li);
}

function onUserDisconnect(event) {
  const you = event.userId === state.me?.userId;
  const who = you ? 'You were' : `${event.userId} was`;
  system(`${who} disconnected${event.reason ? `: ${event.reason}` : ''}`, { alert: you, testid: 'user-disconnected' });
}

function setJoined(joined) {
  els.joinForm.querySelectorAll('input, select, button').forEach((node) => { node.disabled = joined; });
  els.leave.hidden = !joined;
  const canSend = joined && state.me?.role !== 'viewer';
  state.canSend = canSend;
  els.input.disabled = !canSend;
  updateCounter();
  showModeration(joined && state.me?.role === 'moderator');
  els.input.placeholder = !joined ? 'Join to chat' : canSend ? 'Say something nice' : 'Viewers can read only';
  if (canSend) els.input.focus();
}

function scoreText(scores) {
  return Object.entries(scores)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([label, score]) => `${label} ${score.toFixed(2)}`)
    .join(', ');
}

function modItem(testid, parts) {
  const li = el('li');
  li.dataset.testid = testid;
  for (const [className, text] of parts) if (text) li.append(el('div', className, text));
  return li;
}

const SECOND_OPINION = { pending: 'second opinion pending', removed: 'removed after a second opinion', kept: 'kept after a second opinion' };

function renderModeration(snapshot) {
  const refused = snapshot.reviews.filter((r) => r.result === 'DENY').reverse();
  els.refused.replaceChildren(...refused.map((r) => modItem('refused-item', [
    ['when', timeText(r.atMs)],
    ['who', `${r.userId}: ${r.reason}`],
    ['typed', `“${r.typed}”`],
    ['categories', r.categories.length ? `Categories: ${r.categories.join(', ')}` : ''],
    ['scores', Object.keys(r.scores).length ? `Scores: ${scoreText(r.scores)}` : ''],
  ])));
  const opinions = snapshot.reviews.filter((r) => r.secondOpinion);
  els.secondOpinions.replaceChildren(...opinions.map((r) => {
    const li = modItem('second-opinion-item', [
      ['who', `${r.userId}: ${SECOND_OPINION[r.secondOpinion]}`],
      ['typed', `“${r.typed}”`],
      ['scores', Object.keys(r.scores).length ? `Scores: ${scoreText(r.scores)}` : ''],
    ]);
    li.dataset.outcome = r.secondOpinion;
    return li;
  }));
  for (const review of snapshot.reviews) {
    const li = state.bubbles.get(review.messageId);
    if (!li || !review.masked || li.querySelector('[data-testid="mask-reason"]')) continue;
    const rules = review.ruleIds.length ? ` by rule ${review.ruleIds.join(', ')}` : '';
    const categories = review.categories.length ? ` (${review.categories.join(', ')})` : '';
    const why = el('div', 'note', `Masked${rules}${categories}: typed “${review.typed}”`);
    why.dataset.testid = 'mask-reason';
    li.append(why);
  }
}

function renderHeld(held) {
  els.held.replaceChildren(...held.map((h) => {
    const li = modItem('held-item', [
      ['when', `${timeText(h.heldAtMs)}, expires ${timeText(h.expiresAtMs)}`],
      ['who', `${h.userId}: “${h.content}”`],
      ['categories', h.ruleIds.length ? `Rules: ${h.ruleIds.join(', ')}` : ''],
    ]);
    li.dataset.messageId = h.messageId;
    li.append(
      button('Approve', 'approve-held', `Approve held message from ${h.userId}: “${h.content}”`,
        () => modAction('Approve', 'POST', `held/${encodeURIComponent(h.messageId)}/approve`)),
      button('Reject', 'reject-held', `Reject held message from ${h.userId}: “${h.content}”`,
        () => modAction('Reject', 'POST', `held/${encodeURIComponent(h.messageId)}/reject`)),
    );
    return li;
  }));
}

function sanctionText(s) {
  const scope = s.scope === 'account' ? ' everywhere' : '';
  const how = s.kind === 'ban' ? `banned${scope}` : `timed out${scope} until ${timeText(s.untilMs)}`;
  return `${s.userId}: ${how}${s.reason ? ` (${s.reason})` : ''}`;
}

function renderBans(bans) {
  els.bans.replaceChildren(...bans.map((s) => {
    const li = modItem('ban-item', [['who', sanctionText(s)]]);
    li.dataset.user = s.userId;
    li.dataset.kind = s.kind;
    const query = s.scope === 'account' ? '?scope=account' : '';
    li.append(button('Lift', 'lift-ban', `Lift the ${s.kind} of ${s.userId}`,
      () => modAction('Lift', 'DELETE', `bans/${encodeURIComponent(s.userId)}${query}`)));
    return li;
  }));
}

/** Strikes that still count (the user view counts them within the room's strike window). */
async function renderStrikes(users) {
  const views = await Promise.all(users.slice(0, 10).map((u) => modApi('GET', `users/${encodeURIComponent(u)}`).catch(() => null)));
  const striking = views.filter((v) => v && v.strikes > 0);
  els.strikes.replaceChildren(...striking.map((v) => {
    const li = modItem('strike-item', [['who', `${v.userId}: ${v.strikes} strike${v.strikes === 1 ? '' : 's'}, counting until ${timeText(v.strikesExpireAtMs)}`]]);
    li.dataset.user = v.userId;
    li.dataset.count = String(v.strikes);
    return li;
  }));
}

function renderUserView(v) {
  const lines = [
    `${v.userId}: ${v.strikes} strike${v.strikes === 1 ? '' : 's'} counting`,
    ...v.sanctions.map(sanctionText),
    ...v.held.map((h) => `held: “${h.content}”`),
    ...v.decisions.map((d) => `${timeText(d.atMs)} ${d.result}: ${d.reason ?? ''} [${d.ruleIds.join(', ')}]`),
  ];
  els.userView.replaceChildren(...lines.map((line) => el('div', '', line)));
  els.userView.dataset.user = v.userId;
}

async function refreshModeration() {
  try {
    const response = await fetch('/api/moderation', { cache: 'no-store' });
    if (!response.ok) return;
    const snapshot = await response.json();
    renderModeration(snapshot);
    const [held, bans] = await Promise.all([modApi('GET', 'held'), modApi('GET', 'bans')]);
    renderHeld(held.held);
    renderBans(bans.bans);
    const refusing = [...new Set(snapshot.reviews.filter((r) => r.result === 'DENY').map((r) => r.userId))];
    await renderStrikes(refusing);
  } catch (error) {
    console.warn('moderation refresh failed', error);
  }
}

async function onUserAction(event) {
  const action = event.target.closest('button')?.dataset.action;
  const user = els.targetUser.value.trim();
  if (!action || !user) return;
  const path = encodeURIComponent(user);
  if (action === 'lookup') {
    const view = await modAction('Look up', 'GET', `users/${path}`);
    if (view) renderUserView(view);
  } else if (action === 'timeout') {
    await modAction('Time out', 'POST', 'bans', { userId: user, durationSeconds: 60, reason: 'Timed out by a moderator.' });
  } else if (action === 'ban') {
    await modAction('Ban', 'POST', 'bans', { userId: user, reason: 'Banned by a moderator.' });
  } else if (action === 'disconnect') {
    await modAction('Disconnect', 'POST', `users/${path}/disconnect`, { reason: 'Disconnected by a moderator.' });
  }
}

function showModeration(visible) {
  els.moderation.hidden = !visible;
  clearInterval(state.moderationTimer);
  state.moderationTimer = visible ? setInterval(refreshModeration, 1000) : null;
  if (visible) refreshModeration();
}

async function fetchToken() {
  const response = await fetch('/api/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(state.me),
  });
  const body = await response.json();
  if (!response.ok) throw new Error(body.message ?? `token request failed (${response.status})`);
  state.moderatorKey = body.moderatorKey ?? null;
  els.tokenInfo.hidden = false;
  els.tokenInfo.textContent = `Token for ${state.me.userId} (${state.me.role}), session until ${new Date(body.sessionExpirationTime).toLocaleTimeString()}`;
  return body;
}

function join(event) {
  event.preventDefault();
  showError('');
  const userId = els.userName.value.trim();
  if (!userId) return;
  state.me = { userId, role: els.role.value };
  const room = new state.sdk.ChatRoom({ regionOrUrl: state.config.messagingUrl, tokenProvider: fetchToken });
  room.logLevel = 'error';
  room.addListener('connecting', () => setStatus('connecting', 'Connecting…'));
  room.addListener('connect', () => {
    setStatus('connected', `Connected as ${userId}`);
    setJoined(true);
    system(`You joined as ${userId}`, { testid: 'joined' });
  });
  room.addListener('disconnect', (reason) => {
    setStatus('disconnected', `Disconnected (${reason})`);
    setJoined(false);
    if (reason !== 'clientDisconnect') system(`Connection closed by the room (${reason})`, { alert: true, testid: 'connection-closed' });
    state.room = null;
  });
  room.addListener('message', onMessage);
  room.addListener('messageDelete', onDelete);
  room.addListener('userDisconnect', onUserDisconnect);
  room.addListener('event', onEvent);
  state.room = room;
  room.connect();
}

async function send(event) {
  event.preventDefault();
  const typed = els.input.value;
  if (!typed.trim() || !state.room) return;
  const request = new state.sdk.SendMessageRequest(typed);
  const li = bubble({ userId: state.me.userId, text: typed, mine: true });
  li.classList.add('pending');
  li.dataset.state = 'pending';
  state.pending.set(request.requestId, { li, typed });
  els.input.value = '';
  updateCounter();
  try {
    await state.room.sendMessage(request);
  } catch (error) {
    state.pending.delete(request.requestId);
    li.classList.remove('pending');
    li.classList.add('denied');
    li.dataset.state = 'denied';
    const label = ERROR_LABELS[error.errorCode] ?? 'Error';
    const detail = error.errorMessage ?? String(error);
    note(li, `${label}${error.errorCode ? ` (${error.errorCode})` : ''}: ${detail}`, 'denied-note');
  }
}

async function start() {
  const response = await fetch('/api/config');
  state.config = await response.json();
  els.roomArn.textContent = state.config.roomArn;
  updateCounter();
  if (state.config.sdkMissing.length) {
    showError(`The chat SDK is not installed (${state.config.sdkMissing.join(', ')}): run npm ci, then reload.`);
    return;
  }
  try {
    state.sdk = await import('amazon-ivs-chat-messaging');
  } catch (error) {
    showError(`Could not load the chat SDK: ${error}`);
    return;
  }
  els.joinForm.addEventListener('submit', join);
  els.sendForm.addEventListener('submit', send);
  els.input.addEventListener('input', updateCounter);
  els.leave.addEventListener('click', () => state.room?.disconnect());
  els.userForm.addEventListener('click', onUserAction);
  els.userForm.addEventListener('submit', (event) => event.preventDefault());
  document.body.dataset.ready = 'true';
}

start().catch((error) => showError(`The page failed to start: ${error}`));
