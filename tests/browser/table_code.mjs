// Code in tables keeps its words whole (driven by tests/browser_code.rs):
//
//     node tests/browser/table_code.mjs <site-dir> [<page.html> …]
//
// Opens each page (every page of the site when none is named, but the print view, which
// repeats them all) from file:// in Debian's Chromium at 1280 and 390 px wide. A table squeezed
// into a phone's width gives each column its narrowest width; with code allowed to break
// anywhere, `wireless` in a cell came out as "wirel" and "ess", and a header's `--fresh` as
// "--" and "fresh". So:
//   - every `th code` is one line box (one client rect);
//   - every `td code` without spaces, hyphens or slashes (where a line may break) is one line.
// Prints the number checked; exits non-zero with one line per problem.
import path from 'node:path';
import { fileUrl, finish, htmlPages, launch } from './lib.mjs';

const [site, ...named] = process.argv.slice(2);
const pages = named.length
  ? named.map((p) => path.resolve(site, p))
  : htmlPages(site).filter((p) => !/\/print(-[^/]*)?\.html$/.test(p));
const context = await launch();
const page = await context.newPage();
const problems = [];
let checked = 0;
try {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    for (const file of pages) {
      await page.goto(fileUrl(file), { waitUntil: 'load' });
      await page.evaluate(() => document.fonts.ready);
      const found = await page.evaluate(() =>
        [...document.querySelectorAll('th code, td code')]
          .filter((c) => c.closest('th') || !/[\s\-\/]/.test(c.textContent))
          .map((c) => ({ cell: c.closest('th') ? 'th' : 'td', text: c.textContent, lines: c.getClientRects().length })));
      checked += found.length;
      const name = path.relative(site, file);
      for (const c of found) {
        if (c.lines !== 1) problems.push(`${name} at ${width} px: ${c.cell} code \`${c.text}\` spans ${c.lines} lines`);
      }
    }
  }
} finally {
  await context.close();
}
finish(problems, `${checked} table code span(s) checked on ${pages.length} page(s), 0 table code problem(s)`);
