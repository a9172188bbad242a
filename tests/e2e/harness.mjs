// End-to-end harness: serves the built dist/ on 127.0.0.1 under a sub-path (to prove the app
// works from any path), drives Debian's headless Chromium with playwright-core, records every
// request the browser makes, and saves screenshots to tests/e2e/out/.
import http from 'node:http';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, '../..');
// DIST=/tmp/other-dist serves another build (to time two builds side by side).
export const dist = process.env.DIST ?? path.join(root, 'dist');
export const out = path.join(here, 'out');
const require = createRequire(path.join(root, 'tools', 'package.json'));
export const { chromium } = require('playwright-core');
export const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** The sub-path the app is served under. */
export const BASE = '/kpb/';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.csv': 'text/csv; charset=utf-8',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.md': 'text/markdown; charset=utf-8',
};

/** Every file in dist/, as URL paths under BASE. */
export function staticPaths() {
  const paths = new Set([BASE]);
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else paths.add(BASE + path.relative(dist, p).split(path.sep).join('/'));
    }
  };
  walk(dist);
  return paths;
}

/**
 * Starts a static server for dist/ on 127.0.0.1 (a free port unless given). Every request it
 * receives is logged in `server.log` as { method, url, bodyBytes }. `replace` maps a file's path
 * in dist/ to other content to serve for it (a new version of the app, say).
 */
export async function serve(port = 0, replace = {}) {
  const log = [];
  const server = http.createServer((req, res) => {
    let body = 0;
    req.on('data', (chunk) => { body += chunk.length; });
    req.on('end', () => {
      log.push({ method: req.method, url: req.url, bodyBytes: body });
      const url = new URL(req.url, 'http://x');
      if (req.method !== 'GET' && req.method !== 'HEAD') { res.writeHead(405).end(); return; }
      if (!url.pathname.startsWith(BASE)) { res.writeHead(302, { Location: BASE }).end(); return; }
      let rel = decodeURIComponent(url.pathname.slice(BASE.length)) || 'index.html';
      if (rel in replace) {
        res.writeHead(200, { 'Content-Type': TYPES[path.extname(rel)], 'Cache-Control': 'no-cache' }).end(replace[rel]);
        return;
      }
      const file = path.join(dist, rel);
      if (!file.startsWith(dist) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
        res.writeHead(404).end('Finns inte');
        return;
      }
      res.writeHead(200, {
        'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        'Cache-Control': 'no-cache',
      });
      fs.createReadStream(file).pipe(res);
    });
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actualPort = server.address().port;
  return {
    url: `http://127.0.0.1:${actualPort}${BASE}`,
    origin: `http://127.0.0.1:${actualPort}`,
    port: actualPort,
    log,
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(resolve); }),
  };
}

/** Launches headless Chromium with the flags that keep it quiet on a closed network. */
export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      // More flags for an experiment, space-separated (e.g. `--js-flags=--no-wasm-dynamic-tiering`).
      ...(process.env.CHROMIUM_FLAGS ?? '').split(' ').filter(Boolean),
    ],
  });
}

/**
 * A browser context that records every request made by its pages and workers
 * (method, URL, body size). Requests to any other origin are recorded and then aborted.
 */
export async function recordingContext(browser, origin, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'sv-SE', acceptDownloads: true, ...options });
  const requests = [];
  const note = (req, via) => requests.push({
    via,
    method: req.method(),
    url: req.url(),
    bodyBytes: req.postDataBuffer()?.length ?? 0,
  });
  context.on('request', (req) => note(req, 'context'));
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(origin) || url.startsWith('blob:') || url.startsWith('data:')) return route.continue();
    note(route.request(), 'blocked');
    return route.abort();
  });
  return { context, requests };
}

/** Saves a full-page screenshot as tests/e2e/out/<name>.png. */
export async function screenshot(page, name) {
  fs.mkdirSync(out, { recursive: true });
  // A chart off the screen is drawn only once near it (CSS `content-visibility`), and a picture
  // of the whole page is taken beyond the screen: the screen is made as tall as the page first.
  const size = page.viewportSize();
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: size.width, height: Math.max(size.height, height) });
  try {
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await page.screenshot({ path: path.join(out, `${name}.png`), fullPage: true });
  } finally {
    await page.setViewportSize(size);
  }
}

