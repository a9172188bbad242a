// Browser benchmark: loads the files of a directory into the real app (through the file input)
// in headless Chromium and prints one JSON line: the worker's load and compute times, the whole
// time from choosing the files to the rendered result, and the worker's memory.
//   node tests/e2e/bench.mjs DIR [RUNS]
import fs from 'node:fs';
import path from 'node:path';
import { serve, launch, generation, nextReport } from './harness.mjs';

const dir = process.argv[2];
const runs = Number(process.argv[3] ?? 3);
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.csv')).sort().map((f) => path.join(dir, f));
const server = await serve();
const browser = await launch();
const results = [];
try {
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByTestId('file-input').waitFor({ state: 'attached' });
    const g = await generation(page);
    const t0 = Date.now();
    await page.getByTestId('file-input').setInputFiles(files);
    await nextReport(page, g, 600000);
    const total = Date.now() - t0;
    const main = page.locator('main');
    results.push({
      load_ms: Number(await main.getAttribute('data-load-ms')),
      compute_ms: Number(await main.getAttribute('data-compute-ms')),
      total_ms: total,
      memory_mib: Number(await main.getAttribute('data-memory')) / 1048576,
    });
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}
const median = (k) => results.map((r) => r[k]).sort((a, b) => a - b)[Math.floor(results.length / 2)];
console.log(JSON.stringify({
  load_ms: median('load_ms'), compute_ms: median('compute_ms'), total_ms: median('total_ms'),
  memory_mib: Math.max(...results.map((r) => r.memory_mib)),
}));
