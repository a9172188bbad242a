// The app's start when it cannot start: a browser without WebAssembly, one too old for the
// app's WebAssembly (SIMD and reference types), and a program the browser cannot read each get
// a Swedish message in place of a blank page, and no service worker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve, launch, dist, root, plain, screenshot, until } from './harness.mjs';

const pageWasm = fs.readdirSync(dist).find((f) => /^kpb-app-.*_bg\.wasm$/.test(f));

/** Opens the app in a new page of its own browser, `init` run before any of the page's scripts;
 * waits for the page to settle and hands it to `check`. */
async function open(server, init, check) {
  const browser = await launch();
  try {
    const page = await browser.newPage();
    if (init) await page.addInitScript(init);
    await page.goto(server.url);
    await page.waitForLoadState('networkidle');
    await check(page);
  } finally {
    await browser.close();
  }
}

/** The message in place of the app, and that the app did not start: no main element, no
 * engine fetched (the page's module is preloaded by index.html; the engine's only by the app),
 * no service worker. */
async function refused(page, server) {
  const alert = page.getByTestId('cannot-start');
  await alert.waitFor();
  assert.equal(await page.locator('main').count(), 0, 'no app rendered');
  assert.ok(!server.log.some((r) => r.url.endsWith('worker_bg.wasm')), 'the engine not fetched');
  assert.equal(await page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length), 0);
  return plain(await alert.innerText());
}

test('the probe in boot.js compiles only with SIMD and reference types (binaryen)', () => {
  const source = fs.readFileSync(path.join(dist, 'boot.js'), 'utf8');
  const bytes = source.match(/const PROBE = new Uint8Array\(\[([\d,\s]+)\]\)/)[1].split(',').map(Number);
  const file = path.join(os.tmpdir(), `kpb-probe-${process.pid}.wasm`);
  fs.writeFileSync(file, Uint8Array.from(bytes));
  const wasmOpt = path.join(root, 'tools/node_modules/.bin/wasm-opt');
  const compiles = (...flags) => {
    try {
      execFileSync(wasmOpt, [...flags, file, '-o', os.devNull], { stdio: 'pipe' });
      return true;
    } catch {
      return false;
    }
  };
  try {
    assert.ok(compiles('--all-features'), 'valid with every feature');
    assert.ok(!compiles('--all-features', '--disable-simd'), 'refused without SIMD');
    assert.ok(!compiles('--all-features', '--disable-reference-types'), 'refused without reference types');
    assert.ok(WebAssembly.validate(Uint8Array.from(bytes)), 'valid in Node');
  } finally {
    fs.rmSync(file);
  }
});

test('a browser too old for the app is told so, with the versions that work', async () => {
  const server = await serve();
  try {
    // As in Safari before 16.4: a module with SIMD does not validate (everything else does).
    await open(server, () => {
      const validate = WebAssembly.validate;
      WebAssembly.validate = (bytes) => !new Uint8Array(bytes).includes(253) && validate(bytes);
    }, async (page) => {
      const text = await refused(page, server);
      assert.match(text, /för gammal/);
      assert.match(text, /Chrome eller Edge 96, Firefox 89 eller Safari 16\.4/);
      assert.match(text, /Inga uppgifter har lämnat datorn\.$/);
      await screenshot(page, 'start-for-gammal');
    });
  } finally {
    await server.close();
  }
});

test('a browser with WebAssembly switched off is told so', async () => {
  const server = await serve();
  try {
    await open(server, () => { delete globalThis.WebAssembly; }, async (page) => {
      assert.match(await refused(page, server), /kör inte WebAssembly.*avstängt/);
    });
  } finally {
    await server.close();
  }
});

test('a program the browser cannot read gets a message, not a blank page', async () => {
  assert.ok(pageWasm, 'the page wasm in dist/');
  const server = await serve(0, { [pageWasm]: Buffer.from('inte WebAssembly') });
  try {
    await open(server, null, async (page) => {
      assert.match(await refused(page, server), /kunde inte starta.*Ladda om sidan/);
    });
  } finally {
    await server.close();
  }
});

test('a working browser starts the app, its engine and its service worker, without a message', async () => {
  const server = await serve();
  try {
    await open(server, null, async (page) => {
      await page.locator('main[data-worker="ready"]').waitFor({ state: 'attached' });
      assert.equal(await page.getByTestId('cannot-start').count(), 0);
      assert.ok(server.log.some((r) => r.url.endsWith('worker_bg.wasm')), 'the engine fetched');
      await until(page, async () => (await navigator.serviceWorker.getRegistrations()).length === 1);
    });
  } finally {
    await server.close();
  }
});
