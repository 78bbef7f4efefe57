// Knowledge navigation in headless Chromium, on the built handbook, from file:// and over HTTP
// (a throwaway node:http server on 127.0.0.1): link previews by hover, keyboard and arrow keys
// in the search results, nested one level, Escape, no layout shift, inside the viewport, the
// right section of the right note; a tap just navigates; the local graph's nodes lead to the
// right pages and its labels read at 4.5:1 in light and dark; graph.html shows every note and
// finds one. No request may leave the site.
//
// usage: node tests/browser/navigation.mjs <site-dir> <number of notes>
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { launch, watch, fileUrl, finish, assert, serveDir } from './lib.mjs';

const [siteDir, notesArg] = process.argv.slice(2);
if (!siteDir || !notesArg) {
  console.error('usage: node tests/browser/navigation.mjs <site-dir> <number of notes>');
  process.exit(2);
}
const NOTES = Number(notesArg);
const problems = [];
const context = await launch();
await context.addInitScript(() => {
  window.__shift = 0;
  try {
    new PerformanceObserver((l) => l.getEntries().forEach((e) => { if (!e.hadRecentInput) window.__shift += e.value; }))
      .observe({ type: 'layout-shift', buffered: true });
  } catch { /* not supported */ }
});


const norm = (s) => (s || '').replace(/\s+/g, ' ').trim();

/** The text of a section of a page as the page itself shows it: the heading's following
 *  siblings up to the next heading of the same or a higher level (or the opening). */
async function sectionText(page, url, id) {
  await go(page, url);
  return page.evaluate((id) => {
    const content = document.querySelector('.content');
    let el, level = 7;
    if (id) {
      const h = document.getElementById(id);
      level = +h.tagName.slice(1);
      el = h.nextElementSibling;
    } else el = content.firstElementChild;
    let text = '';
    for (; el; el = el.nextElementSibling) {
      if (/^H[1-6]$/.test(el.tagName) && (+el.tagName.slice(1) <= level || !id)) break;
      text += ' ' + el.textContent;
    }
    return text.replace(/\s+/g, ' ').trim();
  }, id);
}

/** Opens a page with the pointer out of the way (a page appearing under a resting pointer
 *  would get a hover, and a preview script would load for nothing). */
async function go(page, url) {
  await page.mouse.move(0, 0);
  await page.goto(url);
}

/** The open previews: level, title, body text, box, and whether they are inside the viewport. */
async function previews(page) {
  return page.$$eval('.preview', (ps) => ps.map((p) => {
    const r = p.getBoundingClientRect(), cs = getComputedStyle(p);
    return {
      level: +p.getAttribute('data-level'),
      role: p.getAttribute('role'),
      title: p.querySelector('.preview-title').textContent.replace(/\s+/g, ' ').trim(),
      body: p.querySelector('.preview-body').textContent.replace(/\s+/g, ' ').trim(),
      visible: cs.display !== 'none' && cs.visibility !== 'hidden' && r.width > 100 && r.height > 60,
      inside: r.left >= 0 && r.top >= 0 && r.right <= document.documentElement.clientWidth && r.bottom <= document.documentElement.clientHeight,
      html: p.querySelector('.preview-body').innerHTML,
    };
  }));
}

async function waitPreviews(page, n, what) {
  try {
    await page.waitForFunction((n) => document.querySelectorAll('.preview').length === n, n, { timeout: 6000 });
    return true;
  } catch {
    problems.push(`${what}: expected ${n} preview(s), found ${await page.locator('.preview').count()}`);
    return false;
  }
}

/** Boxes of the page's content blocks, to see that nothing moved. */
async function blocks(page) {
  return page.$$eval('.doc-body > .content > *', (els) => els.slice(0, 40).map((e) => {
    const r = e.getBoundingClientRect();
    return [Math.round(r.left), Math.round(r.top + scrollY), Math.round(r.width), Math.round(r.height)].join(',');
  }).join(' '));
}

// luminance contrast of two CSS colours
function parse(c) { const m = c.match(/[\d.]+/g).map(Number); return m.slice(0, 3); }
function lum([r, g, b]) {
  const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
}
function contrast(a, b) { const x = lum(parse(a)), y = lum(parse(b)); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); }

