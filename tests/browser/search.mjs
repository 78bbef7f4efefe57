// Search in headless Chromium, on a built handbook: from file:// and over HTTP (a throwaway
// node:http server on 127.0.0.1), by keyboard, with a typo, on the results page; the index is
// loaded only once the box is used; the JavaScript stemmer agrees with the Rust one.
//
// usage: node tests/browser/search.mjs <site-dir> <stems.json>
//   stems.json: [[word, stem], …] from rust-stemmers (written by tests/browser_search.rs)
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { launch, watch, fileUrl, finish, assert, serveDir } from './lib.mjs';

const [siteDir, stemsFile] = process.argv.slice(2);
if (!siteDir || !stemsFile) {
  console.error('usage: node tests/browser/search.mjs <site-dir> <stems.json>');
  process.exit(2);
}
const problems = [];
const context = await launch();


async function results(page) {
  return page.$$eval('.site-header [data-search-results] a', (as) =>
    as.map((a) => ({ href: a.getAttribute('href'), url: a.href, text: a.textContent, selected: a.getAttribute('aria-selected') })));
}

async function typeQuery(page, text) {
  const box = page.locator('.site-header input[type=search]');
  await box.fill('');
  await box.pressSequentially(text, { delay: 5 });
  // Results shown for the whole query: the list is no longer busy (waiting for a shard).
  await page.waitForFunction(() => document.querySelectorAll('.site-header [data-search-results] a').length > 0 &&
    !document.querySelector('.site-header [data-search-results]').hasAttribute('aria-busy'), null, { timeout: 5000 })
    .catch(() => problems.push(`no results shown for “${text}”`));
}

