// Browser check of every build-time diagram of a built site (driven by tests/browser_diagrams.rs):
//
//     node tests/browser/diagrams.mjs <site-dir>
//
// Loads each page holding a diagram from file://, in light and in dark mode, with Debian's
// Chromium (never a downloaded browser), and checks, from the rendered boxes:
//   - the diagram font (static/fonts/noto-sans-latin-400.ttf) is loaded and used by diagram text;
//   - every <text> box lies inside its <svg>;
//   - no two <text> boxes of one diagram overlap;
//   - no request leaves file:// and no script is requested for diagrams (only the theme's own).
// Exits non-zero with one line per problem.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { diagramPages } from './lib.mjs';

const site = process.argv[2];
if (!site || !fs.existsSync(site)) {
  console.error('usage: node tests/browser/diagrams.mjs <site-dir>');
  process.exit(2);
}
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
// The theme's own scripts (none of them draws diagrams): anything else is a diagram script.
const THEME_SCRIPTS = new Set(['corem.js', 'search.js', 'search-index.js']);
const isThemeScript = (name) => THEME_SCRIPTS.has(name) || /^search-index-[dps]\d+\.js$/.test(name);

const browser = await chromium.launch({
  executablePath,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});
const problems = [];
let diagrams = 0;
let labels = 0;
const list = diagramPages(site);
try {
  for (const scheme of ['light', 'dark']) {
    const context = await browser.newContext({ colorScheme: scheme, viewport: { width: 1280, height: 900 } });
    for (const file of list) {
      const rel = path.relative(site, file);
      const page = await context.newPage();
      page.on('request', (req) => {
        const url = req.url();
        if (!url.startsWith('file://') && !url.startsWith('data:')) {
          problems.push(`${rel} (${scheme}): request leaves the machine: ${url}`);
        }
        if (req.resourceType() === 'script' && !isThemeScript(path.basename(new URL(url).pathname))) {
          problems.push(`${rel} (${scheme}): unexpected script request ${url}`);
        }
      });
      page.on('requestfailed', (req) => {
        problems.push(`${rel} (${scheme}): failed request ${req.url()}`);
      });
      await page.goto(pathToFileURL(path.resolve(file)).href, { waitUntil: 'load' });
      const res = await page.evaluate(async () => {
        await document.fonts.ready;
        const out = { problems: [], diagrams: 0, labels: 0 };
        const font = [...document.fonts].find((f) => f.family.replace(/"/g, '') === 'corem diagram');
        if (!font || font.status !== 'loaded') out.problems.push(`diagram font not loaded (${font ? font.status : 'no @font-face'})`);
        for (const [k, svg] of [...document.querySelectorAll('figure.diagram svg.dg')].entries()) {
          out.diagrams++;
          const name = svg.querySelector('title')?.textContent || `diagram ${k + 1}`;
          if (svg.querySelector('script, foreignObject')) out.problems.push(`${name}: script or foreignObject inside`);
          const s = svg.getBoundingClientRect();
          if (s.width < 1 || s.height < 1) out.problems.push(`${name}: not displayed`);
          const texts = [...svg.querySelectorAll('text')].filter((t) => t.textContent.trim() !== '');
          const bob = svg.classList.contains('dg-bob');
          const boxes = texts.map((t) => ({ t: t.textContent, r: t.getBoundingClientRect() }));
          for (const t of texts) {
            if (!bob && !getComputedStyle(t).fontFamily.includes('corem diagram')) {
              out.problems.push(`${name}: "${t.textContent}" is not in the diagram font`);
            }
          }
          const eps = 0.5;
          for (const b of boxes) {
            out.labels++;
            const r = b.r;
            if (r.left < s.left - eps || r.top < s.top - eps || r.right > s.right + eps || r.bottom > s.bottom + eps) {
              out.problems.push(`${name}: label "${b.t}" overflows the diagram (${r.left.toFixed(1)},${r.top.toFixed(1)})-(${r.right.toFixed(1)},${r.bottom.toFixed(1)}) vs (${s.left.toFixed(1)},${s.top.toFixed(1)})-(${s.right.toFixed(1)},${s.bottom.toFixed(1)})`);
            }
          }
          for (let i = 0; i < boxes.length; i++) {
            for (let j = i + 1; j < boxes.length; j++) {
              const a = boxes[i].r;
              const b = boxes[j].r;
              const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
              const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
              if (w > eps && h > eps) {
                out.problems.push(`${name}: labels "${boxes[i].t}" and "${boxes[j].t}" overlap (${w.toFixed(1)}×${h.toFixed(1)} px)`);
              }
            }
          }
        }
        return out;
      });
      for (const p of res.problems) problems.push(`${rel} (${scheme}): ${p}`);
      diagrams += res.diagrams;
      labels += res.labels;
      await page.close();
    }
    await context.close();
  }
} finally {
  await browser.close();
}
for (const p of problems) console.error(p);
console.log(`${list.length} pages, ${diagrams} diagram views, ${labels} labels checked (light and dark), ${problems.length} problems`);
process.exit(problems.length ? 1 : 0);