/** The table view of the chart in `block` ("Visa som tabell", built once opened), opened if
 *  it is closed, as text. */
export async function chartTable(block) {
  const fold = block.locator('details.chart-table');
  if (!(await fold.evaluate((d) => d.open))) await fold.locator('summary').click();
  return plain(await fold.locator('table').innerText());
}

/** Runs axe-core on the page; returns the serious and critical violations. */
export async function axe(page) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => globalThis.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
}

/** Collects console errors and page errors. */
export function watchErrors(page) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  return errors;
}

/** Waits until `fn(arg)`, evaluated in the page, resolves to a truthy value: for a condition
 *  that needs `await` (the Cache API), which `page.waitForFunction` takes as a truthy promise
 *  at once. */
export async function until(page, fn, arg, timeout = 30000) {
  const end = Date.now() + timeout;
  while (!(await page.evaluate(fn, arg))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${fn}`);
    await page.waitForTimeout(100);
  }
}

/** The app opened in a new context of `browser`, once its worker has started (and warmed up). */
export async function openReady(browser, url) {
  const page = await (await browser.newContext()).newPage();
  await page.goto(url);
  await page.locator('main[data-worker="ready"]').waitFor({ state: 'attached' });
  return page;
}

/** The number of reports the page has received so far. */
export async function generation(page) {
  return Number(await page.locator('main').getAttribute('data-generation'));
}

/** Waits until the page has received a report after `before` (from `generation`). */
export async function nextReport(page, before, timeout = 60000) {
  await page.waitForFunction((b) => Number(document.querySelector('main')?.dataset.generation ?? 0) > b, before, { timeout });
}

/** Waits until the list of brukare `id` (a table whose pages come from the worker) shows the
 *  page for its last search, order, area or page (it is aria-busy from the change until then). */
export async function listed(page, id) {
  await page.locator(`table[data-testid="${id}"][aria-busy="false"]`).waitFor();
}

/** The files of a ZIP archive (an .xlsx), as { name: Buffer }. Enough of the format for
 *  checking exports: the central directory, stored and deflated entries. */
export async function unzip(buffer) {
  const zlib = await import('node:zlib');
  const files = {};
  let eocd = buffer.length - 22;
  while (eocd >= 0 && buffer.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error('not a zip archive');
  const count = buffer.readUInt16LE(eocd + 10);
  let p = buffer.readUInt32LE(eocd + 16);
  for (let i = 0; i < count; i++) {
    const method = buffer.readUInt16LE(p + 10);
    const size = buffer.readUInt32LE(p + 20);
    const nameLength = buffer.readUInt16LE(p + 28);
    const extra = buffer.readUInt16LE(p + 30);
    const comment = buffer.readUInt16LE(p + 32);
    const offset = buffer.readUInt32LE(p + 42);
    const name = buffer.toString('utf8', p + 46, p + 46 + nameLength);
    const local = offset + 30 + buffer.readUInt16LE(offset + 26) + buffer.readUInt16LE(offset + 28);
    const data = buffer.subarray(local, local + size);
    files[name] = method === 8 ? zlib.inflateRawSync(data) : Buffer.from(data);
    p += 46 + nameLength + extra + comment;
  }
  return files;
}

/** Runs the engine natively on a directory (crates/kpb/examples/figures.rs): the figures the
 *  page should show, formatted as the page formats them. */
export async function engineFigures(dir, { references = [], env = {} } = {}) {
  const { execFileSync } = await import('node:child_process');
  const out = execFileSync('cargo', ['run', '-q', '-p', 'kpb', '--example', 'figures', '--', dir, ...references], {
    cwd: root, encoding: 'utf8', env: { ...process.env, ...env },
  });
  return JSON.parse(out);
}

/** Text with every kind of space as a plain space (Swedish numbers use no-break spaces). */
export const plain = (text) => text.replace(/[\u00a0\u202f]/g, ' ').replace(/\u2212/g, '-').trim();

/** Chooses reference files (Kolada, network, quality) and waits until the page has them. */
export async function uploadReference(page, paths) {
  const before = Number(await page.locator('main').getAttribute('data-reference-generation'));
  await page.getByTestId('reference-input').setInputFiles(paths);
  await page.waitForFunction((b) => Number(document.querySelector('main')?.dataset.referenceGeneration ?? 0) > b, before, { timeout: 60000 });
}

/** Goes to a view through the navigation and waits until it is shown. */
export async function visit(page, slug) {
  await page.getByTestId(`nav-${slug}`).click();
  await page.waitForFunction((s) => location.hash === `#/${s}`, slug);
}

/** Opens every `<details>` on the page, so that its text is read too: again and again, for
 *  what a `<details>` builds only once opened may hold more of them. */
export async function openAll(page) {
  for (let round = 0; round < 10; round++) {
    const opened = await page.evaluate(() => {
      const closed = [...document.querySelectorAll('details:not([open])')];
      closed.forEach((d) => { d.open = true; });
      return closed.length;
    });
    if (opened === 0) return;
    // (The toggle events, and what they build, come after a frame.)
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))));
  }
  throw new Error('<details> kept appearing');
}

