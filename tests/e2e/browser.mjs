// The demo page in headless Chromium (Debian's), driven by playwright-core: two people chat,
// one of them a moderator. Usage: node browser.mjs '<config JSON>'. Prints what each page
// shows as one JSON object (tests/e2e/test_browser.py asserts on it) and saves screenshots.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

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

async function run() {
  const browser = await chromium.launch({ executablePath: cfg.chromium, args: ARGS, headless: true });
  try {
    const alice = `alice-${tag}`;
    const bob = `bob-${tag}`;
    const a = await join(browser, alice, 'chatter');
    const b = await join(browser, bob, 'moderator');
    const steps = {};

    await say(a, 'hello from the browser');
    await message(b, 'hello from the browser', 'delivered').waitFor(WAIT);

    await say(a, 'this boss fight is fucking great');
    await message(b, 'this boss fight is f****** great', 'delivered').waitFor(WAIT);
    await message(a, 'this boss fight is f****** great', 'delivered').getByTestId('masked-note').waitFor(WAIT);

    await message(b, 'hello from the browser', 'delivered').getByTestId('delete-message').click();
    await a.locator('[data-testid="message"][data-state="deleted"]').first().waitFor(WAIT);
    steps.afterModeratorDelete = await view(a);

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
