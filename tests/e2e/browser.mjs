// The demo page in headless Chromium (Debian's), driven by playwright-core: two people chat,
// one of them a moderator. Usage: node browser.mjs '<config JSON>'. Prints what each page
// shows as one JSON object (tests/e2e/test_browser.py asserts on it) and saves screenshots.
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium } from 'playwright-core';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

const cfg = JSON.parse(process.argv[2]);
const tag = Math.random().toString(36).slice(2, 6);
const WAIT = { timeout: 20000 };
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

async function join(browser, userId, role) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') console.error(`[${userId}] ${m.text()}`); });
  page.on('pageerror', (e) => console.error(`[${userId}] ${e}`));
  await page.goto(cfg.url);
  await page.locator('body[data-ready="true"]').waitFor(WAIT);
  await page.getByTestId('user-name').fill(userId);
  await page.getByTestId('role').selectOption(role);
  await page.getByTestId('join').click();
  await page.locator('[data-testid="status"][data-state="connected"]').waitFor(WAIT);
  return page;
}

async function say(page, text) {
  await page.getByTestId('message-input').fill(text);
  await page.getByTestId('message-input').press('Enter');
}

function message(page, text, state) {
  const selector = state ? `[data-testid="message"][data-state="${state}"]` : '[data-testid="message"]';
  return page.locator(selector, { hasText: text }).last();
}

async function view(page) {
  return page.evaluate(() => ({
    status: document.querySelector('[data-testid="status"]').textContent,
    statusState: document.querySelector('[data-testid="status"]').dataset.state,
    inputDisabled: document.querySelector('[data-testid="message-input"]').disabled,
    lines: [...document.querySelectorAll('[data-testid="messages"] > li')].map((li) => ({
      kind: li.dataset.testid,
      sender: li.dataset.sender ?? null,
      state: li.dataset.state ?? null,
      text: li.querySelector('.text')?.textContent ?? li.textContent,
      note: li.querySelector('.note')?.textContent ?? null,
    })),
  }));
}

/** axe-core's serious and critical WCAG 2 A/AA violations on the page as it is now. */
async function accessibility(page) {
  await page.addScriptTag({ path: AXE });
  const found = await page.evaluate(async () => {
    const result = await window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')) }));
  });
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** The two findings axe's best practices had on the moderator page: no h1, and a scrollable
 * region (the moderation panel) that a keyboard could not reach. Any impact counts. */
async function headingAndKeyboard(page) {
  return page.evaluate(async () => {
    const result = await window.axe.run(document, { runOnly: { type: 'rule', values: ['page-has-heading-one', 'scrollable-region-focusable'] } });
    return result.violations.map((v) => v.id);
  });
}

async function narrow(browser) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await page.goto(cfg.url);
  await page.locator('body[data-ready="true"]').waitFor(WAIT);
  const sideways = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  const favicon = (await page.request.get(new URL('/favicon.ico', cfg.url).href)).status();
  const names = await page.evaluate(() => ({
    message: document.querySelector('#message').labels[0]?.textContent ?? null,
    statusRole: document.querySelector('[data-testid="status"]').getAttribute('role'),
  }));
  await context.close();
  return { sideways, favicon, names };
}

async function panel(page) {
  return page.evaluate(() => ({
    hidden: document.querySelector('[data-testid="moderation-panel"]').hidden,
    refused: [...document.querySelectorAll('[data-testid="refused-item"]')].map((li) => li.textContent),
    secondOpinions: [...document.querySelectorAll('[data-testid="second-opinion-item"]')].map((li) => ({ outcome: li.dataset.outcome, text: li.textContent })),
    strikes: Object.fromEntries([...document.querySelectorAll('[data-testid="strike-item"]')].map((li) => [li.dataset.user, Number(li.dataset.count)])),
    maskReasons: [...document.querySelectorAll('[data-testid="mask-reason"]')].map((n) => n.textContent),
    refusedTimes: [...document.querySelectorAll('[data-testid="refused-item"] .when')].map((n) => n.textContent),
    actionLabels: [...document.querySelectorAll('[data-testid="messages"] .actions button')].map((b) => b.getAttribute('aria-label')),
  }));
}

