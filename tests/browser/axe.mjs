// Accessibility gate: axe-core (npm) in headless Chromium on pages of a built site opened from
// file://, and on the home page with the search results open. Any violation fails.
//
// usage: node tests/browser/axe.mjs <site-dir> <query> <page.html>...
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { launch, watch, fileUrl, finish } from './lib.mjs';

const [siteDir, query, ...pages] = process.argv.slice(2);
if (!siteDir || !query || !pages.length) {
  console.error('usage: node tests/browser/axe.mjs <site-dir> <query> <page.html>...');
  process.exit(2);
}
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const problems = [];
const context = await launch();

async function audit(page, label) {
  await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'], preload: false });
    return { version: axe.version, violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ') + ' — ' + n.failureSummary.split('\n').slice(1, 2).join('')) })) };
  });
  for (const v of result.violations) {
    problems.push(`${label}: [${v.impact}] ${v.id}: ${v.help}\n      ${v.nodes.join('\n      ')}`);
  }
  console.log(`${label}: ${result.violations.length} violation(s) (axe-core ${result.version})`);
}

for (const p of pages) {
  const page = await context.newPage();
  const w = watch(page);
  await page.goto(fileUrl(join(siteDir, p)), { waitUntil: 'load' });
  await audit(page, p);
  problems.push(...w.problems());
  await page.close();
}

// The search results, open in the header of the home page.
const page = await context.newPage();
const w = watch(page);
await page.goto(fileUrl(join(siteDir, 'index.html')), { waitUntil: 'load' });
const box = page.locator('.site-header input[type=search]');
await box.click();
await box.pressSequentially(query, { delay: 5 });
await page.waitForFunction(() => document.querySelectorAll('.site-header [data-search-results] a').length > 0, null, { timeout: 5000 })
  .catch(() => problems.push(`no results for “${query}”`));
await box.press('ArrowDown');
await audit(page, `index.html with results for “${query}”`);
problems.push(...w.problems());
await context.close();
finish(problems, `ok: no axe violation on ${pages.length} pages and the open search results`);