// One full pass over a site root URL (file:// or http://).
async function pass(base, label, allowed) {
  const page = await context.newPage();
  const w = watch(page, allowed);
  const indexRequests = [];
  page.on('request', (r) => { if (r.url().endsWith('search-index.js')) indexRequests.push(r.url()); });

  // The index is not loaded until the box is used.
  await page.goto(base + 'principles/cap-theorem.html', { waitUntil: 'load' });
  await page.waitForTimeout(100);
  assert(indexRequests.length === 0, `${label}: search-index.js loaded before the box was used`, problems);

  // "/" focuses the box; ARIA combobox semantics.
  await page.keyboard.press('/');
  const focused = await page.evaluate(() => document.activeElement?.matches('.site-header input[type=search]'));
  assert(focused, `${label}: "/" does not focus the search box`, problems);
  const role = await page.getAttribute('.site-header input[type=search]', 'role');
  assert(role === 'combobox', `${label}: the search box has role ${role}, not combobox`, problems);

  // A typo finds its section, first; links are relative to the page.
  await typeQuery(page, 'cap theorm');
  assert(indexRequests.length === 1, `${label}: search-index.js requested ${indexRequests.length} times`, problems);
  let list = await results(page);
  assert(list[0] && /principles\/cap-theorem\.html$/.test(list[0].url) && /CAP theorem/.test(list[0].text),
    `${label}: “cap theorm” does not show the CAP theorem first: ${JSON.stringify(list.slice(0, 3))}`, problems);
  assert(list.every((r) => !/^(\/|[a-z]+:)/.test(r.href)), `${label}: result links are not relative: ${list.map((r) => r.href)}`, problems);
  assert(await page.getAttribute('.site-header input[type=search]', 'aria-expanded') === 'true', `${label}: aria-expanded is not true with results shown`, problems);
  assert(await page.getAttribute('.site-header [data-search-results]', 'role') === 'listbox', `${label}: results are not a listbox`, problems);
  const marks = await page.$$eval('.site-header [data-search-results] a mark', (m) => m.map((x) => x.textContent.toLowerCase()));
  assert(marks.some((m) => m === 'cap') && marks.some((m) => m === 'theorem'), `${label}: matched words not highlighted: ${marks}`, problems);

  // Enter opens the first result.
  await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
  assert(/principles\/cap-theorem\.html(#.*)?$/.test(page.url()), `${label}: Enter went to ${page.url()}`, problems);

  // Ctrl+K, arrows, Enter at a section anchor; Escape closes.
  await page.goto(base + 'index.html', { waitUntil: 'load' });
  await page.keyboard.press('Control+k');
  await typeQuery(page, 'circiut breaker states');
  list = await results(page);
  assert(list.slice(0, 3).some((r) => /circuit-breaker\.html#the-three-states$/.test(r.url)),
    `${label}: “circiut breaker states” does not rank the three-states section in the top 3: ${JSON.stringify(list.slice(0, 3))}`, problems);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  list = await results(page);
  const active = await page.getAttribute('.site-header input[type=search]', 'aria-activedescendant');
  const second = await page.$eval('.site-header [data-search-results] a:nth-child(2)', (a) => a.id);
  assert(list[1]?.selected === 'true' && active === second, `${label}: ArrowDown twice does not select the second result (active ${active})`, problems);
  await page.keyboard.press('Escape');
  assert(await page.isHidden('.site-header [data-search-results]'), `${label}: Escape does not close the results`, problems);
  await page.keyboard.press('ArrowDown');
  assert(await page.isVisible('.site-header [data-search-results]'), `${label}: ArrowDown does not reopen the results`, problems);
  // Move to the first result that is a section (has an anchor) and open it with Enter.
  list = await results(page);
  const pick = list.findIndex((r) => r.url.includes('#'));
  // ArrowDown reopened the list on the first result; move down to the pick.
  for (let i = 0; i < pick; i++) await page.keyboard.press('ArrowDown');
  const target = list[pick]?.url;
  assert(pick >= 0 && (await results(page))[pick].selected === 'true', `${label}: could not select a section result`, problems);
  await Promise.all([page.waitForURL((u) => u.href === target), page.keyboard.press('Enter')]);
  assert(page.url() === target, `${label}: Enter went to ${page.url()}, not ${target}`, problems);
  const atHeading = await page.evaluate(() => { const h = document.getElementById(decodeURIComponent(location.hash.slice(1))); return !!h && /^H[1-6]$/.test(h.tagName); });
  assert(atHeading, `${label}: ${page.url()} does not land on a heading`, problems);

  // Prefix of the word being typed, from a page two folders deep would work the same: here, root.
  await page.goto(base + 'index.html', { waitUntil: 'load' });
  await page.locator('.site-header input[type=search]').focus();
  await typeQuery(page, 'idempot');
  list = await results(page);
  // The prefix is completed: the best result is a section about idempotency by its title or
  // heading path.
  assert(list.length > 0 && /idempot/i.test(list[0].text),
    `${label}: prefix “idempot” does not rank idempotent sections first: ${list.slice(0, 3).map((r) => `${r.url} (${r.text})`)}`, problems);

  // Excerpts: about 20–30 words around the best match, matched words marked; a typo with two
  // letters swapped finds its word.
  await typeQuery(page, 'geohsah ');
  list = await results(page);
  assert(list[0] && /geohashing-and-quadtrees\.html/.test(list[0].url), `${label}: “geohsah” does not find geohashing first: ${list.slice(0, 3).map((r) => r.url)}`, problems);
  const snippets = await page.$$eval('.site-header [data-search-results] .sr-snippet', (s) => s.map((x) => ({ text: x.textContent, marks: [...x.querySelectorAll('mark')].map((m) => m.textContent.toLowerCase()) })));
  const words = (t) => t.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
  assert(snippets.length > 0 && snippets.every((x) => words(x.text) <= 30), `${label}: excerpts longer than 30 words: ${snippets.map((x) => words(x.text))}`, problems);
  assert(snippets.filter((x) => words(x.text) >= 20).length >= snippets.length / 2, `${label}: excerpts mostly shorter than 20 words: ${snippets.map((x) => words(x.text))}`, problems);
  assert(snippets.filter((x) => /geohash/i.test(x.text)).every((x) => x.marks.some((m) => m.startsWith('geohash'))), `${label}: excerpts without the matched word marked: ${JSON.stringify(snippets)}`, problems);
  // A word deep in a long section: the excerpt is cut around it, not from the section's start.
  await typeQuery(page, 'decorrelated ');
  const deep = await page.$$eval('.site-header [data-search-results] .sr-snippet', (s) => s.map((x) => ({ text: x.textContent, marks: [...x.querySelectorAll('mark')].map((m) => m.textContent.toLowerCase()) })));
  assert(deep.length > 0 && deep.every((x) => x.marks.includes('decorrelated')), `${label}: “decorrelated” not marked in every excerpt: ${JSON.stringify(deep)}`, problems);
  assert(deep.some((x) => x.text.startsWith('…')), `${label}: no excerpt starts inside its section: ${JSON.stringify(deep)}`, problems);
  // A query loads only the shards it needs: on a fresh page, at most one sections shard per
  // result shown.
  const fresh = await context.newPage();
  await fresh.goto(base + 'search.html', { waitUntil: 'load' });
  const loaded = await fresh.evaluate(() => new Promise((resolve) => window.coremSearch.load(() =>
    window.coremSearch.search('decorrelated', 8, () => resolve(window.coremSearch.loaded())))));
  await fresh.close();
  const shardFiles = readdirSync(siteDir).filter((f) => /^search-index-s\d+\.js$/.test(f)).length;
  const sLoaded = loaded.filter((k) => k[0] === 's').length;
  assert(sLoaded >= 1 && sLoaded <= 8 && sLoaded < shardFiles && loaded.some((k) => k[0] === 'd') && loaded.some((k) => k[0] === 'p'),
    `${label}: one query loaded ${loaded} (of ${shardFiles} sections shards)`, problems);

  // The results page lists every result, from ?q=.
  await page.goto(base + 'search.html?q=' + encodeURIComponent('cache aside'), { waitUntil: 'load' });
  await page.waitForFunction(() => document.querySelectorAll('.search-page-results a').length > 0 &&
    !document.querySelector('.search-page-results').hasAttribute('aria-busy'), null, { timeout: 5000 })
    .catch(() => problems.push(`${label}: search.html?q=cache aside shows no results`));
  const pageResults = await page.$$eval('.search-page-results[data-search-results] a', (as) => as.map((a) => a.href));
  assert(pageResults.length > 0 && /caching-strategies\.html#cache-aside$/.test(pageResults[0]),
    `${label}: search.html?q=cache aside: first result ${pageResults[0]}`, problems);
  const value = await page.inputValue('form.search-large input[type=search]');
  assert(value === 'cache aside', `${label}: the results page box holds “${value}”`, problems);

  problems.push(...w.problems());
  await page.close();
  return pageResults.length;
}

const fileCount = await pass(fileUrl(siteDir) + '/', 'file://', ['file://', 'data:', 'about:']);
const server = await serveDir(siteDir);
const origin = `http://127.0.0.1:${server.address().port}/`;
const httpCount = await pass(origin, 'http', [origin, 'data:', 'about:']);
server.close();

// The client's stemmer agrees with rust-stemmers, and with the index's own word → term map.
const page = await context.newPage();
const w = watch(page);
await page.goto(fileUrl(join(siteDir, 'search.html')), { waitUntil: 'load' });
const pairs = JSON.parse(readFileSync(stemsFile, 'utf8'));
const report = await page.evaluate((pairs) => new Promise((resolve) => {
  window.coremSearch.load(() => {
    const bad = pairs.filter(([word, s]) => window.coremSearch.stem(word) !== s);
    window.coremSearch.vocabulary(({ words, terms }) => {
    const byTerm = new Map();
    const split = [];
    words.forEach((word, i) => {
      const s = window.coremSearch.stem(word);
      const seen = byTerm.get(terms[i]);
      if (seen === undefined) byTerm.set(terms[i], s);
      else if (seen !== s) split.push(`${word}: ${s} vs ${seen}`);
    });
    const stems = new Set(byTerm.values());
    resolve({ bad: bad.slice(0, 20).map(([word, s]) => `${word}: js ${window.coremSearch.stem(word)}, rust ${s}`), badCount: bad.length, split: split.slice(0, 20), merged: byTerm.size - stems.size, words: words.length });
    });
  });
}), pairs);
assert(report.badCount === 0, `stemmer: ${report.badCount} of ${pairs.length} words differ from rust-stemmers: ${report.bad.join('; ')}`, problems);
assert(report.split.length === 0 && report.merged === 0, `stemmer: the index's terms disagree with the client's stems: ${report.split.join('; ')} (${report.merged} merged)`, problems);
problems.push(...w.problems());

await context.close();
finish(problems, `ok: search works from file:// (${fileCount} results on the page) and over HTTP (${httpCount}); keyboard, typo, prefix, results page; the JS stemmer agrees with rust-stemmers on ${pairs.length} words and with the index's ${report.words} words`);
