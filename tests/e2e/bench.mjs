// Browser benchmark: loads the files of a directory into the real app (through the file input)
// in headless Chromium and prints one JSON line: the worker's load and compute times, the whole
// time from choosing the files (once the app is ready) to the rendered result, the worker's
// memory, and the longest task on the page's main thread meanwhile (how long the page was ever
// unresponsive).
//   node tests/e2e/bench.mjs DIR [RUNS]
import fs from 'node:fs';
import path from 'node:path';
import { serve, launch, openReady, generation, nextReport } from './harness.mjs';

const dir = process.argv[2];
const runs = Number(process.argv[3] ?? 3);
const files = fs.readdirSync(dir).filter((f) => /\.(csv|xlsx)$/.test(f)).sort().map((f) => path.join(dir, f));
const server = await serve();
const browser = await launch();
const results = [];
try {
  for (let i = 0; i < runs; i++) {
    // The files are chosen once the worker has started (and warmed up), as a user chooses them
    // some seconds after opening the page; DuckDB-wasm's database is started before, too.
    const page = await openReady(browser, server.url);
    const g = await generation(page);
    // How long the page was ever unresponsive: the longest task on its main thread while the
    // files were read and computed (the Long Tasks API reports every task over 50 ms).
    await page.evaluate(() => {
      window.longestTask = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.longestTask = Math.max(window.longestTask, e.duration);
      }).observe({ type: 'longtask' });
    });
    const t0 = Date.now();
    await page.getByTestId('file-input').setInputFiles(files);
    await nextReport(page, g, 600000);
    const total = Date.now() - t0;
    const main = page.locator('main');
    results.push({
      read_ms: Number(await main.getAttribute('data-read-ms')),
      load_ms: Number(await main.getAttribute('data-load-ms')),
      compute_ms: Number(await main.getAttribute('data-compute-ms')),
      total_ms: total,
      memory_mib: Number(await main.getAttribute('data-memory')) / 1048576,
      longest_task_ms: await page.evaluate(() => window.longestTask),
    });
    await page.context().close();
  }
} finally {
  await browser.close();
  await server.close();
}
const median = (k) => results.map((r) => r[k]).sort((a, b) => a - b)[Math.floor(results.length / 2)];
console.log(JSON.stringify({
  read_ms: median('read_ms'), load_ms: median('load_ms'), compute_ms: median('compute_ms'), total_ms: median('total_ms'),
  memory_mib: Math.max(...results.map((r) => r.memory_mib)),
  longest_task_ms: Math.max(...results.map((r) => r.longest_task_ms)),
}));
