// Measures search on a built site in headless Chromium, as a reader gets it from file://:
//
// - the index: its size on disk, the core (search-index.js) and the largest shards;
// - the first keystroke: a fresh page, the header box focused and one letter typed; what it
//   loads (search.js, the core, the shards) and the time until the dropdown answers;
// - first results, cold: 12 fresh pages, each focused and given a whole query at once (a word,
//   two words, a typo, a prefix being typed); time from the focus to the results shown (search.js,
//   core and shards loaded on the way) and what was loaded;
// - keystrokes, warm: 100 queries (typed prefixes, whole words, several words, typos, a phrase)
//   on one page once their shards are loaded: the engine alone and a whole keystroke (input
//   event: search, excerpts and the dropdown rendered), each query's best of 5 passes (which
//   filters out time the machine spent on other processes) and its median of 5.
//
// usage: node bench/search.mjs <site-dir> [notes-dir]   (bench/search.sh runs it)
import { readdirSync, statSync } from 'node:fs';
import { join, basename } from 'node:path';
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
const size = (f) => statSync(join(site, f)).size;
const files = readdirSync(site).filter((f) => /^search-index(-[dps]\d+)?\.js$/.test(f));
const kinds = { d: [], p: [], s: [] };
for (const f of files) { const m = /-([dps])\d+\.js$/.exec(f); if (m) kinds[m[1]].push(size(f)); }
const indexBytes = files.reduce((n, f) => n + size(f), 0);
const markdown = notes ? mdBytes(notes) : 0;
const kb = (b) => (b / 1024).toFixed(1) + ' KB';
const f2 = (x) => x.toFixed(2);
const pct = (a, p) => { const s = [...a].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };
const median = (a) => pct(a, 0.5);

const context = await launch();
// Vocabulary for the queries (on a page of its own: it loads every dictionary shard).
const vocab = await (async () => {
  const page = await context.newPage();
  await page.goto(fileUrl(join(site, 'search.html')), { waitUntil: 'load' });
  const words = await page.evaluate(() => new Promise((resolve) => window.coremSearch.load(() =>
    window.coremSearch.vocabulary((v) => resolve(v.words)))));
  await page.close();
  return words;
})();
// prose words (letters only, 4–10 long), spread over the dictionary
const prose = vocab.filter((w) => /^[a-z]{4,10}$/.test(w));
const pick = (i) => prose[(i * 7919) % prose.length];
const long = prose.filter((x) => x.length >= 6);
const swap = (w) => w.slice(0, 2) + w[3] + w[2] + w.slice(4);

// A fresh page, `query` typed into the focused header box at once: ms from the focus to the
// dropdown answering, and the script files the page loaded (search.js, corem.js excluded).
async function cold(query) {
  const page = await context.newPage();
  const scripts = [];
  page.on('request', (r) => { if (r.resourceType() === 'script') scripts.push(basename(new URL(r.url()).pathname)); });
  await page.goto(fileUrl(join(site, 'index.html')), { waitUntil: 'load' });
  const before = scripts.length;
  const ms = await page.evaluate((q) => new Promise((resolve) => {
    const box = document.querySelector('.site-header input[type=search]');
    const list = document.querySelector('.site-header [data-search-results]');
    const t0 = performance.now();
    const done = () => list.children.length > 0 && !list.hasAttribute('aria-busy') && window.coremSearch && window.coremSearch.ready();
    new MutationObserver(function () { if (done()) { this.disconnect(); resolve(performance.now() - t0); } })
      .observe(list, { childList: true, attributes: true, subtree: true });
    box.focus();
    box.value = q; // typed before search.js arrived: it answers on load
    box.dispatchEvent(new Event('input'));
  }), query);
  const loaded = scripts.slice(before);
  await page.close();
  return { ms, loaded, bytes: loaded.reduce((n, f) => n + size(f), 0), index: loaded.filter((f) => f.startsWith('search-index')).reduce((n, f) => n + size(f), 0) };
}

const first = [];
for (const letter of ['c', 's', 'p', 'm', 't']) first.push(await cold(letter));
const coldQueries = [pick(1), pick(2) + ' ' + pick(3), swap(long[5]), pick(4).slice(0, 4), pick(5) + ' ' + pick(6).slice(0, 3),
  pick(7), swap(long[40]), pick(8) + ' ' + pick(9) + ' ' + pick(10), pick(11).slice(0, 3), pick(12), pick(13) + ' ', swap(long[90])];
const colds = [];
for (const q of coldQueries) colds.push({ q, ...(await cold(q)) });

