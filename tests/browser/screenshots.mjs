// Takes the README screenshots of diagrams from a built handbook, in light and dark mode:
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
await browser.close();
