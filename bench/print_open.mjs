// How long the print view takes to open in headless Chromium from file://: print.html and, on
// a site with one print page per section (past [print] max_notes), the largest print pages.
// Navigation start to the load event, median of RUNS fresh tabs each; sizes of all print pages.
//
//     node bench/print_open.mjs SITE [RUNS=3] [LARGEST=3]
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { launch, fileUrl } from '../tests/browser/lib.mjs';

const [site, runsArg, largestArg] = process.argv.slice(2);
if (!site) {
  console.error('usage: node bench/print_open.mjs SITE [RUNS] [LARGEST]');
  process.exit(2);
}
const runs = Number(runsArg || 3);
const parts = readdirSync(site).filter((f) => /^print-.*\.html$/.test(f))
  .map((f) => ({ f, size: statSync(join(site, f)).size })).sort((a, b) => b.size - a.size);
const mb = (b) => (b / 1048576).toFixed(2) + ' MB';
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
console.log(`print.html: ${mb(statSync(join(site, 'print.html')).size)}; print pages: ${parts.length}` +
  (parts.length ? `, largest ${mb(parts[0].size)}, median ${mb(median(parts.map((p) => p.size)))}, ` +
    `smallest ${mb(parts[parts.length - 1].size)}, all ${mb(parts.reduce((n, p) => n + p.size, 0))}` : ''));
const context = await launch();
for (const f of ['print.html', ...parts.slice(0, Number(largestArg || 3)).map((p) => p.f)]) {
  const times = [];
  for (let r = 0; r < runs; r++) {
    const page = await context.newPage();
    await page.goto(fileUrl(join(site, f)), { waitUntil: 'load', timeout: 120000 });
    times.push(await page.evaluate(() => performance.getEntriesByType('navigation')[0].loadEventEnd));
    await page.close();
  }
  console.log(`${f} (${mb(statSync(join(site, f)).size)}): load event at median ${median(times).toFixed(0)} ms (${times.map((t) => t.toFixed(0)).join(', ')})`);
}
await context.close();
