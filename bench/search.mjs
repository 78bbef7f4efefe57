// Measures search on a built site in headless Chromium, as a reader gets it from file://:
// the index's size (search-index.js, the core loaded on first use, and its shards), the time
// from inserting search-index.js to a decoded index, and the latency of 100 queries (typed
// prefixes, whole words, several words, typos, a phrase), both the engine alone and a whole
// keystroke (input event: search and render the dropdown), warm (shards loaded) and cold
// (a fresh page: each query waits for the shards it needs).
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
const shards = readdirSync(site).filter((f) => /^search-index-[ps]\d+\.js$/.test(f));
const coreBytes = statSync(join(site, 'search-index.js')).size;
const indexBytes = shards.reduce((n, f) => n + statSync(join(site, f)).size, coreBytes);
const markdown = notes ? mdBytes(notes) : 0;
const jsBytes = statSync(join(site, 'search.js')).size;

const context = await launch();
const loads = [];
let heap = 0;
for (let run = 0; run < 7; run++) {
  const page = await context.newPage();
  await page.goto(fileUrl(join(site, 'search.html')), { waitUntil: 'load' });
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
await page.goto(fileUrl(join(site, 'search.html')), { waitUntil: 'load' });
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
const timing = await page.evaluate(async (qs) => {
  const engine = [], keystroke = [], counts = [];
  const box = document.querySelector('.site-header input[type=search]');
  box.focus();
  // The first pass loads the shards and warms the JIT and the posting cache (it runs the
  // queries one by one, waiting for shards); then each query's best of 5 passes, which
  // filters out time the machine spent on other processes. Warm, answers come at once.
  for (const q of qs) await new Promise((done) => window.coremSearch.search(q, 8, done));
  for (let rep = 0; rep < 6; rep++) {
    qs.forEach((q, i) => {
      const t0 = performance.now();
      let n = -1;
      window.coremSearch.search(q, 8, (r) => { n = r.length; });
      const t1 = performance.now();
      if (n < 0) throw new Error('a warm query waited for a shard: ' + q);
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
// Cold: a fresh page, each query's shards loaded and terms decoded for the first time
// (query to answer, shard loads included).
const cold = await (async () => {
  const p = await context.newPage();
  await p.goto(fileUrl(join(site, 'search.html')), { waitUntil: 'load' });
  return p.evaluate((qs) => new Promise((resolve) => window.coremSearch.load(async () => {
    const out = [];
    for (const q of qs) {
      const t0 = performance.now();
      await new Promise((done) => window.coremSearch.search(q, 8, done));
      out.push(performance.now() - t0);
    }
    resolve(out);
  })), queries);
})();
const loaded = (await page.evaluate(() => [...document.scripts].filter((s) => /search-index-/.test(s.src)).length));
await context.close();

const pct = (a, p) => { const s = [...a].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };
const f = (x) => x.toFixed(2);
console.log(`site: ${site}`);
const pc = (b) => (markdown ? ` = ${(b * 100 / markdown).toFixed(1)} %` : '');
console.log(`index: ${indexBytes} bytes (${(indexBytes / 1048576).toFixed(1)} MiB) in ${shards.length + 1} files${pc(indexBytes)}` +
  (markdown ? ` of ${markdown} bytes of Markdown` : '') +
  `; core search-index.js ${coreBytes} bytes (${(coreBytes / 1048576).toFixed(2)} MiB)${pc(coreBytes)}`);
console.log(`shards loaded by the ${queries.length} queries (warm page): ${loaded} of ${shards.length}`);
console.log(`search.js: ${jsBytes} bytes`);
console.log(`load + decode of the core (insert <script> → index ready), 7 fresh pages: min ${f(Math.min(...loads))} ms, median ${f(pct(loads, 0.5))} ms, max ${f(Math.max(...loads))} ms; JS heap after load ${(heap / 1048576).toFixed(0)} MiB`);
console.log(`${queries.length} queries, warm — engine: median ${f(pct(timing.engine, 0.5))} ms, p95 ${f(pct(timing.engine, 0.95))} ms, max ${f(Math.max(...timing.engine))} ms`);
console.log(`${queries.length} keystrokes, warm, best of 5 (search + render dropdown): median ${f(pct(timing.keystroke, 0.5))} ms, p95 ${f(pct(timing.keystroke, 0.95))} ms, max ${f(Math.max(...timing.keystroke))} ms`);
console.log(`${queries.length} queries, cold (fresh page, shards loaded as needed): median ${f(pct(cold, 0.5))} ms, p95 ${f(pct(cold, 0.95))} ms, max ${f(Math.max(...cold))} ms`);
console.log(`queries with results: ${timing.counts.filter((c) => c > 0).length}; examples: ${[0, 5, 39, 40, 66, 85, 94].map((i) => JSON.stringify(queries[i])).join(', ')}`);
