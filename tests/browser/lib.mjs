// Shared helpers for corem's browser tests: launch Debian's Chromium headless through
// playwright-core (never a downloaded browser) and watch a page for console errors and
// requests that leave the machine.
import { chromium } from 'playwright-core';
import { createServer } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { pathToFileURL } from 'node:url';

export const CHROMIUM = process.env.COREM_CHROMIUM || '/usr/bin/chromium';

/** Launches headless Chromium with a fresh profile. Returns { browser, context }. */
export async function launch(options = {}) {
  const userDataDir = mkdtempSync(join(tmpdir(), 'corem-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
    viewport: { width: 1280, height: 900 },
    ...options,
  });
  // The profile is removed with the browser: a test run leaves nothing behind in /tmp.
  const close = context.close.bind(context);
  context.close = async (...args) => {
    try {
      await close(...args);
    } finally {
      rmSync(userDataDir, { recursive: true, force: true });
    }
  };
  return context;
}

/**
 * Records console errors, page errors and every request whose URL does not start with one of
 * `allowed` prefixes (default: file:// only). Call `problems()` at the end.
 */
export function watch(page, allowed = ['file://', 'data:', 'about:']) {
  const errors = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console error on ${page.url()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`page error on ${page.url()}: ${err.message}`));
  page.on('request', (req) => {
    const url = req.url();
    if (!allowed.some((p) => url.startsWith(p))) errors.push(`request left the site: ${url} (from ${page.url()})`);
  });
  page.on('requestfailed', (req) => {
    const url = req.url();
    // An aborted request is not a failed one: the page navigated away while it loaded (a
    // preview script requested on hover, then the link clicked). Missing files fail with
    // ERR_FILE_NOT_FOUND, which is still reported.
    if (req.failure()?.errorText === 'net::ERR_ABORTED') return;
    errors.push(`request failed: ${url} (${req.failure()?.errorText})`);
  });
  return { problems: () => errors };
}

/** Every HTML file under `dir`, as paths, sorted (folders walked depth first). */
export function htmlPages(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...htmlPages(p));
    else if (e.name.endsWith('.html')) out.push(p);
  }
  return out.sort();
}

/** The pages under `dir` that show a diagram, print.html (every note at once) left out. */
export function diagramPages(dir) {
  return htmlPages(dir).filter(
    (p) => !p.endsWith('/print.html') && readFileSync(p, 'utf8').includes('<figure class="diagram"'),
  );
}

export function fileUrl(path) {
  return pathToFileURL(path).href;
}

/** Fails the process with a readable list of problems. */
export function finish(problems, okMessage) {
  if (problems.length) {
    console.error(problems.map((p) => `  - ${p}`).join('\n'));
    console.error(`${problems.length} problem(s)`);
    process.exit(1);
  }
  console.log(okMessage);
}

export function assert(cond, message, problems) {
  if (!cond) problems.push(message);
}

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css',
  '.svg': 'image/svg+xml', '.ttf': 'font/ttf',
};

// A static file server for a built site on a free loopback port (folders serve their
// index.html); resolves to the listening server.
export function serveDir(dir) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const file = normalize(join(dir, path.endsWith('/') ? path + 'index.html' : path));
    if (!file.startsWith(normalize(dir))) { res.writeHead(403); res.end(); return; }
    try {
      if (!statSync(file).isFile()) throw new Error('not a file');
      res.writeHead(200, { 'content-type': TYPES[extname(file)] || 'application/octet-stream' });
      res.end(readFileSync(file));
    } catch {
      res.writeHead(404); res.end('not found');
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
