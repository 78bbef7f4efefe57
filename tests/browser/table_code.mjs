// Code in tables keeps its words whole (driven by tests/browser_code.rs):
//
//     node tests/browser/table_code.mjs <site-dir> [<page.html> …]
//
// Opens each page (every page of the site but previews, print pages and the graph when none is
// named) from file:// in Debian's Chromium at 1280 and 390 px wide. A table squeezed into a
// phone's width gives each column its narrowest width; with code allowed to break anywhere,
// `wireless` in a cell came out as "wirel" and "ess", and a header's `--fresh` as "--" and
// "fresh". So:
//   - every `th code` is one line box (one client rect);
//   - every `td code` without spaces, hyphens or slashes (where a line may break) is one line.
// Prints the number checked and one line per problem, and exits non-zero on any.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [site, ...named] = process.argv.slice(2);
const pages = named.length
  ? named
  : fs.readdirSync(site, { recursive: true })
    .filter((f) => f.endsWith('.html') && !f.startsWith('_preview') && !/(^|\/)print|graph\.html$/.test(f));
const browser = await chromium.launch({
  executablePath: process.env.COREM_CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});
const problems = [];
let checked = 0;
for (const width of [1280, 390]) {
  const ctx = await browser.newContext({ viewport: { width, height: 900 } });
  const p = await ctx.newPage();
  for (const page of pages) {
    await p.goto(pathToFileURL(path.resolve(site, page)).href, { waitUntil: 'load' });
    await p.evaluate(() => document.fonts.ready);
    const found = await p.evaluate(() =>
      [...document.querySelectorAll('th code, td code')]
        .filter((c) => c.closest('th') || !/[\s\-\/]/.test(c.textContent))
        .map((c) => ({ cell: c.closest('th') ? 'th' : 'td', text: c.textContent, lines: c.getClientRects().length })));
    checked += found.length;
    for (const c of found) {
      if (c.lines !== 1) problems.push(`${page} at ${width} px: ${c.cell} code \`${c.text}\` spans ${c.lines} lines`);
    }
  }
  await ctx.close();
}
await browser.close();
for (const line of problems) console.log(line);
console.log(`${checked} table code span(s) checked on ${pages.length} page(s), ${problems.length} table code problem(s)`);
process.exit(problems.length ? 1 : 0);
