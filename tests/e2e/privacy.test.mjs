// Privacy, enforced: during a whole session (load, upload through the real file input, compute,
// compare with Kolada files and another year, export)
// the browser connects to no other origin, and after the initial load it sends nothing but GETs
// of the app's own static files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  serve, launch, recordingContext, staticPaths, dist, root, watchErrors, generation, nextReport, uploadReference, run,
} from './harness.mjs';

const kolada = path.join(root, 'tests/e2e/data/kolada');

test('no request leaves the origin and no request carries data', async () => {
  const year2024 = fs.mkdtempSync(path.join(os.tmpdir(), 'kpb-privacy-'));
  await run('cargo', ['run', '-q', '-p', 'kpb-gen', '--', '--size', 'example', '--year', '2024', '--out', year2024]);
  const server = await serve();
  const browser = await launch();
  try {
    const { context, requests } = await recordingContext(browser, server.origin);
    // CSP violations (a blocked attempt never reaches the network) are recorded too.
    await context.addInitScript(() => {
      globalThis.__violations = [];
      globalThis.addEventListener('securitypolicyviolation', (e) => globalThis.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(server.url);
    await page.getByTestId('example').waitFor();
    await page.evaluate(() => navigator.serviceWorker.ready);
    const initial = requests.length;

    // Upload the example files through the real file input, then use the example button.
    const files = ['kostnader.csv', 'brukare.csv', 'mappning.csv', 'konton.csv'].map((f) => path.join(dist, 'exempel', f));
    let g = await generation(page);
    await page.getByTestId('file-input').setInputFiles(files);
    await nextReport(page, g);
    // Recompute with other settings, export a workbook, and load the example data.
    await page.getByTestId('nav-installningar').click();
    g = await generation(page);
    await page.getByTestId('key-volym').check();
    await nextReport(page, g);
    await page.getByTestId('nav-export').click();
    const download = page.waitForEvent('download');
    await page.getByTestId('export-xlsx').click();
    await download;
    await page.getByTestId('nav-start').click();
    g = await generation(page);
    await page.getByTestId('example').click();
    await nextReport(page, g);
    // Comparisons: Kolada files and another year in, every comparison view shown, the network
    // file out. The Kolada address is shown as a link, never followed.
    await page.getByTestId('nav-jamforelse').click();
    await page.getByTestId('kolada-url').waitFor();
    await uploadReference(page, ['kolada-v2-hemtjanst.json', 'kolada-v3-sarskilt-boende.json', 'kvalitet.csv'].map((f) => path.join(kolada, f)));
    await page.getByTestId('nav-over-tid').click();
    g = await generation(page);
    await page.getByTestId('year-input').setInputFiles(fs.readdirSync(year2024).map((f) => path.join(year2024, f)));
    await nextReport(page, g);
    await page.getByTestId('nav-kvalitet').click();
    await page.getByTestId('nav-natverk').click();
    assert.ok(await page.getByTestId('export-network').isDisabled(), 'no network file without the own id');
    await page.getByTestId('own-id').fill('9999');
    await page.getByTestId('own-id').press('Tab');
    const networkFile = page.waitForEvent('download');
    await page.getByTestId('export-network').click();
    await networkFile;
    await page.waitForTimeout(500);

    const allowed = staticPaths();
    const offending = requests.filter((r) => {
      const url = new URL(r.url);
      if (r.url.startsWith('blob:') || r.url.startsWith('data:')) return false;
      return url.origin !== server.origin || r.via === 'blocked';
    });
    assert.deepEqual(offending, [], 'requests to another origin');

    const afterLoad = requests.slice(initial).filter((r) => !r.url.startsWith('blob:'));
    const carrying = afterLoad.filter((r) => {
      const url = new URL(r.url);
      return r.method !== 'GET' || r.bodyBytes > 0 || url.search !== '' || !allowed.has(url.pathname);
    });
    assert.deepEqual(carrying, [], 'requests after the initial load that are not GETs of static files');

    // The server saw the same: only GETs of its own files.
    const serverOdd = server.log.filter((r) => r.method !== 'GET' || r.bodyBytes > 0 || !allowed.has(new URL(r.url, 'http://x').pathname));
    assert.deepEqual(serverOdd, [], 'requests the server received');

    const violations = await page.evaluate(() => globalThis.__violations);
    assert.deepEqual(violations, [], 'Content-Security-Policy violations');
    assert.deepEqual(errors, [], 'errors in the page');
  } finally {
    await browser.close();
    await server.close();
  }
});
