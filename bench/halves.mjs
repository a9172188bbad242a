// What reading the volume file in two workers at once could gain: the app (served from DIST, or
// dist/) in one page reads the files of DIR; then two pages read them at the same time, one the
// files with the first half of brukare.csv's lines, the other only the second half (its header
// and its lines). Each page has its worker, so the halves load on two cores, as two workers of one
// page would. Prints, per round, the one worker's load and compute, and each half's load: the
// load of a split reading is at best the slower half's (plus joining the halves, not measured).
//   node bench/halves.mjs bench/out/1m [ROUNDS]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve, launch, openReady, generation, nextReport } from '../tests/e2e/harness.mjs';

const dir = process.argv[2];
const rounds = Number(process.argv[3] ?? 3);
const names = fs.readdirSync(dir).filter((f) => f.endsWith('.csv')).sort();
if (!names.includes('brukare.csv')) throw new Error(`${dir} has no brukare.csv`);

// The halves, split at a line break (the generated files quote no line breaks).
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kpb-halves-'));
const [first, second] = ['a', 'b'].map((h) => path.join(tmp, h));
for (const d of [first, second]) fs.mkdirSync(d);
const text = fs.readFileSync(path.join(dir, 'brukare.csv'));
const headerEnd = text.indexOf(10) + 1;
const middle = text.indexOf(10, headerEnd + Math.floor((text.length - headerEnd) / 2)) + 1;
fs.writeFileSync(path.join(first, 'brukare.csv'), text.subarray(0, middle));
fs.writeFileSync(path.join(second, 'brukare.csv'), Buffer.concat([text.subarray(0, headerEnd), text.subarray(middle)]));
for (const n of names.filter((n) => n !== 'brukare.csv')) fs.copyFileSync(path.join(dir, n), path.join(first, n));
const all = names.map((n) => path.join(dir, n));
const halves = [first, second].map((d) => fs.readdirSync(d).sort().map((n) => path.join(d, n)));

const server = await serve();
const browser = await launch();
/** Chooses `files` in `page` and returns the worker's load and compute times (ms). */
async function read(page, files) {
  const g = await generation(page);
  await page.getByTestId('file-input').setInputFiles(files);
  await nextReport(page, g, 600000);
  const main = page.locator('main');
  return { load: Number(await main.getAttribute('data-load-ms')), compute: Number(await main.getAttribute('data-compute-ms')) };
}
try {
  // The pages stay open from round to round, as a user's does: from the second round on, each
  // worker's code is compiled as after a first large reading.
  const one = await openReady(browser, server.url);
  const two = [await openReady(browser, server.url), await openReady(browser, server.url)];
  for (let round = 0; round < rounds; round++) {
    const whole = await read(one, all);
    const parts = await Promise.all(two.map((page, i) => read(page, halves[i])));
    const ms = (v) => Math.round(v);
    console.log(JSON.stringify({
      one_worker: { load_ms: ms(whole.load), compute_ms: ms(whole.compute) },
      two_workers: { first_half_load_ms: ms(parts[0].load), second_half_load_ms: ms(parts[1].load) },
    }));
  }
} finally {
  await browser.close();
  await server.close();
  fs.rmSync(tmp, { recursive: true, force: true });
}
