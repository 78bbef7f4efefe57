// Views of a built site as a reader sees them, captured as PNGs in Debian's Chromium — shared by
// the visual-regression test (visual.mjs, against baselines in tests/visual/) and the docs'
// screenshots (screenshots.mjs, into docs/img/), so the pictures in the docs come from the
// same code that the tests check.
//
// Deterministic: fixed viewport and device scale, no animation or transition, no caret, fonts
// loaded before the shot, a fresh profile for each colour scheme.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

const FREEZE = `*, *::before, *::after { animation: none !important; transition: none !important; caret-color: transparent !important; }
  html { scroll-behavior: auto !important; }`;

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.COREM_CHROMIUM || process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--font-render-hinting=none', '--disable-lcd-text'],
  });
}

/**
 * One view:
 *   name     file name without .png
 *   page     page path relative to the site root
 *   scheme   'light' | 'dark' (the system preference)
 *   size     DESKTOP or PHONE (or { width, height })
 *   figure   index of a figure.diagram to shoot alone (else the viewport)
 *   select   a CSS selector of one element to shoot alone (nth 0)
 *   search   a query typed into the header's search box; the shot shows the open results
 *   media    'print' to apply the print stylesheet
 *   full     true for the whole page instead of the viewport
 */
export async function capture(browser, site, view, file) {
  const size = view.size || DESKTOP;
  const context = await browser.newContext({
    colorScheme: view.scheme || 'light',
    viewport: { width: size.width, height: size.height },
    deviceScaleFactor: 1,
    reducedMotion: 'reduce',
  });
  const page = await context.newPage();
  try {
    if (view.media) await page.emulateMedia({ media: view.media });
    const url = pathToFileURL(path.resolve(site, view.page)).href;
    await page.goto(url, { waitUntil: 'load' });
    await page.addStyleTag({ content: FREEZE });
    await page.evaluate(() => document.fonts.ready);
    if (view.search) {
      const box = page.locator('.site-header input[type=search]');
      await box.click();
      await box.pressSequentially(view.search, { delay: 5 });
      await page.waitForFunction(
        () => {
          const list = document.querySelector('.site-header [data-search-results]');
          return list && list.querySelectorAll('a').length > 0 && !list.hasAttribute('aria-busy');
        },
        null,
        { timeout: 15000 },
      );
      await page.evaluate(() => document.fonts.ready);
    }
    fs.mkdirSync(path.dirname(file), { recursive: true });
    if (view.figure !== undefined) {
      await page.locator('figure.diagram').nth(view.figure).screenshot({ path: file });
    } else if (view.select) {
      await page.locator(view.select).first().screenshot({ path: file });
    } else {
      await page.screenshot({ path: file, fullPage: !!view.full });
    }
  } finally {
    await context.close();
  }
}
