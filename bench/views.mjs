// How long the page takes to draw each view once a report is there: the real app in headless
// Chromium, the files of DIR through the file input, then each view through the navigation
// (click → the view's first frame drawn), and the Import view with every <details> opened.
// Prints one JSON line of milliseconds per view (the median of RUNS fresh pages).
//   node bench/views.mjs DIR [RUNS]
import fs from 'node:fs';
import path from 'node:path';
import { serve, launch, openReady, upload, openAll } from '../tests/e2e/harness.mjs';

const dir = process.argv[2];
const runs = Number(process.argv[3] ?? 3);
const files = fs.readdirSync(dir).filter((f) => /\.(csv|xlsx)$/.test(f)).sort().map((f) => path.join(dir, f));
const slugs = ['kontroll', 'nyckeltal', 'enheter', 'manad', 'ytterfall', 'fordelning', 'brukarmix', 'export',
  'jamforelse', 'over-tid', 'natverk', 'kvalitet', 'installningar', 'import'];
const server = await serve();
const browser = await launch();
const times = {};
try {
  for (let i = 0; i < runs; i++) {
    const page = await openReady(browser, server.url);
    await upload(page, files);
    for (const slug of [...slugs, 'import (all open)']) {
      const t0 = Date.now();
      if (slug === 'import (all open)') await openAll(page);
      else await page.getByTestId(`nav-${slug}`).click();
      // Two frames: the view's task has run and its first frame is drawn.
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      (times[slug] ??= []).push(Date.now() - t0);
    }
    await page.context().close();
  }
} finally {
  await browser.close();
  await server.close();
}
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(JSON.stringify(Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]))));
