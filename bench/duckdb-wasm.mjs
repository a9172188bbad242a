// DuckDB-wasm in the same headless Chromium as the app (tests/e2e/bench.mjs): the files of DIR go
// in through a file input, DuckDB-wasm (npm) reads them and runs bench/plain.py's SQL. Prints one
// JSON line: DuckDB's load and compute times, and the whole time from choosing the files to the
// result, medians of RUNS runs; with --check ENGINE.tsv, exits non-zero unless its cells and
// brukare equal the engine's (the same rule as bench/plain.py --check).
//   node bench/duckdb-wasm.mjs DIR [RUNS] [--check ENGINE.tsv]
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { launch } from '../tests/e2e/harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const [dir, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 3);
const checkAt = process.argv.indexOf('--check');
const sql = JSON.parse(execFileSync(path.join(here, '../.tools/venv/bin/python'), [path.join(here, 'plain.py'), 'sql']));
const files = ['kostnader.csv', 'brukare.csv', 'mappning.csv', 'konton.csv'].map((f) => path.join(dir, f));
const types = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };
const server = http.createServer((req, res) => {
  const file = path.join(here, decodeURIComponent(new URL(req.url, 'http://x').pathname));
  if (!file.startsWith(here) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) { res.writeHead(404).end(); return; }
  res.writeHead(200, { 'Content-Type': types[path.extname(file)] ?? 'application/octet-stream' });
  fs.createReadStream(file).pipe(res);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const browser = await launch();
const results = [];
let last;
try {
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${server.address().port}/duckdb-wasm.html`);
    page.on('pageerror', (e) => console.error('page:', e.message));
    page.on('console', (m) => { if (m.type() === 'error') console.error('page:', m.text()); });
    await page.waitForSelector('body[data-ready]', { state: 'attached', timeout: 120000 });
    await page.evaluate((s) => { window.SQL = s; }, sql);
    const t0 = Date.now();
    await page.locator('#files').setInputFiles(files);
    await page.waitForSelector('#result[data-result], #result[data-error]', { state: 'attached', timeout: 600000 });
    const total = Date.now() - t0;
    const error = await page.locator('#result').getAttribute('data-error');
    if (error) throw new Error(`DuckDB-wasm: ${error}`);
    last = JSON.parse(await page.locator('#result').getAttribute('data-result'));
    await page.waitForSelector('#result[data-cells]', { state: 'attached', timeout: 600000 });
    last.cells = JSON.parse(await page.locator('#result').getAttribute('data-cells'));
    results.push({ load_ms: last.load_ms, compute_ms: last.compute_ms, total_ms: total });
    await context.close();
  }
} finally {
  await browser.close();
  server.close();
}
if (checkAt > 0) {
  const engine = fs.readFileSync(process.argv[checkAt + 1], 'utf8').trim().split('\n').map((l) => l.split('\t'));
  const theirs = new Map(engine.filter((r) => r[0] !== 'brukare').map((r) => [`${r[0]}/${r[1]}`, r]));
  const brukare = engine.find((r) => r[0] === 'brukare') ?? ['brukare', 'saknas', 'saknas'];
  const bad = last.cells.filter(([i, e, t, v]) => {
    const r = theirs.get(`${i}/${e}`);
    return !r || Number(r[3]) !== Number(v) || Math.abs(Number(r[2]) - Number(t)) > 1;
  });
  if (bad.length || last.cells.length !== theirs.size || Number(brukare[1]) !== last.clients
      || Math.abs(Number(brukare[2]) - Number(last.cost)) > 1) {
    console.error(`duckdb-wasm: ${bad.length} of ${theirs.size} cells differ from the engine's (e.g. ${JSON.stringify(bad[0])}); `
      + `${last.clients} brukare with ${last.cost} kr, the engine ${brukare[1]} with ${brukare[2]} kr`);
    process.exit(1);
  }
  console.error(`duckdb-wasm: all ${theirs.size} egen regi cells equal the engine's`);
}
const median = (k) => results.map((r) => r[k]).sort((a, b) => a - b)[Math.floor(results.length / 2)];
console.log(JSON.stringify({ load_ms: median('load_ms'), compute_ms: median('compute_ms'), total_ms: median('total_ms') }));
