// Opens a built site from disk (file://) in headless Chromium, follows every internal link of
// the home page and of each page it reaches (breadth first, up to a limit), toggles dark mode,
// and fails on any console error or any request that is not file://.
//
// usage: node tests/browser/site.mjs <site-dir> [max-pages]
import { join } from 'node:path';
import { launch, watch, fileUrl, finish, assert } from './lib.mjs';

const [siteDir, maxArg] = process.argv.slice(2);
if (!siteDir) {
  console.error('usage: node tests/browser/site.mjs <site-dir> [max-pages]');
  process.exit(2);
}
const maxPages = Number(maxArg || 400);
const context = await launch();
const page = await context.newPage();
const w = watch(page);
const problems = [];

const start = fileUrl(join(siteDir, 'index.html'));
const seen = new Set();
const queue = [start];
while (queue.length && seen.size < maxPages) {
  const url = queue.shift();
  const bare = url.split('#')[0];
  if (seen.has(bare)) continue;
  seen.add(bare);
  const resp = await page.goto(url, { waitUntil: 'load' });
  assert(resp === null || resp.ok(), `could not load ${url}`, problems);
  const title = await page.title();
  assert(title.length > 0, `${url} has no <title>`, problems);
  // SVG links (the local graph) have an SVGAnimatedString `href`: resolve the attribute.
  const hrefs = await page.$$eval('a[href]', (as) => as.map((a) => new URL(a.getAttribute('href'), document.baseURI).href));
  for (const h of hrefs) {
    if (h.startsWith('file://') && !seen.has(h.split('#')[0])) queue.push(h);
  }
}
assert(seen.size > 1, `only ${seen.size} page(s) reachable from index.html`, problems);

// Dark mode: the toggle sets data-theme, and the choice survives navigation.
await page.goto(start);
const toggle = page.locator('.theme-toggle');
if (await toggle.count()) {
  const before = await page.evaluate(() => document.documentElement.getAttribute('data-theme'));
  await toggle.first().click();
  const after = await page.evaluate(() => document.documentElement.getAttribute('data-theme'));
  assert(after && after !== before, `theme toggle did not change data-theme (${before} → ${after})`, problems);
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  // Chromium passes a page's localStorage writes to the browser process asynchronously, so a
  // navigation started the instant after the click can still read the old value (CI saw
  // "dark → null" once in seven runs). Wait, on state, until another page of the context sees
  // the choice, as a reader who clicks and then follows a link would find it.
  const probe = await context.newPage();
  await probe.goto(start);
  const stored = await probe
    .waitForFunction((t) => localStorage.getItem('corem-theme') === t, after, { timeout: 10000 })
    .then(() => true, () => false);
  await probe.close();
  assert(stored, `theme choice ${after} never reached localStorage`, problems);
  const next = await page.$eval('a[href$=".html"]:not([href^="http"])', (a) => a.href);
  await page.goto(next);
  const kept = await page.evaluate(() => document.documentElement.getAttribute('data-theme'));
  assert(kept === after, `theme choice not remembered across pages (${after} → ${kept})`, problems);
  const bg2 = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert(bg === bg2, `background differs after navigation (${bg} vs ${bg2})`, problems);
} else {
  problems.push('no .theme-toggle button on the home page');
}

await context.close();
finish([...w.problems(), ...problems], `ok: ${seen.size} pages opened from file:// with no console error and no outside request; dark mode toggles and persists`);
