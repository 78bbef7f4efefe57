// The README's screenshots (docs/img/*.png), taken from the current
// build of the bundled handbook so they cannot drift from the product. One command, from the
// repository root:
//
//     node tests/browser/screenshots.mjs
//
// builds the handbook with `cargo run --release -- build` into target/screenshots/site, then
// photographs the views below with the same capture code as the visual-regression test
// (tests/browser/views.mjs). `node tests/browser/screenshots.mjs <site-dir> [out-dir]
// [fixtures-dir]` uses existing builds instead (fixtures-dir holding er/, pie/, gantt/, mindmap/
// and timeline/ built from tests/fixtures/diagram-TYPE).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launchBrowser, capture, PHONE } from './views.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// The diagram types the handbook does not use are shot from their example fixtures.
const FIXTURE_TYPES = ['er', 'pie', 'gantt', 'mindmap', 'timeline'];
let [site, out, fixtures] = process.argv.slice(2);
if (!site) {
  site = path.join(root, 'target/screenshots/site');
  fixtures = path.join(root, 'target/screenshots/fixtures');
  const corem = (args) => execFileSync('cargo', ['run', '--release', '--quiet', '--', ...args], { stdio: 'inherit', cwd: root });
  corem(['build', root, '-o', site]);
  for (const t of FIXTURE_TYPES) {
    corem(['build', path.join(root, `tests/fixtures/diagram-${t}`), '-o', path.join(fixtures, t)]);
  }
}
out = out || path.join(root, 'docs/img');
if (!fs.existsSync(path.join(site, 'index.html'))) {
  console.error(`no built site at ${site}`);
  process.exit(2);
}

// [file name, view]; a view as in views.mjs (page, scheme, size, figure, search, media).
const SHOTS = [
  ['home-light', { page: 'index.html' }],
  ['home-dark', { page: 'index.html', scheme: 'dark' }],
  ['note-calc-light', { page: 'principles/availability-in-numbers.html' }],
  ['note-phone', { page: 'principles/availability-in-numbers.html', size: PHONE }],
  ['search-light', { page: 'principles/cap-theorem.html', search: 'circuit breaker' }],
  ['diagram-flowchart-light', { page: 'principles/cap-theorem.html', figure: 0 }],
  ['diagram-flowchart-dark', { page: 'principles/cap-theorem.html', figure: 0, scheme: 'dark' }],
  ['diagram-sequence-light', { page: 'components/cdn.html', figure: 0 }],
  ['diagram-sequence-dark', { page: 'components/cdn.html', figure: 0, scheme: 'dark' }],
  ['diagram-state-light', { page: 'components/circuit-breaker.html', figure: 0 }],
  ['diagram-state-dark', { page: 'components/circuit-breaker.html', figure: 0, scheme: 'dark' }],
];
if (fixtures) {
  // [type, figure index in its fixture's page]
  for (const [t, figure] of [['er', 16], ['pie', 4], ['gantt', 1], ['mindmap', 7], ['timeline', 2]]) {
    for (const scheme of ['light', 'dark']) {
      SHOTS.push([`diagram-${t}-${scheme}`, { site: path.join(fixtures, t), page: 'index.html', figure, scheme }]);
    }
  }
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
const browser = await launchBrowser();
try {
  for (const [name, view] of SHOTS) {
    const file = path.join(out, `${name}.png`);
    await capture(browser, view.site || site, { name, ...view }, file);
    console.log(path.relative(root, file));
  }
  await navigation('light', 1280, 'light');
  await navigation('dark', 1280, 'dark');
  await navigation('light', 390, 'phone');
} finally {
  await browser.close();
}