/** Checks a view with axe (no serious or critical violation) and saves its screenshot. */
export async function check(page, name) {
  assert.deepEqual(await axe(page), [], `axe on ${name}`);
  await screenshot(page, name);
}

/** Chooses files through the real file input and waits for the report. */
export async function upload(page, paths) {
  const g = await generation(page);
  await page.getByTestId('file-input').setInputFiles(paths);
  await nextReport(page, g);
}

/** Runs a command in the repository and returns its standard output. */
export async function run(command, args, options = {}) {
  const { execFileSync } = await import('node:child_process');
  return execFileSync(command, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
}

/** Loads the example's comparison files (Kolada, network partners, 2024, quality) with the one
 * button the Jämförelse view offers with the example data, and waits for them and the report. */
export async function loadExampleComparisons(page) {
  await visit(page, 'jamforelse');
  const before = Number(await page.locator('main').getAttribute('data-reference-generation'));
  const years = await generation(page);
  await page.getByTestId('example-comparison').click();
  await page.waitForFunction((b) => Number(document.querySelector('main').dataset.referenceGeneration) > b, before);
  await nextReport(page, years);
}

/** Opens the app and loads the example data, waiting for its report. */
export async function openExample(page, url) {
  await page.goto(url);
  const g = await generation(page);
  await page.getByTestId('example').click();
  await nextReport(page, g);
}

/**
 * Reads a PDF with Mozilla's PDF.js (npm pdfjs-dist) in a page of the same browser: each page's
 * text (items joined by spaces) and its rendering as a PNG (a Buffer), to check and to look at.
 */
export async function readPdf(browser, pdf, scale = 1.3) {
  const build = path.join(path.dirname(require.resolve('pdfjs-dist/package.json')), 'build');
  const page = await browser.newPage();
  await page.route('http://pdf.invalid/**', (route) => {
    const name = new URL(route.request().url()).pathname;
    if (name === '/doc.pdf') return route.fulfill({ body: pdf, contentType: 'application/pdf' });
    if (name.endsWith('.mjs')) return route.fulfill({ path: path.join(build, name.slice(1)), contentType: 'text/javascript' });
    return route.fulfill({ body: '<!doctype html><title>PDF</title>', contentType: 'text/html' });
  });
  await page.goto('http://pdf.invalid/');
  const pages = await page.evaluate(async (scale) => {
    const pdfjs = await import('/pdf.min.mjs');
    pdfjs.GlobalWorkerOptions.workerSrc = '/pdf.worker.min.mjs';
    const doc = await pdfjs.getDocument({ url: '/doc.pdf' }).promise;
    const out = [];
    for (let i = 1; i <= doc.numPages; i++) {
      const p = await doc.getPage(i);
      const text = (await p.getTextContent()).items.map((item) => item.str).join(' ');
      const viewport = p.getViewport({ scale });
      const canvas = document.createElement('canvas');
      canvas.width = viewport.width;
      canvas.height = viewport.height;
      await p.render({ canvas, viewport }).promise;
      out.push({ text, png: canvas.toDataURL('image/png'), width: viewport.width / scale, height: viewport.height / scale });
    }
    return out;
  }, scale);
  await page.close();
  return pages.map((p) => ({ ...p, png: Buffer.from(p.png.split(',')[1], 'base64') }));
}