async function previewChecks(page, base, label) {
  const note = base + 'principles/cap-theorem.html';
  const expected = await sectionText(page, base + 'principles/consistency-patterns.html', 'eventual-consistency');
  const opening = await sectionText(page, base + 'principles/replication.html', '');
  await go(page, note);
  await page.evaluate(() => document.fonts.ready);

  // Hover: the right section of the right note, after a delay, inside the viewport, nothing moves.
  const link = page.locator('.content a[href="consistency-patterns.html#eventual-consistency"]').first();
  await link.scrollIntoViewIfNeeded();
  const before = await blocks(page);
  await link.hover();
  if (await waitPreviews(page, 1, `${label}: hover`)) {
    const [p] = await previews(page);
    assert(p.title === 'Consistency patterns › Eventual consistency', `${label}: hover preview title is “${p.title}”`, problems);
    assert(p.visible && p.inside, `${label}: hover preview visible ${p.visible}, inside the viewport ${p.inside}`, problems);
    assert(p.role === 'dialog', `${label}: preview role ${p.role}`, problems);
    assert(expected.length > 40 && p.body.startsWith(expected.slice(0, 120)),
      `${label}: hover preview shows “${p.body.slice(0, 90)}…”, the section reads “${expected.slice(0, 90)}…”`, problems);
    // Nested: a link inside the preview opens a second one; the first stays.
    const inner = page.locator('.preview[data-level="1"] .preview-body a[href*="replication"]').first();
    if (await inner.count()) {
      await inner.hover();
      if (await waitPreviews(page, 2, `${label}: nested preview`)) {
        const ps = await previews(page);
        const second = ps.find((x) => x.level === 2);
        assert(second && second.title === 'Replication' && second.inside, `${label}: nested preview ${JSON.stringify(second && second.title)}`, problems);
        assert(second && opening.length > 40 && second.body.startsWith(opening.slice(0, 100)),
          `${label}: nested preview shows “${second && second.body.slice(0, 80)}”, the note opens with “${opening.slice(0, 80)}”`, problems);
        const third = page.locator('.preview[data-level="2"] .preview-body a').first();
        if (await third.count()) {
          await third.hover();
          await page.waitForTimeout(900);
          assert(await page.locator('.preview').count() === 2, `${label}: previews nest deeper than one level`, problems);
        }
      }
    } else problems.push(`${label}: the eventual-consistency preview has no link to Replication`);
    // Diagram ids in a preview never repeat an id of the page.
    const dup = await page.evaluate(() => {
      const seen = {}, out = [];
      document.querySelectorAll('[id]').forEach((e) => { if (seen[e.id]) out.push(e.id); seen[e.id] = 1; });
      return out;
    });
    assert(dup.length === 0, `${label}: duplicate ids with previews open: ${dup.slice(0, 5)}`, problems);
    const after = await blocks(page);
    if (before !== after) {
      const a = before.split(' '), b = after.split(' ');
      const i = a.findIndex((x, k) => x !== b[k]);
      problems.push(`${label}: the page moved when the preview opened: block ${i} ${a[i]} → ${b[i]}`);
    }
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    await waitPreviews(page, 0, `${label}: Escape`);
  }
  // Leaving the link closes the preview.
  await link.hover();
  await waitPreviews(page, 1, `${label}: hover again`);
  await page.mouse.move(5, 5);
  await waitPreviews(page, 0, `${label}: pointer leaves`);

  // Keyboard: focus opens, Tab enters, Escape closes and gives the focus back.
  const section = page.locator('.content a[href="consistency-patterns.html#eventual-consistency"]').first();
  await section.focus();
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Tab');
  if (await waitPreviews(page, 1, `${label}: keyboard focus`)) {
    const [p] = await previews(page);
    assert(p.title === 'Consistency patterns › Eventual consistency' && p.inside, `${label}: keyboard preview “${p.title}”`, problems);
    await page.keyboard.press('Tab');
    const inPreview = await page.evaluate(() => !!document.activeElement.closest('.preview'));
    assert(inPreview, `${label}: Tab from the link does not enter its preview`, problems);
    await page.keyboard.press('Escape');
    await waitPreviews(page, 0, `${label}: Escape from inside the preview`);
    const back = await page.evaluate(() => document.activeElement.getAttribute('href'));
    assert(back === 'consistency-patterns.html#eventual-consistency', `${label}: Escape left the focus on ${back}`, problems);
  }
  const shift = await page.evaluate(() => window.__shift);
  assert(shift === 0, `${label}: cumulative layout shift ${shift}`, problems);

  // Backlinks preview the linking note's opening.
  const back = page.locator('.backlinks a').first();
  const backTitle = norm(await back.textContent());
  await back.scrollIntoViewIfNeeded();
  await back.hover();
  if (await waitPreviews(page, 1, `${label}: backlink`)) {
    const [p] = await previews(page);
    assert(p.title === backTitle && p.inside, `${label}: backlink preview “${p.title}” for “${backTitle}”`, problems);
  }
  await page.mouse.move(5, 5);
  await waitPreviews(page, 0, `${label}: backlink preview closes`);

  // Search results: hover, and the result chosen with the arrow keys.
  await page.evaluate(() => scrollTo(0, 0));
  const box = page.locator('.site-header input[type=search]');
  await box.fill('');
  await box.pressSequentially('circuit breaker', { delay: 5 });
  await page.waitForFunction(() => document.querySelectorAll('.site-header [data-search-results] a[role=option]').length > 1 &&
    !document.querySelector('.site-header [data-search-results]').hasAttribute('aria-busy'), null, { timeout: 8000 })
    .catch(() => problems.push(`${label}: no search results`));
  await box.press('ArrowDown');
  if (await waitPreviews(page, 1, `${label}: search result chosen with the arrow keys`)) {
    const [p] = await previews(page);
    const want = norm(await page.locator('.site-header [data-search-results] a[aria-selected=true] .sr-title').textContent());
    assert(p.title.includes(want) && p.inside, `${label}: search result preview “${p.title}” for “${want}”`, problems);
  }
  await box.press('Escape');
  await page.keyboard.press('Escape');
}

