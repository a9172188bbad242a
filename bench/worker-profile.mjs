// Where the worker's time goes: chooses the files of DIR in the app (served from DIST, or dist/),
// records Chromium's V8 CPU profile meanwhile, and prints each busy thread's functions by self
// time (the worker's is the one with the engine's function names; the page's wasm keeps none).
// Function names need the name section, which wasm-opt drops: build the app for this with
// data-wasm-opt="0" on the worker's link in index.html, e.g.
//   trunk build --release --offline --locked --dist /tmp/dist-names
//   DIST=/tmp/dist-names node bench/worker-profile.mjs bench/out/1m [TOP]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve, launch, openReady, generation, nextReport } from '../tests/e2e/harness.mjs';

const dir = process.argv[2];
const top = Number(process.argv[3] ?? 30);
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.csv')).sort().map((f) => path.join(dir, f));
const trace = path.join(os.tmpdir(), `kpb-worker-profile-${process.pid}.json`);
const server = await serve();
const browser = await launch();
try {
  const page = await openReady(browser, server.url);
  const g = await generation(page);
  await browser.startTracing(page, { path: trace, categories: ['disabled-by-default-v8.cpu_profiler'] });
  await page.getByTestId('file-input').setInputFiles(files);
  await nextReport(page, g, 600000);
  await browser.stopTracing();
  const main = page.locator('main');
  console.log(`load ${await main.getAttribute('data-load-ms')} ms, compute ${await main.getAttribute('data-compute-ms')} ms`);
} finally {
  await browser.close();
  await server.close();
}

// The profile comes in chunks per thread: nodes (functions in their callers) and samples with the
// time since the one before.
const events = JSON.parse(fs.readFileSync(trace, 'utf8'));
fs.rmSync(trace);
const profiles = new Map();
for (const e of events.traceEvents ?? events) {
  if (e.name !== 'ProfileChunk') continue;
  const key = `${e.pid}/${e.id}`;
  if (!profiles.has(key)) profiles.set(key, { nodes: new Map(), samples: [], deltas: [] });
  const p = profiles.get(key);
  const data = e.args.data;
  for (const n of data.cpuProfile?.nodes ?? []) p.nodes.set(n.id, n.callFrame.functionName || '(anonymous)');
  p.samples.push(...(data.cpuProfile?.samples ?? []));
  p.deltas.push(...(data.timeDeltas ?? []));
}
for (const p of profiles.values()) {
  const self = new Map();
  p.samples.forEach((s, i) => {
    const name = p.nodes.get(s) ?? '?';
    self.set(name, (self.get(name) ?? 0) + p.deltas[i] / 1000);
  });
  const busy = [...self].filter(([name]) => name !== '(idle)').reduce((sum, [, ms]) => sum + ms, 0);
  if (busy < 200) continue;
  console.log(`\na thread, busy ${busy.toFixed(0)} ms; self time by function:`);
  for (const [name, ms] of [...self].filter(([name]) => name !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${ms.toFixed(1).padStart(8)}  ${name.slice(0, 120)}`);
  }
}
