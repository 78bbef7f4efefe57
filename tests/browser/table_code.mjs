// Code in table headers stays on one line (driven by tests/browser_code.rs):
//
//     node tests/browser/table_code.mjs <site-dir> <page.html> …
//
// Opens each page from file:// in Debian's Chromium at 1280 and 390 px wide. A table squeezed
// into a phone's width gives each column its narrowest width, and a header such as `--fresh`
// then broke after its hyphens ("--" on one line, "fresh" on the next), which reads as two
// words. Every `th code` must be one line box (one client rect). Prints the number checked and
// one line per problem, and exits non-zero on any.
import { chromium } from 'playwright-core';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [site, ...pages] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.COREM_CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});
const problems = [];
let checked = 0;
for (const page of pages) {
  for (const width of [1280, 390]) {
    const ctx = await browser.newContext({ viewport: { width, height: 900 } });
    const p = await ctx.newPage();
    await p.goto(pathToFileURL(path.resolve(site, page)).href, { waitUntil: 'load' });
    await p.evaluate(() => document.fonts.ready);
    const found = await p.evaluate(() =>
      [...document.querySelectorAll('th code')].map((c) => ({ text: c.textContent, lines: c.getClientRects().length })));
    checked += found.length;
    for (const c of found) {
      if (c.lines !== 1) problems.push(`${page} at ${width} px: th code \`${c.text}\` spans ${c.lines} lines`);
    }
    await ctx.close();
  }
}
await browser.close();
for (const line of problems) console.log(line);
console.log(`${checked} header code span(s) checked, ${problems.length} table code problem(s)`);
process.exit(problems.length ? 1 : 0);