async function run() {
  const browser = await chromium.launch({ executablePath: cfg.chromium, args: ARGS, headless: true });
  try {
    const alice = `alice-${tag}`;
    const bob = `bob-${tag}`;
    const a = await join(browser, alice, 'chatter');
    const b = await join(browser, bob, 'moderator');
    const steps = {};
    steps.layout = await narrow(browser);

    const max = Number((await a.getByTestId('counter').textContent()).split('/')[1]);
    await a.getByTestId('message-input').fill('x'.repeat(max + 1));
    steps.sendDisabledOverLimit = await a.getByTestId('send').isDisabled();
    await a.getByTestId('message-input').fill('');

    await say(a, 'hello from the browser');
    await message(b, 'hello from the browser', 'delivered').waitFor(WAIT);

    await say(a, 'this boss fight is fucking great');
    await message(b, 'this boss fight is f****** great', 'delivered').waitFor(WAIT);
    await message(a, 'this boss fight is f****** great', 'delivered').getByTestId('masked-note').waitFor(WAIT);

    await message(b, 'hello from the browser', 'delivered').getByTestId('delete-message').click();
    await a.locator('[data-testid="message"][data-state="deleted"]').first().waitFor(WAIT);
    steps.afterModeratorDelete = await view(a);

    // Held for review: the sender is told, the moderator approves, everyone sees it.
    await say(a, 'free giveaway in the lobby');
    await message(a, 'free giveaway in the lobby', 'denied').waitFor(WAIT);
    steps.heldNote = await message(a, 'free giveaway in the lobby', 'denied').locator('.note').textContent();
    const held = b.locator('[data-testid="held-item"]', { hasText: 'free giveaway in the lobby' });
    await held.waitFor(WAIT);
    steps.approveLabel = await held.getByTestId('approve-held').getAttribute('aria-label');
    await held.getByTestId('approve-held').click();
    for (const page of [a, b]) await page.locator('[data-testid="message"][data-approved="true"]', { hasText: 'free giveaway in the lobby' }).waitFor(WAIT);
    steps.approved = { alice: await view(a), bob: await view(b) };

    // A user with no visible message: timed out from the panel, listed, lifted.
    const silent = `carol-${tag}`;
    await b.getByTestId('target-user').fill(silent);
    await b.getByTestId('timeout-user').click();
    const ban = b.locator(`[data-testid="ban-item"][data-user="${silent}"][data-kind="timeout"]`);
    await ban.waitFor(WAIT);
    steps.banText = await ban.locator('.who').textContent();
    steps.liftLabel = await ban.getByTestId('lift-ban').getAttribute('aria-label');
    await ban.getByTestId('lift-ban').click();
    await ban.waitFor({ state: 'detached', ...WAIT });
    await b.getByTestId('lookup-user').click();
    await b.locator(`[data-testid="user-view"][data-user="${silent}"]`).waitFor(WAIT);
    steps.userView = await b.getByTestId('user-view').textContent();

    await say(a, cfg.grayText);
    await message(b, cfg.grayText).waitFor(WAIT);
    steps.grayDeliveredToBob = true;
    await b.locator('[data-testid="message"][data-state="deleted"]').nth(1).waitFor(WAIT);

    await say(a, cfg.slurText);
    await message(a, cfg.slurText, 'denied').waitFor(WAIT);

    await say(a, cfg.strikeText);
    await message(a, cfg.strikeText, 'denied').waitFor(WAIT);
    await a.locator('[data-testid="status"][data-state="disconnected"]').waitFor(WAIT);
    await b.getByTestId('user-disconnected').waitFor(WAIT);
    await b.locator(`[data-testid="strike-item"][data-user="${alice}"][data-count="2"]`).waitFor(WAIT);
    await b.locator('[data-testid="second-opinion-item"][data-outcome="removed"]').waitFor(WAIT);
    await b.getByTestId('mask-reason').first().waitFor(WAIT);
    steps.panel = await panel(b);
    steps.chatterPanelHidden = await a.getByTestId('moderation-panel').isHidden();
    steps.accessibility = { chatter: await accessibility(a), moderator: await accessibility(b) };
    steps.headingAndKeyboard = await headingAndKeyboard(b);
    await b.getByTestId('message-input').focus();
    const reached = [];
    for (let i = 0; i < 40 && !reached.includes('moderation-panel'); i += 1) {
      await b.keyboard.press('Tab');
      reached.push(await b.evaluate(() => document.activeElement?.dataset?.testid ?? document.activeElement?.id ?? ''));
    }
    steps.panelByKeyboard = reached.includes('moderation-panel');

    const outDir = path.resolve(cfg.artifacts);
    mkdirSync(outDir, { recursive: true });
    await a.screenshot({ path: path.join(outDir, 'chat.png') });
    await b.screenshot({ path: path.join(outDir, 'moderator.png') });
    return { alice, bob, steps, alicePage: await view(a), bobPage: await view(b) };
  } finally {
    await browser.close();
  }
}

run().then(
  (result) => { process.stdout.write(`${JSON.stringify(result)}\n`); },
  (error) => { process.stdout.write(`${JSON.stringify({ error: String(error.stack ?? error) })}\n`); process.exitCode = 1; },
);
