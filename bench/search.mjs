// Measures search on a built site in headless Chromium, as a reader gets it from file://:
// the index's size, the time from inserting search-index.js to a decoded index, and the
// latency of 100 queries (typed prefixes, whole words, several words, typos, a phrase), both
// the engine alone and a whole keystroke (input event: search and render the dropdown).
//
// usage: node bench/search.mjs <site-dir> [notes-dir]   (bench/search.sh runs it)
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { launch, fileUrl } from '../tests/browser/lib.mjs';

const [site, notes] = process.argv.slice(2);
if (!site) {
  console.error('usage: node bench/search.mjs <site-dir> [notes-dir]');
  process.exit(2);
}
function mdBytes(dir) {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) n += mdBytes(p);
    else if (e.name.endsWith('.md')) n += statSync(p).size;
  }
  return n;
}
const indexBytes = statSync(join(site, 'search-index.js')).size;
const markdown = notes ? mdBytes(notes) : 0;
const jsBytes = statSync(join(site, 'search.js')).size;

const context = await launch();
const loads = [];
let heap = 0;
for (let run = 0; run < 5; run++) {
  const page = await context.newPage();
  await page.goto(fileUrl(join(site, 'index.html')), { waitUntil: 'load' });
  const r = await page.evaluate(() => new Promise((resolve) => {
    const t0 = performance.now();
    window.coremSearch.load(() => resolve({ ms: performance.now() - t0, ok: window.coremSearch.ready(), heap: performance.memory ? performance.memory.usedJSHeapSize : 0 }));
  }));
  if (!r.ok) throw new Error('the index did not load');
  loads.push(r.ms);
  heap = r.heap;
  await page.close();
}

const page = await context.newPage();
await page.goto(fileUrl(join(site, 'index.html')), { waitUntil: 'load' });
await page.evaluate(() => new Promise((resolve) => window.coremSearch.load(resolve)));
// 100 queries from the site's own vocabulary (deterministic): common words typed key by key,
// whole words and pairs, typos of long words, a quoted phrase.
const queries = await page.evaluate(() => {
  const { words } = window.coremSearch.vocabulary();
  // prose words (letters only, 4–10 long), spread over the dictionary
  const prose = words.filter((w) => /^[a-z]{4,10}$/.test(w));
  const pick = (i) => prose[(i * 7919) % prose.length];
  const out = [];
  // 4 two-word queries typed key by key (every prefix is a query): 40 keystrokes
  for (let i = 0; out.length < 40; i++) {
    const q = pick(i) + ' ' + pick(i + 101);
    for (let k = 1; k <= q.length && out.length < 40; k++) out.push(q.slice(0, k));
  }
  for (let i = 0; i < 25; i++) out.push(pick(300 + i) + ' '); // whole words
  for (let i = 0; i < 15; i++) out.push(pick(400 + i) + ' ' + pick(500 + i) + ' ' + pick(600 + i) + ' ');
  const long = prose.filter((x) => x.length >= 6);
  for (let i = 0; i < 14; i++) { // typos: two letters swapped
    const w = long[(i * 131) % long.length];
    out.push(w.slice(0, 2) + w[3] + w[2] + w.slice(4) + ' ');
  }
  out.push('"' + pick(700) + ' ' + pick(701) + '"', pick(800).slice(0, 3), pick(801).slice(0, 2), 'zzqx ', pick(803) + ' zzqx ', 'a');
  return out.slice(0, 100);
});
const timing = await page.evaluate((qs) => {
  const engine = [], keystroke = [], counts = [];
  const box = document.querySelector('.site-header input[type=search]');
  box.focus();
  // The first pass warms the JIT and the posting cache; then each query's best of 5 passes,
  // which filters out time the machine spent on other processes.
  for (let rep = 0; rep < 6; rep++) {
    qs.forEach((q, i) => {
      const t0 = performance.now();
      const n = window.coremSearch.search(q, 8).length;
      const t1 = performance.now();
      box.value = q;
      box.dispatchEvent(new Event('input'));
      const t2 = performance.now();
      if (rep === 0) return;
      engine[i] = Math.min(engine[i] ?? Infinity, t1 - t0);
      keystroke[i] = Math.min(keystroke[i] ?? Infinity, t2 - t1);
      counts[i] = n;
    });
  }
  return { engine, keystroke, counts };
}, queries);
// Cold: a fresh page, each query's terms decoded for the first time.
const cold = await (async () => {
  const p = await context.newPage();
  await p.goto(fileUrl(join(site, 'index.html')), { waitUntil: 'load' });
  return p.evaluate((qs) => new Promise((resolve) => window.coremSearch.load(() => {
    const box = document.querySelector('.site-header input[type=search]');
    const out = [];
    for (const q of qs) { const t0 = performance.now(); box.value = q; box.dispatchEvent(new Event('input')); out.push(performance.now() - t0); }
    resolve(out);
  })), queries);
})();
await context.close();

const pct = (a, p) => { const s = [...a].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };
const f = (x) => x.toFixed(2);
console.log(`site: ${site}`);
console.log(`search-index.js: ${indexBytes} bytes (${(indexBytes / 1048576).toFixed(1)} MiB)` +
  (markdown ? ` = ${(indexBytes * 100 / markdown).toFixed(1)} % of ${markdown} bytes of Markdown` : ''));
console.log(`search.js: ${jsBytes} bytes`);
console.log(`load + decode (insert <script> → index ready), 5 fresh pages: min ${f(Math.min(...loads))} ms, median ${f(pct(loads, 0.5))} ms, max ${f(Math.max(...loads))} ms; JS heap after load ${(heap / 1048576).toFixed(0)} MiB`);
console.log(`${queries.length} queries, warm — engine: median ${f(pct(timing.engine, 0.5))} ms, p95 ${f(pct(timing.engine, 0.95))} ms, max ${f(Math.max(...timing.engine))} ms`);
console.log(`${queries.length} keystrokes, warm, best of 5 (search + render dropdown): median ${f(pct(timing.keystroke, 0.5))} ms, p95 ${f(pct(timing.keystroke, 0.95))} ms, max ${f(Math.max(...timing.keystroke))} ms`);
console.log(`${queries.length} keystrokes, cold (first use of every term): median ${f(pct(cold, 0.5))} ms, p95 ${f(pct(cold, 0.95))} ms, max ${f(Math.max(...cold))} ms`);
console.log(`queries with results: ${timing.counts.filter((c) => c > 0).length}; examples: ${[0, 5, 39, 40, 66, 85, 94].map((i) => JSON.stringify(queries[i])).join(', ')}`);
