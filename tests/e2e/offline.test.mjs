// Offline: once loaded, the app opens and computes with the server gone – the example data, the
// workbook module (Excel files) and Kolada's groups too, once they have been used (they are cached
// when first fetched, not on install); a workbook never read before gets a clear message offline,
// and so does the search for groups.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serve, launch, screenshot, watchErrors, generation, nextReport, root, dist, plain, upload, uploadReference, visit, openAll, until } from './harness.mjs';

/** A workbook that reads (a cell at XFD1048576 gives a finding, the rest is read). */
const WORKBOOK = path.join(root, 'crates/kpb/tests/data/bad/langt-bort.xlsx');
const MODULE = ['xlsx/kpb_xlsx.js', 'xlsx/kpb_xlsx_bg.wasm'];
const GROUPS = ['kolada/kommungrupper.tsv'];
/** Kolada's web table, one row of it naming a group by its title. */
const TABLE = path.join(root, 'tests/e2e/data/kolada/kolada-webbtabell.csv');
const EXAMPLE = ['befolkning', 'brukare', 'konton', 'kostnader', 'mappning', 'platser'].map((f) => `exempel/${f}.csv`);

/** Clicks "Prova med exempeldata" on the start page and waits for the result. */
async function openExample(page) {
  await page.getByTestId('nav-start').click();
  const g = await generation(page);
  await page.getByTestId('example').click();
  await nextReport(page, g);
}

/** Waits until the service worker has cached `files`. */
const cachedAll = (page, files) => until(page, async (f) => (await Promise.all(f.map((x) => caches.match(x)))).every(Boolean), files);

/** The names found in Jämförelse's search of municipalities and groups for `query`. */
async function areasFound(page, query) {
  await visit(page, 'jamforelse');
  await page.getByTestId('area-search').fill(query);
  await page.waitForFunction(() => document.querySelector('[data-testid=area-results], [data-testid=area-none]'));
  return page.locator('[data-testid=area-results] li .name').allInnerTexts();
}

/** Opens the app and waits until the service worker has cached it and controls the page. */
async function openControlled(browser, server) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(server.url);
  await page.getByTestId('example').waitFor();
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    while (!navigator.serviceWorker.controller) await new Promise((r) => setTimeout(r, 50));
  });
  return page;
}

/** What the import page says of the file `name`. */
const status = (page, name) => page.getByTestId('file-row').filter({ hasText: name }).getByTestId('file-status').innerText();

test('loads, then reloads and computes with the server stopped', async () => {
  const server = await serve();
  const browser = await launch();
  try {
    const page = await openControlled(browser, server);
    const cached = () => page.evaluate(async () => (await Promise.all((await caches.keys())
      .map(async (k) => (await (await caches.open(k)).keys()).map((r) => new URL(r.url).pathname)))).flat());
    // The app is cached on install; the example data (1,4 MB) is not downloaded until it is used.
    const installed = await cached();
    assert.ok(installed.some((p) => p.endsWith('.wasm')) && installed.some((p) => p.endsWith('/mallar/brukare.csv')), installed.join(' '));
    assert.ok(!installed.some((p) => ['/exempel/', '/xlsx/', '/kolada/'].some((dir) => p.includes(dir))), installed.join(' '));
    // Used once online, the example is kept for offline use.
    await openExample(page);
    await cachedAll(page, EXAMPLE);
    // So is the workbook module, once a workbook has been read.
    await visit(page, 'import');
    await upload(page, [WORKBOOK]);
    assert.equal(await status(page, 'langt-bort.xlsx'), 'Inläst');
    await cachedAll(page, MODULE);
    // And Kolada's groups, once searched.
    assert.deepEqual(await areasFound(page, 'fyrkommuns'), ['Fyrkommunsnätverket']);
    await cachedAll(page, GROUPS);
    await server.close();
    await assert.rejects(fetch(server.url), 'the server is really gone');

    const errors = watchErrors(page);
    await page.reload();
    await openExample(page);
    await page.getByTestId('nav-nyckeltal').click();
    const value = await page.getByTestId('kpi-U21003').getByTestId('kpi-value').innerText();
    assert.match(value, /^\d[\d\u00a0]* kr per timme$/);
    await screenshot(page, 'offline');
    await visit(page, 'import');
    await upload(page, [WORKBOOK]);
    assert.equal(await status(page, 'langt-bort.xlsx'), 'Inläst');
    assert.deepEqual(await areasFound(page, 'fyrkommuns'), ['Fyrkommunsnätverket']);
    assert.deepEqual(errors, []);

    // A new version of the app keeps what the old one had kept: it fetches the example data and
    // the workbook module as it installs, and they work offline after the update too.
    const sw = fs.readFileSync(path.join(dist, 'sw.js'), 'utf8');
    const version = sw.match(/const VERSION = '([0-9a-f]+)'/)[1];
    const updated = await serve(server.port, { 'sw.js': sw.replace(version, `${version}-ny`) });
    await page.evaluate(async () => (await navigator.serviceWorker.ready).update());
    // (The old version's cache goes once the new one is active; wait for that, then look in the
    // new one alone.)
    await until(page, async (v) => (await caches.keys()).includes(`kpb-${v}-ny`) && !(await caches.keys()).includes(`kpb-${v}`), version);
    const kept = await page.evaluate(async (name) => (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname), `kpb-${version}-ny`);
    assert.ok([...EXAMPLE, ...MODULE, ...GROUPS].every((f) => kept.some((p) => p.endsWith(`/${f}`))), kept.join(' '));
    await updated.close();
    await page.reload();
    await visit(page, 'import');
    await upload(page, [WORKBOOK]);
    assert.equal(await status(page, 'langt-bort.xlsx'), 'Inläst');
  } finally {
    await browser.close();
  }
});

