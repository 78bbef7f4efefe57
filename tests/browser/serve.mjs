// Drives `corem serve` in headless Chromium while editing the project on disk:
//   1. an edited note shows its change in the open page with no manual reload, at the same scroll;
//   2. a broken link shows the overlay with the diagnostic (file:line:col, message, source line);
//   3. fixing it removes the overlay;
//   4. a CSS-only change is applied without reloading the page.
// No console error, no request that leaves the server.
//
// usage: node tests/browser/serve.mjs <server-url> <project-dir>
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launch, watch, finish, assert } from './lib.mjs';

const [base, project] = process.argv.slice(2);
if (!base || !project) {
  console.error('usage: node tests/browser/serve.mjs <server-url> <project-dir>');
  process.exit(2);
}
const note = join(project, 'notes/01-basics/01-alpha.md');
const original = readFileSync(note, 'utf8');
const problems = [];
const step = async (name, fn) => {
  try {
    await fn();
  } catch (e) {
    problems.push(`${name}: ${e.message.split('\n')[0]}`);
  }
};

// A long page, so keeping the scroll position means something.
const filler = Array.from({ length: 120 }, (_, i) => `Filler paragraph ${i} about caches and queues.`).join('\n\n');
writeFileSync(note, `${original}\n${filler}\n`);

const context = await launch();
const page = await context.newPage();
const w = watch(page, [base, 'data:', 'about:']);
const url = `${base}basics/alpha.html`;

// The server may still be rebuilding after the filler was written: wait for it.
await step('open the page', async () => {
  for (let i = 0; i < 100; i++) {
    await page.goto(url, { waitUntil: 'load' });
    if ((await page.content()).includes('Filler paragraph 119')) return;
    await page.waitForTimeout(100);
  }
  throw new Error('the filler never showed up');
});

await step('live reload keeps the scroll position', async () => {
  await page.evaluate(() => window.scrollTo(0, 1500));
  await page.waitForTimeout(200);
  const before = await page.evaluate(() => window.scrollY);
  assert(before > 1000, `could not scroll the page (scrollY=${before})`, problems);
  writeFileSync(note, `${original}\n${filler}\n\nLive edit token-4711 appears.\n`);
  await page.waitForFunction(() => document.body.innerText.includes('token-4711'), null, { timeout: 15000 });
  await page.waitForLoadState('load');
  await page.waitForTimeout(300);
  const after = await page.evaluate(() => window.scrollY);
  assert(Math.abs(after - before) < 5, `scroll position not kept: ${before} → ${after}`, problems);
});

await step('a broken link shows the overlay', async () => {
  const broken = `${original}\n${filler}\n\nSee [[No such note]] here.\n`;
  writeFileSync(note, broken);
  const overlay = page.locator('#corem-overlay');
  await overlay.waitFor({ state: 'visible', timeout: 15000 });
  const text = await overlay.innerText();
  const line = broken.split('\n').findIndex((l) => l.startsWith('See [[')) + 1;
  assert(/01-alpha\.md:\d+:\d+/.test(text), `overlay has no file:line:col: ${text}`, problems);
  assert(text.includes(`01-alpha.md:${line}:5`), `overlay does not point at line ${line}, column 5: ${text}`, problems);
  assert(text.includes('no note titled `No such note`'), `overlay lacks the message: ${text}`, problems);
  assert(text.includes('See [[No such note]] here.'), `overlay lacks the source line: ${text}`, problems);
  // The last good page is still what is served.
  const served = await (await page.request.get(url)).text();
  assert(served.includes('token-4711') && !served.includes('No such note'), 'the last good page is not served any more', problems);
});

await step('fixing the link removes the overlay', async () => {
  writeFileSync(note, `${original}\n${filler}\n\nFixed token-4712 now.\n`);
  await page.locator('#corem-overlay').waitFor({ state: 'detached', timeout: 15000 });
  await page.waitForFunction(() => document.body.innerText.includes('token-4712'), null, { timeout: 15000 });
});

await step('a CSS change applies without a reload', async () => {
  await page.evaluate(() => { window.__coremMarker = 42; });
  const css = readFileSync(new URL('../../static/style.css', import.meta.url), 'utf8');
  mkdirSync(join(project, 'static'), { recursive: true });
  writeFileSync(join(project, 'static/style.css'), `${css}\nbody { outline: 3px solid rgb(1, 2, 3); }\n`);
  await page.waitForFunction(() => getComputedStyle(document.body).outlineColor === 'rgb(1, 2, 3)', null, { timeout: 15000 });
  const marker = await page.evaluate(() => window.__coremMarker);
  assert(marker === 42, 'the page was reloaded for a CSS-only change', problems);
});

await context.close();
// Reloading aborts the page's own event stream: that is not a failure.
const real = w.problems().filter((p) => !(p.includes('/__corem/events') && p.includes('ERR_ABORTED')));
finish([...real, ...problems], 'ok: live reload (scroll kept), error overlay shown and cleared, CSS swapped without reload');
