// print.html under print media in headless Chromium: the site's chrome (header, sidebar,
// footer, search) is hidden, each note starts a new page, and external links show their target.
//
// usage: node tests/browser/print.mjs <print.html>
import { launch, watch, fileUrl, finish, assert } from './lib.mjs';

const [file] = process.argv.slice(2);
if (!file) { console.error('usage: node tests/browser/print.mjs <print.html>'); process.exit(2); }
const problems = [];
const context = await launch();
const page = await context.newPage();
const w = watch(page);
await page.goto(fileUrl(file), { waitUntil: 'load' });
await page.emulateMedia({ media: 'print' });
const r = await page.evaluate(() => {
  const shown = (sel) => Array.from(document.querySelectorAll(sel)).filter((e) => getComputedStyle(e).display !== 'none').map((e) => sel);
  const notes = Array.from(document.querySelectorAll('article.print-note'));
  const ext = Array.from(document.querySelectorAll('.content a[href^="http"]'));
  return {
    chrome: [...shown('.site-header'), ...shown('.sidebar'), ...shown('.site-footer'), ...shown('.skip-link'), ...shown('.search-results')],
    notes: notes.length,
    breaks: notes.filter((n) => getComputedStyle(n).breakBefore === 'page').length,
    external: ext.length,
    shownTargets: ext.filter((a) => getComputedStyle(a, '::after').content.includes(a.getAttribute('href'))).length,
  };
});
assert(r.chrome.length === 0, `visible in print: ${r.chrome.join(', ')}`, problems);
assert(r.notes > 0 && r.breaks === r.notes, `${r.breaks} of ${r.notes} notes start a new page`, problems);
assert(r.external > 0, 'the fixture has no external link to check', problems);
assert(r.shownTargets === r.external, `${r.shownTargets} of ${r.external} external links show their target in print`, problems);
await context.close();
finish([...w.problems(), ...problems], `ok: print media hides the chrome, ${r.breaks} notes break before, ${r.shownTargets} external link targets shown`);
