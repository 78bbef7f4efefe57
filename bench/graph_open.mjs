// How long graph.html takes to open in headless Chromium (Debian's /usr/bin/chromium through
// playwright-core), from file://: navigation start to the load event, and to the first frame
// painted after graph.js has fitted the view (two animation frames after load). Median of runs,
// each in a fresh tab.
//
//     corem build DIR -o /tmp/site && node bench/graph_open.mjs /tmp/site [runs]
import { chromium } from 'playwright-core';
import path from 'node:path';
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';

const [site, runsArg] = process.argv.slice(2);
if (!site) {
  console.error('usage: node bench/graph_open.mjs <site-dir> [runs]');
  process.exit(2);
}
const runs = Number(runsArg || 5);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const url = pathToFileURL(path.resolve(site, 'graph.html')).href;
const rows = [];
for (let i = 0; i < runs + 1; i++) {
  const page = await context.newPage();
  await page.goto(url, { waitUntil: 'load' });
  const t = await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const fcp = performance.getEntriesByName('first-contentful-paint')[0];
    done({ load: nav.loadEventEnd, painted: performance.now(), fcp: fcp ? fcp.startTime : 0, notes: document.querySelectorAll('#site-graph a.g-n').length });
  }))));
  if (i > 0) rows.push(t); // the first run warms the disk cache
  await page.close();
}
await browser.close();
const med = (k) => rows.map((r) => r[k]).sort((a, b) => a - b)[Math.floor(rows.length / 2)];
const bytes = fs.statSync(path.join(site, 'graph.html')).size;
console.log(`graph.html: ${rows[0].notes} notes, ${(bytes / 1024).toFixed(0)} KB; median of ${rows.length}: ` +
  `first paint ${med('fcp').toFixed(0)} ms, load ${med('load').toFixed(0)} ms, fitted and painted ${med('painted').toFixed(0)} ms`);
