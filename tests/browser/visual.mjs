// Visual regression (driven by tests/browser_visual.rs): screenshots of a small set of views of
// the built `tests/fixtures/visual` site, compared with the baselines committed in
// tests/visual/baseline/ with pixelmatch.
//
//     node tests/browser/visual.mjs <site-dir>            compare; diffs go to <site-dir>/../visual-diff/
//     node tests/browser/visual.mjs <site-dir> --update   rewrite the baselines (deliberately)
//
// The usual way to refresh the baselines after a deliberate change of the theme or the engine:
//
//     COREM_UPDATE_BASELINES=1 cargo test --test browser_visual
//
// A view fails when its size changed, when more than MAX_SHARE of its pixels differ beyond
// pixelmatch's colour threshold (anti-aliasing is ignored), or when the differences are dense
// anywhere (a changed word). On failure the expected, actual and diff images are written side by
// side and their paths printed.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';
import { launchBrowser, capture, PHONE } from './views.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const BASELINES = path.resolve(here, '../visual/baseline');
const THRESHOLD = 0.1;
// A view fails when more than MAX_SHARE of its pixels differ, or when any WINDOW×WINDOW square
// has more than MAX_IN_WINDOW differing pixels: a changed word is a small share of a long page
// but a dense patch.
const MAX_SHARE = 0.002;
const WINDOW = 24;
const MAX_IN_WINDOW = 24;

// The fixture's views: home, a note with worked calculations, each diagram kind, search with
// its results open, dark mode, a 390 px phone, print.html.
export const VIEWS = [
  { name: 'home-light', page: 'index.html' },
  { name: 'home-dark', page: 'index.html', scheme: 'dark' },
  { name: 'home-phone', page: 'index.html', size: PHONE },
  { name: 'home-phone-dark', page: 'index.html', size: PHONE, scheme: 'dark' },
  { name: 'calc-light', page: 'calculations.html', full: true },
  { name: 'calc-dark', page: 'calculations.html', scheme: 'dark', full: true },
  { name: 'calc-phone', page: 'calculations.html', size: PHONE },
  ...['flowchart', 'sequence', 'state', 'class', 'svgbob', 'er', 'pie', 'gantt', 'mindmap', 'timeline'].flatMap((kind, i) => [
    { name: `diagram-${kind}-light`, page: 'diagrams/index.html', figure: i },
    { name: `diagram-${kind}-dark`, page: 'diagrams/index.html', figure: i, scheme: 'dark' },
  ]),
  { name: 'search-light', page: 'calculations.html', search: 'budget' },
  { name: 'search-dark', page: 'calculations.html', search: 'budget', scheme: 'dark' },
  { name: 'print', page: 'print.html', media: 'print' },
];

function readPng(file) {
  return PNG.sync.read(fs.readFileSync(file));
}

async function main() {
  const args = process.argv.slice(2);
  const site = args.find((a) => !a.startsWith('--'));
  const update = args.includes('--update') || process.env.COREM_UPDATE_BASELINES === '1';
  if (!site || !fs.existsSync(site)) {
    console.error('usage: node tests/browser/visual.mjs <site-dir> [--update]');
    process.exit(2);
  }
  const work = path.join(path.dirname(path.resolve(site)), 'visual-diff');
  fs.mkdirSync(work, { recursive: true });
  const browser = await launchBrowser();
  const problems = [];
  try {
    for (const view of VIEWS) {
      const actual = path.join(work, `${view.name}.actual.png`);
      await capture(browser, site, view, actual);
      const baseline = path.join(BASELINES, `${view.name}.png`);
      if (update) {
        fs.mkdirSync(BASELINES, { recursive: true });
        fs.copyFileSync(actual, baseline);
        console.log(`updated ${path.relative(process.cwd(), baseline)}`);
        continue;
      }
      if (!fs.existsSync(baseline)) {
        problems.push(`${view.name}: no baseline ${baseline} (run with COREM_UPDATE_BASELINES=1 to create it)`);
        continue;
      }
      const a = readPng(baseline);
      const b = readPng(actual);
      if (a.width !== b.width || a.height !== b.height) {
        problems.push(`${view.name}: size changed from ${a.width}×${a.height} to ${b.width}×${b.height} (actual: ${actual})`);
        continue;
      }
      const diff = new PNG({ width: a.width, height: a.height });
      const n = pixelmatch(a.data, b.data, diff.data, a.width, a.height, { threshold: THRESHOLD });
      const dense = n === 0 ? 0 : pixelmatch(a.data, b.data, null, a.width, a.height, { threshold: THRESHOLD, windowSize: WINDOW });
      const share = n / (a.width * a.height);
      const line = `${view.name}: ${n} px differ (${(share * 100).toFixed(3)} %, at most ${dense} in a ${WINDOW} px square)`;
      if (share > MAX_SHARE || dense > MAX_IN_WINDOW) {
        const diffFile = path.join(work, `${view.name}.diff.png`);
        fs.writeFileSync(diffFile, PNG.sync.write(diff));
        fs.copyFileSync(baseline, path.join(work, `${view.name}.expected.png`));
        problems.push(`${line}; limits ${(MAX_SHARE * 100).toFixed(1)} % and ${MAX_IN_WINDOW} px: see ${diffFile} (expected and actual beside it)`);
      } else {
        console.log(line);
      }
    }
  } finally {
    await browser.close();
  }
  for (const p of problems) console.error(p);
  console.log(update ? `${VIEWS.length} baselines written` : `${VIEWS.length} views, ${problems.length} visual difference(s)`);
  process.exit(problems.length ? 1 : 0);
}

await main();