// Warm: 100 queries from the site's own vocabulary (deterministic).
const queries = [];
for (let i = 0; queries.length < 40; i++) { // 2-word queries typed key by key (every prefix is a query)
  const q = pick(i) + ' ' + pick(i + 101);
  for (let k = 1; k <= q.length && queries.length < 40; k++) queries.push(q.slice(0, k));
}
for (let i = 0; i < 25; i++) queries.push(pick(300 + i) + ' '); // whole words
for (let i = 0; i < 15; i++) queries.push(pick(400 + i) + ' ' + pick(500 + i) + ' ' + pick(600 + i) + ' ');
for (let i = 0; i < 14; i++) queries.push(swap(long[(i * 131) % long.length]) + ' '); // typos
queries.push('"' + pick(700) + ' ' + pick(701) + '"', pick(800).slice(0, 3), pick(801).slice(0, 2), 'zzqx ', pick(803) + ' zzqx ', 'a');
const page = await context.newPage();
await page.goto(fileUrl(join(site, 'search.html')), { waitUntil: 'load' });
await page.evaluate(() => new Promise((resolve) => window.coremSearch.load(resolve)));
const timing = await page.evaluate(async (qs) => {
  const engine = qs.map(() => []), keystroke = qs.map(() => []), counts = [];
  const box = document.querySelector('.site-header input[type=search]');
  box.focus();
  // The first pass loads the shards and warms the JIT; then 5 timed passes.
  for (const q of qs) await new Promise((done) => window.coremSearch.search(q, 8, done));
  for (const q of qs) { box.value = q; box.dispatchEvent(new Event('input')); await new Promise((r) => setTimeout(r, 0)); }
  for (let rep = 0; rep < 5; rep++) {
    qs.forEach((q, i) => {
      const t0 = performance.now();
      let n = -1;
      window.coremSearch.search(q, 8, (r) => { n = r.length; });
      const t1 = performance.now();
      if (n < 0) throw new Error('a warm query waited for a shard: ' + q);
      box.value = q;
      box.dispatchEvent(new Event('input'));
      const t2 = performance.now();
      engine[i].push(t1 - t0);
      keystroke[i].push(t2 - t1);
      counts[i] = n;
    });
  }
  return { engine, keystroke, counts };
}, queries);
await context.close();

const best = (a) => a.map((x) => Math.min(...x));
const mid = (a) => a.map((x) => median(x));
console.log(`site: ${site}`);
console.log(`index: ${indexBytes} bytes (${(indexBytes / 1048576).toFixed(1)} MiB) in ${files.length} files` +
  (markdown ? ` (${(indexBytes * 100 / markdown).toFixed(0)} % of ${markdown} bytes of Markdown)` : '') +
  `; core search-index.js ${kb(size('search-index.js'))}; shards: ${kinds.d.length} dictionary (largest ${kb(Math.max(...kinds.d))}), ` +
  `${kinds.p.length} postings (largest ${kb(Math.max(...kinds.p))}), ${kinds.s.length} sections (largest ${kb(Math.max(...kinds.s))})`);
console.log(`search.js: ${kb(size('search.js'))}`);
console.log(`first keystroke (fresh page, one letter): loads ${first.map((x) => kb(x.bytes)).join(', ')} (index files ${first.map((x) => kb(x.index)).join(', ')}); ` +
  `answered in ${first.map((x) => x.ms.toFixed(0)).join(', ')} ms; max ${kb(Math.max(...first.map((x) => x.bytes)))}`);
console.log(`first results, cold (fresh page, whole query at once, ${colds.length} queries): median ${median(colds.map((x) => x.ms)).toFixed(0)} ms, ` +
  `max ${Math.max(...colds.map((x) => x.ms)).toFixed(0)} ms; loads median ${kb(median(colds.map((x) => x.bytes)))}, max ${kb(Math.max(...colds.map((x) => x.bytes)))}`);
for (const c of colds) console.log(`  ${JSON.stringify(c.q)}: ${c.ms.toFixed(0)} ms, ${c.loaded.length} files, ${kb(c.bytes)}`);
for (const [name, a] of [['best of 5', best], ['median of 5', mid]]) {
  const e = a(timing.engine), k = a(timing.keystroke);
  console.log(`${queries.length} queries, warm, ${name} — engine: median ${f2(median(e))} ms, p95 ${f2(pct(e, 0.95))} ms, max ${f2(Math.max(...e))} ms; ` +
    `keystroke (search + excerpts + dropdown): median ${f2(median(k))} ms, p95 ${f2(pct(k, 0.95))} ms, max ${f2(Math.max(...k))} ms`);
}
console.log(`queries with results: ${timing.counts.filter((c) => c > 0).length}; examples: ${[0, 5, 39, 40, 66, 85, 94].map((i) => JSON.stringify(queries[i])).join(', ')}`);