test('offline, a workbook before the workbook module was ever used, and a search for groups before they were, get a clear message; online again, they work', async () => {
  const server = await serve();
  const browser = await launch();
  try {
    const page = await openControlled(browser, server);
    // The example used online (for a result to compare offline), nothing else.
    await openExample(page);
    await cachedAll(page, EXAMPLE);
    await server.close();
    await page.reload();
    await visit(page, 'import');
    await upload(page, [WORKBOOK]);
    assert.equal(await status(page, 'langt-bort.xlsx'), 'Kunde inte läsas');
    await visit(page, 'kontroll');
    await openAll(page);
    const findings = plain((await page.locator('.findings').allInnerTexts()).join('\n'));
    assert.match(findings, /Filen langt-bort\.xlsx kunde inte läsas: den del av appen som läser Excel-filer kunde inte hämtas/);
    assert.match(findings, /Spara filen som CSV \(semikolonseparerad\) och välj den i stället/);
    await screenshot(page, 'offline-excel-aldrig-anvant');
    // Nor were Kolada's groups ever fetched: municipalities are found, groups not, and the page
    // says why.
    await openExample(page);
    assert.deepEqual(await areasFound(page, 'borl'), ['Borlänge']);
    await page.getByTestId('groups-status').filter({ hasText: 'kunde inte' }).waitFor();
    assert.match(plain(await page.getByTestId('groups-status').innerText()), /^Koladas kommungrupper kunde inte hämtas, troligen för att datorn saknar internetanslutning\. Kommuner går att söka ändå\./);
    // A name that matches nothing says what was searched; a table naming a group by its title
    // says why the group is not known.
    await page.getByTestId('area-search').fill('pendlingskommun');
    assert.equal(plain(await page.getByTestId('area-none').innerText()), 'Ingen kommun heter något med ”pendlingskommun”.');
    await uploadReference(page, [TABLE]);
    const unknown = plain(await page.getByTestId('reference-findings').innerText());
    assert.match(unknown, /Kommunen eller gruppen "Pendlingskommun nära större stad \(ovägt medel\)" finns inte i Koladas lista över kommuner och regioner, och listan över Koladas kommungrupper kunde inte hämtas\./);
    assert.match(unknown, /Läs in filen igen när datorn har anslutning\./);
    await screenshot(page, 'offline-grupper-aldrig-anvanda');
    // Back online, the same file chosen again is read, and the groups come when the view is
    // opened again.
    const again = await serve(server.port);
    try {
      await visit(page, 'import');
      await upload(page, [WORKBOOK]);
      assert.equal(await status(page, 'langt-bort.xlsx'), 'Inläst');
      assert.deepEqual(await areasFound(page, 'fyrkommuns'), ['Fyrkommunsnätverket']);
      assert.equal(await page.getByTestId('groups-status').count(), 0);
      // The table read again: its group is known now.
      await uploadReference(page, [TABLE]);
      assert.doesNotMatch(plain(await page.getByTestId('reference-findings').innerText()), /Pendlingskommun/);
    } finally {
      await again.close();
    }
  } finally {
    await browser.close();
  }
});
