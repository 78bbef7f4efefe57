// Runs a query set through the shipped client (static/search.js on the built site's
// search.html, opened from file:// in headless Chromium) and prints, as JSON, the top three
// results of each query. tests/search_quality.rs scores them.
//
// usage: node tests/browser/search-quality.mjs <site-dir> <queries.json>
//   queries.json: [[query, expected], …]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch, watch, fileUrl, finish } from './lib.mjs';

const [siteDir, queriesFile] = process.argv.slice(2);
if (!siteDir || !queriesFile) {
  console.error('usage: node tests/browser/search-quality.mjs <site-dir> <queries.json>');
  process.exit(2);
}
const queries = JSON.parse(readFileSync(queriesFile, 'utf8'));
const context = await launch();
const page = await context.newPage();
const w = watch(page);
await page.goto(fileUrl(join(siteDir, 'search.html')), { waitUntil: 'load' });
const top = await page.evaluate((qs) => new Promise((resolve) => {
  window.coremSearch.load(async () => {
    const top = [];
    for (const [q] of qs) top.push((await new Promise((done) => window.coremSearch.search(q, 3, done))).map((r) => r.url));
    resolve(top);
  });
}), queries);
await context.close();
console.log(JSON.stringify(top));
finish(w.problems(), 'ok: queries run in Chromium');
