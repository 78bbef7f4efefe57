// The single-file handbook (corem build --single-file) opened from disk in headless Chromium
// with the network off (offline context, and every request that is not file:// or data:
// aborted): every note is there, diagrams and calculations are rendered, the nav leads to
// in-page anchors, and search finds a note and opens it inside the file.
//
// usage: node tests/browser/handbook.mjs <handbook.html> <notes> <diagrams> <calcs> <query> <expected anchor>
import { launch, watch, fileUrl, finish, assert } from './lib.mjs';

const [file, notes, diagrams, calcs, query, expected] = process.argv.slice(2);
if (!expected) {
  console.error('usage: node tests/browser/handbook.mjs <handbook.html> <notes> <diagrams> <calcs> <query> <expected anchor>');
  process.exit(2);
}
const problems = [];
const context = await launch();
await context.setOffline(true);
const outside = [];
await context.route('**/*', (route) => {
  const url = route.request().url();
  if (url.startsWith('file://') || url.startsWith('data:')) return route.continue();
  outside.push(url);
  return route.abort();
});
const page = await context.newPage();
const w = watch(page);
const url = fileUrl(file);
await page.goto(url, { waitUntil: 'load' });

const counts = await page.evaluate(() => ({
  notes: document.querySelectorAll('article.print-note').length,
  nav: document.querySelectorAll('.handbook-nav a[href^="#"]').length,
  diagrams: document.querySelectorAll('article.print-note svg.dg').length,
  calcs: document.querySelectorAll('article.print-note .calc').length,
  styled: getComputedStyle(document.querySelector('.site-header')).position !== 'static' || document.styleSheets.length > 0,
  external: Array.from(document.querySelectorAll('[src], link[href]')).map((e) => e.getAttribute('src') || e.getAttribute('href')).filter((u) => !u.startsWith('data:')),
}));
assert(counts.notes === Number(notes), `${counts.notes} notes in the file, want ${notes}`, problems);
assert(counts.nav >= Number(notes), `${counts.nav} nav links, want ≥ ${notes}`, problems);
assert(counts.diagrams >= Number(diagrams), `${counts.diagrams} diagrams, want ≥ ${diagrams}`, problems);
assert(counts.calcs >= Number(calcs), `${counts.calcs} calculations, want ≥ ${calcs}`, problems);
assert(counts.styled, 'no stylesheet', problems);
assert(counts.external.length === 0, `references to other files: ${counts.external.join(' ')}`, problems);

// Every in-page link has its target.
const dangling = await page.$$eval('a[href^="#"]', (as) => as.map((a) => a.getAttribute('href')).filter((h) => h.length > 1 && !document.getElementById(decodeURIComponent(h.slice(1)))));
assert(dangling.length === 0, `in-page links without a target: ${dangling.slice(0, 10).join(' ')}`, problems);

// The diagram font is inlined: it loads without a request.
const fontOk = await page.evaluate(async () => { await document.fonts.ready; return Array.from(document.fonts).every((f) => f.status !== 'error'); });
assert(fontOk, 'a font failed to load', problems);

// Search: type, see results that are in-page anchors, Enter opens the first one.
const box = page.locator('.site-header input[type=search]');
await box.click();
await box.pressSequentially(query, { delay: 5 });
await page.waitForFunction(() => document.querySelectorAll('.site-header [data-search-results] a[href^="#"]').length > 0, null, { timeout: 5000 })
  .catch(() => problems.push(`no in-page result for “${query}”`));
const results = await page.$$eval('.site-header [data-search-results] a:not([hidden])', (as) => as.map((a) => a.getAttribute('href')));
assert(results.some((h) => h === '#' + expected || h.startsWith('#' + expected + '--')), `results for “${query}” do not include #${expected}: ${results.join(' ')}`, problems);
assert(results.every((h) => h.startsWith('#')), `a result leaves the file: ${results.join(' ')}`, problems);
await box.press('ArrowDown');
await box.press('Enter');
await page.waitForFunction(() => location.hash.length > 1, null, { timeout: 3000 }).catch(() => {});
const after = await page.evaluate(() => ({ href: location.href, hash: decodeURIComponent(location.hash.slice(1)), found: !!document.getElementById(decodeURIComponent(location.hash.slice(1))) }));
assert(after.href.startsWith(url), `Enter left the file: ${after.href}`, problems);
assert(after.found, `Enter opened #${after.hash}, which is not in the file`, problems);

// Theme toggle works inside the file too.
await page.locator('.theme-toggle').click();
const theme = await page.evaluate(() => document.documentElement.getAttribute('data-theme'));
assert(theme === 'dark' || theme === 'light', `theme toggle: data-theme=${theme}`, problems);

await context.close();
for (const u of outside) problems.push(`request blocked (it would need the network): ${u}`);
finish([...w.problems(), ...problems], `ok: ${counts.notes} notes, ${counts.diagrams} diagrams, ${counts.calcs} calculations offline from one file; “${query}” → #${after.hash}`);
