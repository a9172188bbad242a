// Files chosen in several goes, as a user does: the files of DIR but platser.csv, then
// platser.csv added, then all of them again, in the app (served from DIST, or dist/). Prints the
// worker's WebAssembly memory after each (its high-water mark: wasm memory never shrinks) and its
// times: how much more room a second reading needs than the first, and whether a reading into
// memory the worker has used before is faster (docs/BENCHMARKS.md).
//   node bench/again.mjs bench/out/1m
import fs from 'node:fs';
import path from 'node:path';
import { serve, launch, openReady, generation, nextReport } from '../tests/e2e/harness.mjs';

const dir = process.argv[2];
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.csv')).sort().map((f) => path.join(dir, f));
const server = await serve();
const browser = await launch();
try {
  const page = await openReady(browser, server.url);
  const goes = [
    ['all but platser.csv', files.filter((f) => !f.endsWith('platser.csv'))],
    ['platser.csv added', files.filter((f) => f.endsWith('platser.csv'))],
    ['all again', files],
  ];
  for (const [what, list] of goes) {
    const g = await generation(page);
    await page.getByTestId('file-input').setInputFiles(list);
    await nextReport(page, g, 600000);
    const main = page.locator('main');
    const mib = Number(await main.getAttribute('data-memory')) / 1048576;
    const [read, load, compute] = await Promise.all(['read', 'load', 'compute'].map(async (k) => Math.round(Number(await main.getAttribute(`data-${k}-ms`)))));
    console.log(`${what}: worker memory ${mib.toFixed(0)} MiB; reading ${read} ms, load ${load} ms, compute ${compute} ms`);
  }
} finally {
  await browser.close();
  await server.close();
}
