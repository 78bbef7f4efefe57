// What a reader sees of every build-time diagram (driven by tests/browser_legibility.rs):
//
//     node tests/browser/legibility.mjs <site-dir> [--every-look handbook.html] [page.html …]
//
// Opens every page of the site that holds a diagram (or the pages named) from file:// in
// Debian's Chromium, light and dark (as the system preference). The file given with
// --every-look (the single-file handbook, which holds every diagram of the site) is also checked
// in the other looks: dark and light through the theme toggle (data-theme on <html>), the
// print stylesheet, forced colours (Windows' high-contrast themes) and "more contrast", each
// light and dark. For every diagram:
//   - every label (<text>) is painted (fill not none, not transparent) and its colour has WCAG
//     contrast >= 4.5 against what is actually behind it: the topmost filled shape under it
//     (its node, a group box, a label background, with their opacities), else the figure;
//   - every line, outline and arrow head is drawn (stroke not none, or a filled head) with
//     contrast >= 3 against the figure background.
// Colours are read with getComputedStyle after the theme applied, so an undefined CSS variable
// (fill falls back to black, stroke to none) fails here. Exits non-zero with one line per
// problem; prints the lowest contrasts seen.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { diagramPages } from './lib.mjs';

const args = process.argv.slice(2);
const site = args.shift();
if (!site || !fs.existsSync(site)) {
  console.error('usage: node tests/browser/legibility.mjs <site-dir> [--every-look handbook.html] [page.html …]');
  process.exit(2);
}
let everyLook = null;
const only = [];
while (args.length) {
  const a = args.shift();
  if (a === '--every-look') everyLook = path.resolve(args.shift());
  else only.push(a);
}

const pages = only.length ? only.map((p) => path.resolve(site, p)) : diagramPages(site);
if (pages.length === 0) {
  console.error(`no page with a diagram under ${site}`);
  process.exit(1);
}

// [name, system colour scheme, data-theme set by the toggle or null, media, pages, other media
// features to emulate]
const LOOKS = [
  ['light', 'light', null, 'screen', pages],
  ['dark (system)', 'dark', null, 'screen', pages],
];
if (everyLook) {
  LOOKS[0][4] = LOOKS[1][4] = [...pages, everyLook];
  LOOKS.push(
    ['dark (toggle)', 'light', 'dark', 'screen', [everyLook]],
    ['light (toggle)', 'dark', 'light', 'screen', [everyLook]],
    ['print', 'light', null, 'print', [everyLook]],
    // Windows' high-contrast themes and the "more contrast" preference have rules of their own.
    ['forced colours', 'light', null, 'screen', [everyLook], { forcedColors: 'active' }],
    ['forced colours, dark', 'dark', null, 'screen', [everyLook], { forcedColors: 'active' }],
    ['more contrast', 'light', null, 'screen', [everyLook], { contrast: 'more' }],
    ['more contrast, dark', 'dark', null, 'screen', [everyLook], { contrast: 'more' }],
  );
}

