// A built site served over HTTP the way GitHub Pages serves it: under a project path
// (/<repo>/) or at a domain root, with 404.html (status 404) for every missing address.
// Opens 404.html at a deep missing path in headless Chromium (its inline script picks the site
// root), checks its stylesheet loaded, then crawls every page reachable from its links: every
// <a>, <link>, <script> and <img> inside the site must answer 200, every #anchor must exist.
//
// usage: node tests/browser/pages.mjs <site-dir> <prefix: "/" or "/repo/">
import { createServer } from 'node:http';
import { readFileSync, statSync } from 'node:fs';
import { join, normalize, extname } from 'node:path';
import { launch, watch, finish, assert } from './lib.mjs';

const [siteDir, prefix] = process.argv.slice(2);
if (!siteDir || !prefix || !prefix.startsWith('/') || !prefix.endsWith('/')) {
  console.error('usage: node tests/browser/pages.mjs <site-dir> </ or /repo/>');
  process.exit(2);
}
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.xml': 'application/xml', '.txt': 'text/plain', '.png': 'image/png', '.ttf': 'font/ttf' };
const root = normalize(siteDir);
const server = createServer((req, res) => {
  const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  let file = null;
  if (path.startsWith(prefix)) {
    const rel = path.slice(prefix.length);
    const f = normalize(join(root, rel === '' || rel.endsWith('/') ? rel + 'index.html' : rel));
    try { if (f.startsWith(root) && statSync(f).isFile()) file = f; } catch { /* missing */ }
  }
  if (file) {
    res.writeHead(200, { 'content-type': TYPES[extname(file)] || 'application/octet-stream' });
    res.end(readFileSync(file));
  } else {
    // GitHub Pages: the site's 404.html, whatever the depth of the missing address.
    res.writeHead(404, { 'content-type': TYPES['.html'] });
    res.end(readFileSync(join(root, '404.html')));
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${server.address().port}`;
const site = origin + prefix;
const problems = [];

const context = await launch();
const page = await context.newPage();
const w = watch(page, [origin + '/', 'data:', 'about:']);
const speculative = (p) => /Failed to load resource|request failed: .*net::ERR_ABORTED/.test(p);
const missing = site + 'no/such/deep/folder/page.html';
const resp = await page.goto(missing, { waitUntil: 'load' });
assert(resp && resp.status() === 404, `${missing}: status ${resp && resp.status()}, want 404`, problems);
const styled = await page.evaluate(() => Array.from(document.styleSheets).some((s) => { try { return s.cssRules.length > 10; } catch { return false; } }));
assert(styled, '404.html at a deep path has no stylesheet', problems);
const links = await page.$$eval('a[href]', (as) => as.map((a) => new URL(a.getAttribute('href'), document.baseURI).href));
assert(links.includes(site + 'index.html'), `404.html's links do not lead home (${site}index.html): ${links.slice(0, 5).join(' ')}`, problems);
// In-page links (the skip link) stay on the missing address, whatever the <base>.
const skip = await page.$eval('a.skip-link', (a) => a.href);
assert(skip === missing + '#content', `the skip link leads to ${skip}, not ${missing}#content`, problems);
const fromNotFound = links.filter((h) => h.startsWith(origin) && h.split('#')[0] !== missing);
for (const h of fromNotFound) {
  if (!h.startsWith(site)) problems.push(`404.html links outside ${prefix}: ${h}`);
}
// 404.html's stylesheets and scripts came from the site root. (Chromium's preload scanner may
// also fetch them relative to the missing address before the inline script runs: those
// speculative misses cost a request each and change nothing.)
const loaded = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => [e.name, e.responseStatus]));
for (const f of ['style.css', 'corem.js']) {
  assert(loaded.some(([u, s]) => u === site + f && s === 200), `404.html did not load ${site}${f}: ${loaded.map((l) => l.join(' ')).join(', ')}`, problems);
}
await context.close();

// Crawl every page reachable from 404.html's links, over HTTP, with Node's URL resolution.
const ids = new Map();
const queue = fromNotFound.map((h) => h.split('#')[0]);
const seen = new Set();
const wanted = []; // [from, url]
const attr = /<(a|link|script|img|source)\b[^>]*?\s(href|src)="([^"]*)"/g;
while (queue.length) {
  const url = queue.shift();
  if (seen.has(url)) continue;
  seen.add(url);
  const r = await fetch(url);
  if (r.status !== 200) { problems.push(`${url}: status ${r.status}`); continue; }
  if (!(r.headers.get('content-type') || '').startsWith('text/html')) continue;
  const html = await r.text();
  ids.set(url, new Set(Array.from(html.matchAll(/\sid="([^"]*)"/g), (m) => m[1].replace(/&amp;/g, '&'))));
  for (const m of html.matchAll(attr)) {
    const raw = m[3].replace(/&amp;/g, '&');
    if (/^(https?:)?\/\//.test(raw) && !raw.startsWith(origin)) {
      if (m[1] !== 'a') problems.push(`${url}: <${m[1]}> loads ${raw} from outside the site`);
      continue;
    }
    if (/^(data|mailto|javascript):/.test(raw)) continue;
    const abs = new URL(raw, url).href;
    if (!abs.startsWith(site)) { problems.push(`${url}: ${raw} leaves ${prefix} (${abs})`); continue; }
    wanted.push([url, abs]);
    const bare = abs.split('#')[0].split('?')[0];
    if (!seen.has(bare)) queue.push(bare);
  }
}
let anchors = 0;
for (const [from, abs] of wanted) {
  const [bare, frag] = abs.split('#');
  if (!frag || !ids.has(bare.split('?')[0])) continue;
  anchors++;
  if (!ids.get(bare.split('?')[0]).has(decodeURIComponent(frag))) problems.push(`${from}: ${abs}: no element with that id`);
}
server.close();
assert(seen.size > 5, `only ${seen.size} URLs reached from 404.html`, problems);
finish([...w.problems().filter((p) => !speculative(p)), ...problems], `ok: under ${prefix}, 404.html at a deep missing path is styled and its links lead to ${seen.size} URLs (${wanted.length} references, ${anchors} anchors), none broken`);
