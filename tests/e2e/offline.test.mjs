// Offline: once loaded, the app opens and computes with the server gone – the example data too,
// once it has been used (it is cached when first fetched, not on install).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, screenshot, watchErrors, generation, nextReport } from './harness.mjs';

test('loads, then reloads and computes with the server stopped', async () => {
  const server = await serve();
  const browser = await launch();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByTestId('example').waitFor();
    // Wait until the service worker has cached everything and controls the page.
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
      while (!navigator.serviceWorker.controller) await new Promise((r) => setTimeout(r, 50));
    });
    const cached = () => page.evaluate(async () => (await Promise.all((await caches.keys())
      .map(async (k) => (await (await caches.open(k)).keys()).map((r) => new URL(r.url).pathname)))).flat());
    // The app is cached on install; the example data (1,4 MB) is not downloaded until it is used.
    const installed = await cached();
    assert.ok(installed.some((p) => p.endsWith('.wasm')) && installed.some((p) => p.endsWith('/mallar/brukare.csv')), installed.join(' '));
    assert.ok(!installed.some((p) => p.includes('/exempel/')), installed.join(' '));
    // Used once online, the example is kept for offline use.
    const first = await generation(page);
    await page.getByTestId('example').click();
    await nextReport(page, first);
    const exampleFiles = ['befolkning', 'brukare', 'konton', 'kostnader', 'mappning', 'platser'].map((f) => `exempel/${f}.csv`);
    await page.waitForFunction(async (files) => (await Promise.all(files.map((f) => caches.match(f)))).every(Boolean), exampleFiles);
    await server.close();
    await assert.rejects(fetch(server.url), 'the server is really gone');

    const errors = watchErrors(page);
    await page.reload();
    await page.getByTestId('nav-start').click();
    const g = await generation(page);
    await page.getByTestId('example').click();
    await nextReport(page, g);
    await page.getByTestId('nav-nyckeltal').click();
    const value = await page.getByTestId('kpi-U21003').getByTestId('kpi-value').innerText();
    assert.match(value, /^\d[\d\u00a0]* kr per timme$/);
    await screenshot(page, 'offline');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
