// The app's start when it cannot start: a browser without WebAssembly's SIMD (the app is built
// with it) and a program the browser cannot read each get a Swedish message in place of a blank
// page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { serve, launch, dist, plain, screenshot } from './harness.mjs';

const pageWasm = fs.readdirSync(dist).find((f) => /^kpb-app-.*_bg\.wasm$/.test(f));

test('a browser without WebAssembly SIMD is told so, and the app does not start', async () => {
  const server = await serve();
  const browser = await launch();
  try {
    const page = await browser.newPage();
    // As in Safari before 16.4: the SIMD module does not validate (everything else does).
    await page.addInitScript(() => {
      const validate = WebAssembly.validate;
      WebAssembly.validate = (bytes) => !new Uint8Array(bytes).includes(253) && validate(bytes);
    });
    await page.goto(server.url);
    const alert = page.getByTestId('cannot-start');
    await alert.waitFor();
    const text = plain(await alert.innerText());
    assert.match(text, /för gammal/);
    assert.match(text, /Safari 16\.4 eller senare/);
    await screenshot(page, 'start-utan-simd');
    // (The page's module is preloaded by index.html; the engine's is fetched only by the app.)
    assert.ok(!server.log.some((r) => r.url.endsWith('worker_bg.wasm')), 'the engine not fetched');
    assert.equal(await page.locator('main').count(), 0, 'no app rendered');
  } finally {
    await browser.close();
    await server.close();
  }
});

test('a program the browser cannot read gets a message, not a blank page', async () => {
  assert.ok(pageWasm, 'the page wasm in dist/');
  const server = await serve(0, { [pageWasm]: Buffer.from('inte WebAssembly') });
  const browser = await launch();
  try {
    const page = await browser.newPage();
    await page.goto(server.url);
    const alert = page.getByTestId('cannot-start');
    await alert.waitFor();
    assert.match(plain(await alert.innerText()), /kunde inte starta.*Ladda om sidan/);
  } finally {
    await browser.close();
    await server.close();
  }
});

test('a working browser starts the app without the message', async () => {
  const server = await serve();
  const browser = await launch();
  try {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.locator('main').first().waitFor();
    assert.equal(await page.getByTestId('cannot-start').count(), 0);
    // The app starts its engine at once (what the first test's browser never got to).
    for (let i = 0; i < 100 && !server.log.some((r) => r.url.endsWith('worker_bg.wasm')); i++) await page.waitForTimeout(100);
    assert.ok(server.log.some((r) => r.url.endsWith('worker_bg.wasm')), 'the engine fetched');
  } finally {
    await browser.close();
    await server.close();
  }
});
