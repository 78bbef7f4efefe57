// An Obsidian vault built by corem, opened from file:// in headless Chromium: images load
// (sizes and SVG fragments), audio loads its metadata, the PDF viewer and its download link
// point at the copied file, highlights and inline tags are visible, block links land on their
// block. Optionally writes screenshots (light, dark, 390 px phone) to a folder.
//
//     node tests/browser/vault.mjs <site-dir> [screenshot-dir]
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { launch, watch, fileUrl, finish, assert } from './lib.mjs';

const [site, shots] = process.argv.slice(2);
if (!site) {
  console.error('usage: node tests/browser/vault.mjs <site-dir> [screenshot-dir]');
  process.exit(2);
}
const problems = [];
// The fixture's video and MP3 are stand-in bytes; the browser may report them as
// undecodable. Everything else must load cleanly.
const standIns = ['clip.mp4', 'theme.mp3'];
const context = await launch({ viewport: { width: 1280, height: 4000 } });
const page = await context.newPage();
// The PDF viewer is the browser's own (chrome:// and its extension): not a request leaving
// the machine.
const w = watch(page, ['file://', 'data:', 'about:', 'blob:', 'chrome://', 'chrome-extension://']);

await page.goto(fileUrl(join(site, 'syntax/media.html')));
const images = await page.$$eval('.content img', (els) =>
  Promise.all(
    els.map((img) =>
      img
        .decode()
        .then(() => ({ src: img.getAttribute('src'), w: img.naturalWidth, shown: img.getBoundingClientRect().width }))
        .catch(() => ({ src: img.getAttribute('src'), w: 0, shown: 0 })),
    ),
  ),
);
assert(images.length === 4, `4 images on the media page, found ${images.length}`, problems);
for (const i of images) assert(i.w > 0, `image ${i.src} loads from file://`, problems);
const sized = images.find((i) => i.src.endsWith('diagram.png') && Math.round(i.shown) === 300);
assert(sized, `![[diagram.png|300]] is shown 300 px wide: ${JSON.stringify(images)}`, problems);
const audio = await page.$eval('audio[src$="chime.wav"]', (a) =>
  new Promise((resolve) => {
    if (a.readyState >= 1) return resolve(a.duration);
    a.addEventListener('loadedmetadata', () => resolve(a.duration));
    a.addEventListener('error', () => resolve(-1));
    a.load();
  }),
);
assert(audio > 0.2 && audio < 0.3, `chime.wav loads its metadata from file:// (duration ${audio})`, problems);
const controls = await page.$$eval('.content :is(video, audio)', (els) => els.map((e) => e.controls));
assert(controls.length === 3 && controls.every(Boolean), `video and audio have controls: ${controls}`, problems);
const pdf = await page.$$eval('.pdf-embed', (els) =>
  els.map((e) => ({
    data: e.querySelector('object').data,
    height: e.querySelector('object').getBoundingClientRect().height,
    download: e.querySelector('a.pdf-download').href,
  })),
);
assert(pdf.length === 2, `two PDF viewers, found ${pdf.length}`, problems);
for (const p of pdf) {
  assert(p.data.startsWith('file://') && p.data.includes('/attachments/paper.pdf'), `PDF viewer data ${p.data}`, problems);
  assert(p.download.endsWith('/attachments/paper.pdf'), `PDF download ${p.download}`, problems);
  assert(p.height > 200, `the PDF viewer has room (${p.height}px)`, problems);
}

await page.goto(fileUrl(join(site, 'syntax/obsidian-syntax.html')));
const look = await page.evaluate(() => {
  const mark = document.querySelector('.content mark');
  const tag = document.querySelector('.content a.hashtag');
  const bg = (e) => getComputedStyle(e).backgroundColor;
  return {
    mark: mark && { text: mark.textContent, bg: bg(mark), page: bg(document.body) },
    tag: tag && { text: tag.textContent, bg: bg(tag), href: tag.href },
  };
});
assert(look.mark && look.mark.text === 'a highlight', `a highlight is marked: ${JSON.stringify(look.mark)}`, problems);
assert(look.mark && look.mark.bg !== look.mark.page, `the highlight has its own background: ${JSON.stringify(look.mark)}`, problems);
assert(look.tag && look.tag.text === '#inline-tag' && look.tag.href.endsWith('/tags/inline-tag.html'), `inline tag: ${JSON.stringify(look.tag)}`, problems);

// A block link lands on its block.
await page.goto(fileUrl(join(site, 'linking/using-blocks.html')));
await page.click('a:text("here")');
const target = await page.evaluate(() => decodeURIComponent(location.hash));
const text = await page.evaluate(() => document.getElementById(decodeURIComponent(location.hash.slice(1)))?.textContent);
assert(target === '#^quote-me' && text === 'A paragraph someone will quote.', `block link lands on ${target}: ${text}`, problems);

if (shots) {
  mkdirSync(shots, { recursive: true });
  for (const [scheme, width] of [['light', 1100], ['dark', 1100], ['light', 390]]) {
    const ctx = await launch({ colorScheme: scheme, viewport: { width, height: 900 } });
    const p = await ctx.newPage();
    for (const name of ['syntax/media', 'syntax/obsidian-syntax', 'linking/using-blocks']) {
      await p.goto(fileUrl(join(site, `${name}.html`)));
      await p.evaluate(() => document.fonts.ready);
      const file = join(shots, `${name.replace('/', '-')}-${scheme}-${width}.png`);
      await p.screenshot({ path: file, fullPage: true });
      console.log(file);
    }
    await ctx.close();
  }
}

await context.close();
const real = w.problems().filter((p) => !standIns.some((s) => p.includes(s)));
finish([...problems, ...real], 'vault pages work from file://');
