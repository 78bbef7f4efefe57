// Takes the README screenshots of diagrams, in light and dark mode: the handbook's own pages for
// flowchart, sequence and state diagrams, and the example fixtures for the other types.
//
//     cargo run -- build -o /tmp/site
//     for t in er pie gantt mindmap timeline; do cargo run -- build tests/fixtures/diagram-$t -o /tmp/fx/$t; done
//     node tests/browser/screenshots.mjs /tmp/site docs/img /tmp/fx
//
// Uses Debian's Chromium (/usr/bin/chromium, or $CHROMIUM); writes small PNGs of single figures.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [site, out, fixtures] = process.argv.slice(2);
if (!site || !out) {
  console.error('usage: node tests/browser/screenshots.mjs <site-dir> <out-dir> [<fixtures-dir>]');
  process.exit(2);
}
fs.mkdirSync(out, { recursive: true });
// [name, folder, page, figure index]
const shots = [
  ['flowchart', site, 'principles/cap-theorem.html', 0],
  ['sequence', site, 'components/cdn.html', 0],
  ['state', site, 'components/circuit-breaker.html', 0],
];
if (fixtures) {
  shots.push(
    ['er', fixtures, 'er/index.html', 16],
    ['pie', fixtures, 'pie/index.html', 4],
    ['gantt', fixtures, 'gantt/index.html', 1],
    ['mindmap', fixtures, 'mindmap/index.html', 7],
    ['timeline', fixtures, 'timeline/index.html', 2],
  );
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});
for (const scheme of ['light', 'dark']) {
  const context = await browser.newContext({ colorScheme: scheme, viewport: { width: 900, height: 900 }, deviceScaleFactor: 1 });
  for (const [name, dir, page, index] of shots) {
    const p = await context.newPage();
    await p.goto(pathToFileURL(path.resolve(dir, page)).href);
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