async function localGraphChecks(page, base, label, isFile) {
  await go(page, base + 'principles/cap-theorem.html');
  const nodes = await page.$$eval('.local-graph a.g-n', (as) => as.map((a) => ({
    href: a.getAttribute('href'), url: a.href.baseVal ? new URL(a.href.baseVal, location.href).href : a.href,
    // The node's <title> names it: "Note title (Section): how it is linked".
    title: a.querySelector('title').textContent.replace(/( \([^)]*\))?: [^:]*$/, ''),
  })));
  assert(nodes.length >= 6, `${label}: local graph has ${nodes.length} linked nodes`, problems);
  const current = await page.locator('.local-graph .g-current text').textContent().catch(() => '');
  assert(norm(current) === 'CAP theorem', `${label}: the current note in the local graph reads “${current}”`, problems);
  for (const n of nodes) {
    if (isFile) assert(existsSync(new URL(n.url)), `${label}: local graph node ${n.href} points at no file`, problems);
  }
  // Follow two nodes: the page they open is the note they name.
  for (const n of nodes.slice(0, 2)) {
    await go(page, base + 'principles/cap-theorem.html');
    await page.locator(`.local-graph a.g-n[href="${n.href}"]`).click();
    await page.waitForLoadState('load');
    const h1 = norm(await page.locator('h1').first().textContent());
    assert(h1 === n.title, `${label}: local graph node “${n.title}” opened “${h1}”`, problems);
  }
  // Labels and nodes legible in both schemes.
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    await go(page, base + 'principles/cap-theorem.html');
    const c = await page.evaluate(() => {
      const box = getComputedStyle(document.querySelector('.local-graph .graph-box')).backgroundColor;
      const t = document.querySelector('.local-graph a.g-n text'), dot = document.querySelector('.local-graph a.g-n circle');
      return { bg: box, text: getComputedStyle(t).fill, dot: getComputedStyle(dot).fill, shown: t.getBoundingClientRect().width > 10 };
    });
    const ct = contrast(c.text, c.bg), cd = contrast(c.dot, c.bg);
    assert(c.shown && ct >= 4.5, `${label} ${scheme}: local graph label contrast ${ct.toFixed(2)} (${c.text} on ${c.bg})`, problems);
    assert(cd >= 3, `${label} ${scheme}: local graph node contrast ${cd.toFixed(2)}`, problems);
    console.log(`${label} ${scheme}: local graph label contrast ${ct.toFixed(2)}, node ${cd.toFixed(2)}`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

async function graphPageChecks(page, base, label) {
  await go(page, base + 'graph.html');
  const nodes = await page.$$eval('#site-graph a.g-n', (as) => as.map((a) => ({ href: a.getAttribute('href'), text: a.textContent })));
  assert(nodes.length === NOTES, `${label}: graph.html shows ${nodes.length} notes, the site has ${NOTES}`, problems);
  assert(new Set(nodes.map((n) => n.href)).size === nodes.length, `${label}: graph.html repeats a note`, problems);
  const shown = await page.evaluate(() => {
    const r = document.querySelector('#site-graph').getBoundingClientRect();
    return r.width > 300 && r.height > 200;
  });
  assert(shown, `${label}: graph.html's SVG is not shown`, problems);
  await page.fill('#graph-q', 'CAP theorem');
  await page.waitForFunction(() => document.querySelector('#site-graph .is-best'), null, { timeout: 4000 })
    .catch(() => problems.push(`${label}: graph.html finds no “CAP theorem”`));
  const best = await page.evaluate(() => {
    const a = document.querySelector('#site-graph .is-best'), other = document.querySelector('#site-graph a.g-n:not(.is-match):not(.is-near)');
    const t = a && a.querySelector('text');
    return a && {
      text: t.textContent, labelShown: getComputedStyle(t).display !== 'none' && t.getBoundingClientRect().width > 0,
      opacity: +getComputedStyle(a).opacity, other: other ? +getComputedStyle(other).opacity : 0,
      links: document.querySelector('#site-graph .g-hl path') ? document.querySelector('#site-graph .g-hl path').getAttribute('d').split('M').length - 1 : 0,
      count: document.getElementById('graph-count').textContent,
    };
  });
  assert(best && best.text === 'CAP theorem' && best.labelShown && best.opacity === 1 && best.other < 0.5,
    `${label}: graph.html highlight ${JSON.stringify(best)}`, problems);
  assert(best && best.links >= 5, `${label}: graph.html draws ${best && best.links} links of the note found`, problems);
  await page.press('#graph-q', 'Enter');
  const focus = await page.evaluate(() => {
    const a = document.activeElement, vb = document.querySelector('#site-graph').getAttribute('viewBox').split(' ').map(Number);
    const c = a.querySelector && a.querySelector('circle');
    if (!c) return null;
    const x = +c.getAttribute('cx'), y = +c.getAttribute('cy');
    return { text: a.textContent, inView: x >= vb[0] && x <= vb[0] + vb[2] && y >= vb[1] && y <= vb[1] + vb[3] };
  });
  assert(focus && focus.text === 'CAP theorem' && focus.inView, `${label}: Enter in the graph's box focuses ${JSON.stringify(focus)}`, problems);
  // Zoom with the buttons changes the view and shows every label when close.
  const before = await page.evaluate(() => window.coremGraph.box()[2]);
  await page.click('[data-zoom=in]');
  const after = await page.evaluate(() => window.coremGraph.box()[2]);
  assert(after < before, `${label}: zoom in did not zoom (${before} → ${after})`, problems);
}

async function touchCheck(base) {
  const ctx = await launch({ hasTouch: true, isMobile: true, viewport: { width: 390, height: 844 } });
  const page = await ctx.newPage();
  const w = watch(page);
  await go(page, base + 'principles/cap-theorem.html');
  const link = page.locator('.content a[href="replication.html"]').first();
  await link.scrollIntoViewIfNeeded();
  await link.tap();
  await page.waitForURL(/replication\.html/, { timeout: 5000 }).catch(() => problems.push('touch: a tap on a link did not navigate'));
  assert(await page.locator('.preview').count() === 0, 'touch: a tap opened a preview', problems);
  problems.push(...w.problems());
  await ctx.close();
}

async function pass(base, label, allowed, isFile) {
  const page = await context.newPage();
  const w = watch(page, allowed);
  await previewChecks(page, base, label);
  await localGraphChecks(page, base, label, isFile);
  await graphPageChecks(page, base, label);
  // A click that navigates while a script is still loading aborts it: not a failure.
  problems.push(...w.problems().filter((p) => !p.includes('net::ERR_ABORTED')));
  await page.close();
}

await pass(fileUrl(siteDir) + '/', 'file://', ['file://', 'data:', 'about:'], true);
const server = await serveDir(siteDir);
const http = `http://127.0.0.1:${server.address().port}/`;
await pass(http, 'http', [http, 'data:', 'about:'], false);
server.close();
await touchCheck(fileUrl(siteDir) + '/');
await context.close();
finish(problems, 'navigation: previews (hover, keyboard, nested, search results), local graph and graph.html work from file:// and over HTTP');