/** Runs in the page: checks every diagram, returns { problems, texts, shapes, minText, minLine }. */
function inspect() {
  const TEXT_MIN = 4.5;
  const LINE_MIN = 3;
  const BACKGROUND_CLASSES = ['dg-label-bg', 'dg-rect'];
  const ctx = document.createElement('canvas').getContext('2d', { willReadFrequently: true });

  // Any CSS colour → [r, g, b, a] in 0..1, through a canvas (handles rgb(), color(srgb …), names).
  function rgba(css) {
    if (!css || css === 'none') return null;
    ctx.clearRect(0, 0, 1, 1);
    ctx.fillStyle = '#000';
    ctx.fillStyle = css;
    ctx.fillRect(0, 0, 1, 1);
    const d = ctx.getImageData(0, 0, 1, 1).data;
    return [d[0] / 255, d[1] / 255, d[2] / 255, d[3] / 255];
  }
  const over = (top, alpha, under) => top.slice(0, 3).map((c, i) => c * alpha + under[i] * (1 - alpha));
  const lum = (c) => {
    const f = (v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  };
  const contrast = (a, b) => {
    const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  const hex = (c) => '#' + c.slice(0, 3).map((v) => Math.round(v * 255).toString(16).padStart(2, '0')).join('');
  // Effective opacity of an element: its own times its ancestors' inside the svg.
  function opacity(el, svg) {
    let o = 1;
    for (let e = el; e && e !== svg.parentElement; e = e.parentElement) o *= parseFloat(getComputedStyle(e).opacity);
    return o;
  }
  // The solid background colour behind an element: first opaque ancestor background.
  function pageBackground(el) {
    let acc = null;
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c && c[3] > 0) {
        layers.push(c);
        if (c[3] >= 1) break;
      }
    }
    acc = [1, 1, 1];
    for (const c of layers.reverse()) acc = over(c, c[3], acc);
    return acc;
  }
  // Paint of one shape as [colour, alpha] for fill or stroke, or null when not painted.
  function paint(el, svg, which) {
    const cs = getComputedStyle(el);
    const c = rgba(cs[which]);
    if (!c || c[3] === 0) return null;
    if (which === 'stroke' && parseFloat(cs.strokeWidth) <= 0) return null;
    const own = parseFloat(which === 'fill' ? cs.fillOpacity : cs.strokeOpacity);
    return [c, c[3] * own * opacity(el, svg)];
  }

  const out = { problems: [], texts: 0, shapes: 0, minText: Infinity, minLine: Infinity };
  const figures = [...document.querySelectorAll('figure.diagram')];
  figures.forEach((fig, k) => {
    const svg = fig.querySelector('svg');
    if (!svg) {
      out.problems.push(`figure ${k + 1}: no svg`);
      return;
    }
    const name = svg.querySelector('title')?.textContent?.trim() || `diagram ${k + 1}`;
    const bg = pageBackground(fig);
    const shapes = [...svg.querySelectorAll('rect, path, line, polyline, polygon, circle, ellipse')].filter(
      (s) => !s.closest('defs, marker, clipPath, mask, pattern, symbol'),
    );
    // Lines, outlines, heads: drawn and visible against the figure.
    for (const s of shapes) {
      const r = s.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (BACKGROUND_CLASSES.some((c) => s.classList.contains(c))) continue;
      out.shapes++;
      const stroke = paint(s, svg, 'stroke');
      const fill = paint(s, svg, 'fill');
      const best = [stroke, fill]
        .filter(Boolean)
        .map(([c, a]) => contrast(over(c, a, bg), bg))
        .reduce((a, b) => Math.max(a, b), 0);
      const what = `${s.tagName}${s.getAttribute('class') ? '.' + s.getAttribute('class').trim().replace(/\s+/g, '.') : ''}`;
      if (!stroke && !fill) {
        out.problems.push(`${name}: ${what} is not drawn (stroke ${getComputedStyle(s).stroke}, fill ${getComputedStyle(s).fill})`);
      } else if (best < LINE_MIN) {
        out.problems.push(`${name}: ${what} has contrast ${best.toFixed(2)} against the figure (${hex(bg)}); needs ${LINE_MIN}`);
      }
      out.minLine = Math.min(out.minLine, best);
      const cls = s.classList;
      if (['dg-edge', 'dg-msg', 'dg-line', 'dg-lifeline'].some((c) => cls.contains(c)) && !stroke) {
        out.problems.push(`${name}: ${what} has no stroke`);
      }
    }
    // Labels: painted, with contrast against what is behind them.
    for (const t of svg.querySelectorAll('text')) {
      if (!t.textContent.trim() || t.closest('defs, marker')) continue;
      const r = t.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      out.texts++;
      const label = t.textContent.trim().slice(0, 40);
      const ink = paint(t, svg, 'fill');
      if (!ink) {
        out.problems.push(`${name}: label "${label}" is not painted (fill ${getComputedStyle(t).fill})`);
        continue;
      }
      // Sample the label's centre and both ends (inset), keep the worst.
      const ys = r.top + r.height / 2;
      const points = [r.left + r.width / 2, r.left + Math.min(2, r.width / 2), r.right - Math.min(2, r.width / 2)];
      let worst = Infinity;
      let worstBehind = bg;
      for (const x of points) {
        let behind = bg;
        for (const s of shapes) {
          if (!(t.compareDocumentPosition(s) & Node.DOCUMENT_POSITION_PRECEDING)) continue;
          const f = paint(s, svg, 'fill');
          if (!f) continue;
          const m = s.getScreenCTM();
          if (!m || typeof s.isPointInFill !== 'function') continue;
          const p = new DOMPoint(x, ys).matrixTransform(m.inverse());
          if (s.isPointInFill(p)) behind = over(f[0], f[1], behind);
        }
        const c = contrast(over(ink[0], ink[1], behind), behind);
        if (c < worst) {
          worst = c;
          worstBehind = behind;
        }
      }
      out.minText = Math.min(out.minText, worst);
      if (worst < TEXT_MIN) {
        out.problems.push(
          `${name}: label "${label}" has contrast ${worst.toFixed(2)} (${hex(over(ink[0], ink[1], worstBehind))} on ${hex(worstBehind)}); needs ${TEXT_MIN}`,
        );
      }
    }
  });
  out.figures = figures.length;
  return out;
}

