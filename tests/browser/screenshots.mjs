// Takes the README screenshots (diagrams, link preview, local graph, graph.html) from a built
// handbook, in light and dark mode, and the navigation ones on a 390 px phone too:
//
//     cargo run -- build -o /tmp/site && node tests/browser/screenshots.mjs /tmp/site docs/img
//
// Uses Debian's Chromium (/usr/bin/chromium, or $CHROMIUM); writes small PNGs of single figures.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [site, out] = process.argv.slice(2);
if (!site || !out) {
  console.error('usage: node tests/browser/screenshots.mjs <site-dir> <out-dir>');
  process.exit(2);
}
fs.mkdirSync(out, { recursive: true });
const shots = [
  ['flowchart', 'principles/cap-theorem.html', 0],
  ['sequence', 'components/cdn.html', 0],
  ['state', 'components/circuit-breaker.html', 0],
];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});
for (const scheme of ['light', 'dark']) {
  const context = await browser.newContext({ colorScheme: scheme, viewport: { width: 900, height: 900 }, deviceScaleFactor: 1 });
  for (const [name, page, index] of shots) {
    const p = await context.newPage();
    await p.goto(pathToFileURL(path.resolve(site, page)).href);
    await p.evaluate(() => document.fonts.ready);
    const fig = p.locator('figure.diagram').nth(index);
    const file = path.join(out, `diagram-${name}-${scheme}.png`);
    await fig.screenshot({ path: file });
    console.log(file);
    await p.close();
  }
  await context.close();
}

// Knowledge navigation: a link preview, a local graph, graph.html with a note found.
async function navigation(scheme, width, suffix) {
  const context = await browser.newContext({ colorScheme: scheme, viewport: { width, height: 900 }, deviceScaleFactor: 1 });
  const p = await context.newPage();
  const url = (page) => pathToFileURL(path.resolve(site, page)).href;
  await p.goto(url('principles/cap-theorem.html'));
  await p.evaluate(() => document.fonts.ready);
  const graph = p.locator('.local-graph');
  await graph.scrollIntoViewIfNeeded();
  await graph.screenshot({ path: path.join(out, `local-graph-${suffix}.png`) });
  console.log(path.join(out, `local-graph-${suffix}.png`));
  if (width > 500) {
    const link = p.locator('.content a[href="consistency-patterns.html#eventual-consistency"]').first();
    await link.scrollIntoViewIfNeeded();
    await p.evaluate(() => scrollBy(0, -200));
    await link.hover();
    await p.waitForSelector('.preview');
    await p.evaluate(() => document.fonts.ready);
    const a = await link.boundingBox(), b = await p.locator('.preview').boundingBox();
    const x = Math.max(0, Math.min(a.x, b.x) - 24), y = Math.max(0, Math.min(a.y, b.y) - 24);
    const clip = { x, y, width: Math.min(width - x, Math.max(a.x + a.width, b.x + b.width) - x + 24), height: Math.max(a.y + a.height, b.y + b.height) - y + 24 };
    await p.screenshot({ path: path.join(out, `preview-${suffix}.png`), clip });
    console.log(path.join(out, `preview-${suffix}.png`));
  }
  await p.goto(url('graph.html'));
  await p.evaluate(() => document.fonts.ready);
  await p.fill('#graph-q', 'CAP theorem');
  await p.locator('.graph-doc').screenshot({ path: path.join(out, `graph-page-${suffix}.png`) });
  console.log(path.join(out, `graph-page-${suffix}.png`));
  await context.close();
}
await navigation('light', 1280, 'light');
await navigation('dark', 1280, 'dark');
await navigation('light', 390, 'phone');
await browser.close();
