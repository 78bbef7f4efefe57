// What a reader sees of highlighted code (driven by tests/browser_code.rs):
//
//     node tests/browser/code_colours.mjs <site-dir> <page.html> …
//
// Opens each page from file:// in Debian's Chromium in four looks: light and dark as the system
// preference, and each forced by the theme toggle (data-theme on <html>) against the other
// system preference. For every highlighted token (a span in `pre.code code`), its computed
// colour must have WCAG contrast >= 4.5 against the code block's background, and every token
// the light look colours must be painted in the dark look too (not dark-on-dark). Also checks
// the dark look differs from the light one (the dark theme's colours apply). Exits non-zero
// with one line per problem; prints the lowest contrast per look.
import { chromium } from 'playwright-core';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [site, ...pages] = process.argv.slice(2);
const LOOKS = [
  ['light', 'light', null],
  ['dark (system)', 'dark', null],
  ['dark (toggle)', 'light', 'dark'],
  ['light (toggle)', 'dark', 'light'],
];
const browser = await chromium.launch({
  executablePath: process.env.COREM_CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});
const problems = [];
const seen = {};
for (const page of pages) {
  for (const [look, scheme, forced] of LOOKS) {
    const ctx = await browser.newContext({ colorScheme: scheme });
    const p = await ctx.newPage();
    await p.goto(pathToFileURL(path.resolve(site, page)).href, { waitUntil: 'load' });
    if (forced) await p.evaluate((t) => document.documentElement.setAttribute('data-theme', t), forced);
    const tokens = await p.evaluate(() => {
      const parse = (c) => (c.match(/[\d.]+/g) || []).map(Number);
      const lum = ([r, g, b]) => {
        const ch = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
        return 0.2126 * ch(r) + 0.7152 * ch(g) + 0.0722 * ch(b);
      };
      const contrast = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
      const out = [];
      for (const pre of document.querySelectorAll('pre.code')) {
        const bg = parse(getComputedStyle(pre).backgroundColor);
        for (const s of pre.querySelectorAll('code span')) {
          const fg = getComputedStyle(s).color;
          out.push({ lang: pre.dataset.lang, text: s.textContent.slice(0, 20), fg, bg: getComputedStyle(pre).backgroundColor, c: contrast(parse(fg), bg) });
        }
      }
      return out;
    });
    await ctx.close();
    if (tokens.length === 0) problems.push(`${page} ${look}: no highlighted token`);
    let worst = Infinity;
    for (const t of tokens) {
      worst = Math.min(worst, t.c);
      if (t.c < 4.5) problems.push(`${page} ${look}: ${t.lang} token "${t.text}" is ${t.fg} on ${t.bg}, contrast ${t.c.toFixed(2)}; needs 4.5`);
    }
    seen[`${page} ${look}`] = tokens.map((t) => t.fg).join(' ');
    console.log(`${page} ${look}: ${tokens.length} tokens, lowest contrast ${worst.toFixed(2)}`);
  }
  if (seen[`${page} light`] === seen[`${page} dark (system)`]) problems.push(`${page}: dark mode shows the light colours`);
  if (seen[`${page} dark (system)`] !== seen[`${page} dark (toggle)`]) problems.push(`${page}: the toggle's dark differs from the system's`);
  if (seen[`${page} light`] !== seen[`${page} light (toggle)`]) problems.push(`${page}: the toggle's light differs from the system's`);
}
await browser.close();
for (const p of problems) console.log(p);
console.log(`${problems.length} code colour problem(s)`);
process.exit(problems.length ? 1 : 0);