const browser = await chromium.launch({
  executablePath: process.env.COREM_CHROMIUM || process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});
const problems = [];
const summary = [];
try {
  for (const [look, scheme, toggle, media, files, features = {}] of LOOKS) {
    const context = await browser.newContext({ colorScheme: scheme, viewport: { width: 1280, height: 900 } });
    if (toggle) {
      // What the toggle leaves behind: the stored choice, applied by the inline head script.
      await context.addInitScript((t) => localStorage.setItem('corem-theme', t), toggle);
    }
    const page = await context.newPage();
    await page.emulateMedia({ media, colorScheme: scheme, ...features });
    let figures = 0;
    let texts = 0;
    let shapes = 0;
    let minText = Infinity;
    let minLine = Infinity;
    for (const file of files) {
      const rel = path.relative(site, file);
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      if (toggle) {
        const applied = await page.evaluate(() => document.documentElement.getAttribute('data-theme'));
        if (applied !== toggle) problems.push(`${rel} [${look}]: the stored theme choice was not applied (data-theme=${applied})`);
      }
      await page.evaluate(() => document.fonts.ready);
      const query = features.forcedColors ? '(forced-colors: active)' : features.contrast ? '(prefers-contrast: more)' : null;
      if (query && !(await page.evaluate((q) => matchMedia(q).matches, query))) {
        problems.push(`${rel} [${look}]: ${query} is not in effect, so this look was not checked`);
      }
      const res = await page.evaluate(inspect);
      for (const p of res.problems) problems.push(`${rel} [${look}]: ${p}`);
      figures += res.figures;
      texts += res.texts;
      shapes += res.shapes;
      minText = Math.min(minText, res.minText);
      minLine = Math.min(minLine, res.minLine);
    }
    summary.push(
      `${look}: ${files.length} pages, ${figures} diagrams, ${texts} labels (lowest contrast ${minText.toFixed(2)}), ${shapes} lines and shapes (lowest ${minLine.toFixed(2)})`,
    );
    await context.close();
  }
} finally {
  await browser.close();
}
const shown = problems.slice(0, 60);
for (const p of shown) console.error(p);
if (problems.length > shown.length) console.error(`… and ${problems.length - shown.length} more`);
for (const s of summary) console.log(s);
console.log(`${problems.length} legibility problem(s)`);
process.exit(problems.length ? 1 : 0);
