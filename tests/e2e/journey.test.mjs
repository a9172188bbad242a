// The whole journey in headless Chromium, as a user walks it: the example data through every
// view (figures checked against the engine run natively on the same files), exports downloaded
// and opened, then real files whose headers need mapping (and the mapping remembered), then a
// file with errors, then the mapping editor. axe-core on every view; a screenshot of each.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  serve, launch, screenshot, watchErrors, generation, nextReport, unzip, engineFigures, plain, root, dist,
  visit, check, upload, listed, openAll, chartTable,
} from './harness.mjs';

const data = path.join(root, 'tests/e2e/data');
const files = (dir) => fs.readdirSync(dir).sort().map((f) => path.join(dir, f));

/** Changes a select and waits for the recomputed report. */
async function choose(locator, value, page) {
  const g = await generation(page);
  await locator.selectOption(value);
  await nextReport(page, g);
}

/** A nyckeltal card's value: the number as formatted, and the unit text after it. */
async function kpiValue(card) {
  const value = card.getByTestId('kpi-value');
  const unit = plain(await value.locator('.unit').innerText());
  const number = plain(await value.evaluate((e) => [...e.childNodes].filter((n) => !n.classList?.contains('unit')).map((n) => n.textContent).join('')));
  return { number, unit };
}

/** What a reader sees after the number of some nyckeltal, one of each kind of unit. */
const KPI_UNITS = {
  U21003: 'per timme',
  U23004: 'per dygn',
  U28031: 'per dag',
  U28033: 'per brukare',
  U23006: 'per plats',
  N21006: 'per brukare',
  N21009: 'per invånare',
  U21014: 'timmar per invånare',
  U23802: 'personer per plats',
  U21017: 'dygn',
  U21002: '',
  N21701: '',
};

async function download(page, click) {
  const [file] = await Promise.all([page.waitForEvent('download'), click()]);
  return { name: file.suggestedFilename(), bytes: fs.readFileSync(await file.path()) };
}

test('the whole journey', async () => {
  const server = await serve();
  const browser = await launch();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    const errors = watchErrors(page);

    // 1. Start, then the example data.
    await page.goto(server.url);
    await page.getByTestId('example').waitFor();
    await check(page, '01-start');
    let g = await generation(page);
    await page.getByTestId('example').click();
    await nextReport(page, g);
    await page.waitForFunction(() => location.hash === '#/import');
    // Keyboard focus lands in the content, not on the page's body (the button that was pressed
    // is gone).
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'innehall', 'focus after loading');
    assert.equal(await page.getByTestId('file-row').count(), 6);
    assert.deepEqual(new Set(await page.getByTestId('file-status').allInnerTexts()), new Set(['Inläst']));
    await check(page, '02-import');

    const expected = await engineFigures(path.join(dist, 'exempel'));

    // Kontroll: the planted errors, the reconciliation, the work list, the status.
    await visit(page, 'kontroll');
    assert.equal(plain(await page.getByTestId('count-errors').locator('.big').innerText()), String(expected.errors));
    assert.equal(plain(await page.getByTestId('count-warnings').locator('.big').innerText()), String(expected.warnings));
    const difference = page.getByTestId('difference').locator('td').first();
    assert.equal(plain(await difference.innerText()), plain(expected.difference));
    await page.getByTestId('finding-group').first().locator('summary').click();
    // A group's count is what it lists: "(n)", or "(n meddelanden, m förekomster)" when a message
    // stands for several places (was the places alone: "(12)" over 5 messages).
    for (const group of await page.getByTestId('finding-group').all()) {
      const count = plain(await group.locator('summary .count').textContent());
      const listed = await group.locator('[data-testid="finding"]').count();
      const m = count.match(/^\((\d+)(?: meddelanden?, ([\d ]+) förekomster)?\)$/);
      assert.ok(m && Number(m[1]) === listed, `${count} over ${listed} messages`);
      if (m[2]) assert.ok(Number(m[2].replace(/ /g, '')) > listed, count);
    }
    await check(page, '03-kontroll');
    await page.getByTestId('group-enhet').check();
    assert.ok(await page.getByTestId('finding-group').count() >= 3);
    const worklist = await download(page, () => page.getByTestId('download-worklist').click());
    const worklistText = worklist.bytes.toString('utf8');
    assert.ok(worklistText.startsWith('\ufeffAllvarlighet;Typ;Meddelande;Enhet;Fil;Blad;Rad;Kolumn'), worklistText.slice(0, 80));
    assert.match(worklistText, /\r\nFel;okand-insats;"Insatsen ""Fotvård"" finns inte i katalogen\.";HT-NORR;brukare\.csv;;259;4 \(Insats\);1;/);
    await page.getByTestId('status-validated').check();
    assert.match(await page.getByTestId('badge').innerText(), /Validerad/);

    // Inställningar: another key recomputes at once and moves the figures; then back.
    await visit(page, 'installningar');
    await check(page, '04-installningar');
    const before = await page.evaluate(() => document.querySelector('main').dataset.generation);
    g = Number(before);
    await page.getByTestId('key-volym').check();
    await nextReport(page, g);
    await visit(page, 'nyckeltal');
    const byVolume = plain(await page.getByTestId('kpi-U21003').getByTestId('kpi-value').innerText());
    await visit(page, 'installningar');
    g = await generation(page);
    await page.getByTestId('key-direkt').check();
    await nextReport(page, g);

    // Nyckeltal: every figure as the engine computes it natively, one card each (those without
    // data too), the number exactly as the engine formats it and the unit after it.
    await visit(page, 'nyckeltal');
    const figures = Object.entries(expected.nyckeltal);
    assert.ok(figures.length >= 50, `${figures.length} nyckeltal`);
    assert.ok(figures.filter(([, v]) => v !== null).length >= 50, 'the example has data for most figures');
    assert.equal(await page.locator('article.kpi-card').count(), figures.length);
    for (const id of Object.keys(KPI_UNITS)) assert.notEqual(expected.nyckeltal[id] ?? null, null, `${id} has a value`);
    for (const [id, value] of figures) {
      const card = page.getByTestId(`kpi-${id}`);
      if (value === null) {
        assert.match(await card.innerText(), /Saknas underlag/, id);
      } else {
        const shown = await kpiValue(card);
        assert.equal(shown.number, plain(value), id);
        if (id in KPI_UNITS) assert.equal(shown.unit, KPI_UNITS[id], id);
      }
    }
    assert.notEqual(byVolume, plain(expected.nyckeltal.U21003), 'the volume key gives another hemtjänst cost');
    await page.getByTestId('kpi-U21003').locator('details summary').click();
    await check(page, '05-nyckeltal');

    // Enheter: the chart of each insats and its table view hold the engine's unit costs. The
    // table is folded until asked for; opened, it lists the four hemtjänst enheter, dearest
    // first, and the municipality.
    await visit(page, 'enheter');
    const hemtjanst = page.getByTestId('units-HEMTJ');
    assert.equal(await hemtjanst.locator('svg[role="img"]').count(), 1);
    const tableText = plain(await hemtjanst.locator('details.chart-table').innerText());
    assert.equal(tableText, 'Visa som tabell');
    const rows = await chartTable(hemtjanst);
    const hemtjanstUnits = Object.entries(expected.units_exact)
      .filter(([k]) => k.startsWith('HEMTJ '))
      .sort((a, b) => b[1] - a[1])
      .map(([k]) => `${k.slice('HEMTJ '.length)}\t${plain(expected.units[k]).replace(' kr', '')}`);
    assert.equal(hemtjanstUnits.length, 4);
    assert.equal(rows, ['Enhet\tKr per timme', ...hemtjanstUnits, `Kommunen\t${plain(expected.nyckeltal.U21003).replace(' kr', '')}`].join('\n'));
    // Each insats' "Hela kommunen, egen regi" row counts the brukare in egen regi, as its cost
    // and volume (was every regi's), by the engine's one rule, which the view states. (In
    // "Hur räknades detta?", built once opened.)
    assert.equal(await page.getByTestId('insats-total').count(), 0, 'the folds are built only once opened');
    await openAll(page);
    const totals = await page.getByTestId('insats-total').evaluateAll((rows) => rows.map((r) => [
      r.closest('[data-testid^="units-"]').dataset.testid.slice('units-'.length), r.lastElementChild.textContent.replace(/\s/g, '')]));
    assert.ok(totals.length >= 5, `${totals.length} insatser`);
    for (const [code, n] of totals) assert.equal(n, String(expected.brukare_egen[code]), code);
    assert.match(await hemtjanst.locator('details.how').textContent(), /En brukare räknas hos en enhet när enhetens kostnad fördelas på hen/);
    await check(page, '06-enheter');

    // Ytterfall: the list, sorted, and one client's insatsmix. Its pages come from the worker:
    // after each change, `listed` waits for the table to show them.
    await visit(page, 'ytterfall');
    const list = 'ytterfall-list';
    await listed(page, list);
    const listRows = await page.getByTestId(list).locator('tbody tr').count();
    assert.ok(listRows >= 7, `${listRows} ytterfall`);
    // Each client's detail names the boendeform as a sentence does: "bostad enligt LSS".
    const details = [];
    for (let i = 0; i < Math.min(listRows, 12); i++) {
      await page.getByTestId('client-button').nth(i).click();
      details.push(plain(await page.getByTestId('client-detail').locator('p').first().innerText()));
    }
    assert.ok(details.some((d) => d.includes(', bostad enligt LSS.')), details.join('\n'));
    assert.ok(details.every((d) => /, (ordinärt boende|särskilt boende|bostad enligt LSS)\./.test(d)), details.join('\n'));
    // At size: pages of 25, sorting by any column both ways, a search box.
    const counts = (await page.locator('.scope-filter label').allInnerTexts()).map((t) => Number(plain(t).match(/\((\d+)\)/)[1]));
    const all = counts[0];
    assert.equal(all, counts.slice(1).reduce((a, b) => a + b), counts.join(' '));
    const status = page.getByTestId('ytterfall-list-status');
    assert.ok(all > 25 && listRows === 25, `${listRows} of ${all}`);
    assert.equal(plain(await status.innerText()), `Visar 1–25 av ${all}.`);
    const firstId = await page.getByTestId('client-button').first().innerText();
    await page.getByTestId('ytterfall-list-next').click();
    await listed(page, list);
    assert.equal(plain(await status.innerText()), `Visar 26–50 av ${all}.`);
    assert.notEqual(await page.getByTestId('client-button').first().innerText(), firstId);
    await page.getByTestId('ytterfall-list-previous').click();
    await listed(page, list);
    const ages = async () => (await page.getByTestId(list).locator('tbody tr td:nth-child(3)').allInnerTexts()).map(Number);
    const ageHeader = page.getByTestId(list).locator('th', { hasText: 'Ålder' });
    await ageHeader.getByRole('button').click();
    await listed(page, list);
    assert.equal(await ageHeader.getAttribute('aria-sort'), 'descending');
    let a = await ages();
    assert.ok(a.length === 25 && a.every((x, i) => i === 0 || a[i - 1] >= x), a.join(' '));
    await ageHeader.getByRole('button').click();
    await listed(page, list);
    assert.equal(await ageHeader.getAttribute('aria-sort'), 'ascending');
    a = await ages();
    assert.ok(a.length === 25 && a.every((x, i) => i === 0 || a[i - 1] <= x), a.join(' '));
    // One area: its count in the filter, every row in it.
    await page.locator('.scope-filter label', { hasText: /^LSS \(/ }).click();
    await listed(page, list);
    // The brukare chosen before is not shown under another area.
    assert.equal(await page.getByTestId('client-detail').count(), 0, 'the client chosen in another area is not shown');
    const lss = counts[3];
    assert.match(plain(await status.innerText()), new RegExp(`^(Visar 1–${Math.min(lss, 25)} av ${lss}|Ingen brukare)\\.$`));
    const areas = await page.getByTestId(list).locator('tbody tr td:nth-child(2)').allInnerTexts();
    assert.ok(areas.every((t) => t === 'LSS'), areas.join(' '));
    await page.locator('.scope-filter label').first().click();
    await listed(page, list);
    const search = page.getByTestId('ytterfall-list-search');
    await search.fill(firstId);
    await listed(page, list);
    const hits = await page.getByTestId('client-button').allInnerTexts();
    assert.ok(hits.length >= 1 && hits.every((h) => h === firstId), hits.join(' '));
    assert.match(plain(await status.innerText()), new RegExp(`^Visar 1–${hits.length} av ${hits.length} \\(sökningen; ${all} i listan\\)\\.$`));
    await search.fill('');
    await listed(page, list);
    const insats = (await page.getByTestId(list).locator('tbody tr td:nth-child(6)').last().innerText()).split(', ').at(-1);
    await search.fill(insats.toLowerCase());
    await listed(page, list);
    const found = await page.getByTestId(list).locator('tbody tr td:nth-child(6)').allInnerTexts();
    assert.ok(found.length >= 1 && found.every((t) => t.includes(insats)), `${insats}: ${found.join('\n')}`);
    await search.fill('');
    await page.getByTestId(list).locator('th', { hasText: 'Årskostnad i området' }).getByRole('button').click();
    await listed(page, list);
    assert.equal(await page.getByTestId('client-button').first().innerText(), firstId);
    await page.getByTestId('client-button').first().click();
    await page.getByTestId('client-detail').waitFor();
    await check(page, '07-ytterfall');

    // Fördelning: the concentration curve, saved as SVG and PNG.
    await visit(page, 'fordelning');
    assert.match(await page.getByTestId('distribution-headline').innerText(), /brukare med kostnad/);
    // Every brukare with cost, in the same kind of list, dearest first: as many as the headline
    // counts.
    const withCost = plain(await page.getByTestId('distribution-headline').innerText()).match(/^([\d ]+) brukare med kostnad/)[1];
    assert.match(plain(await page.getByTestId('dearest-hint').innerText()), new RegExp(`^Alla ${withCost} brukare med kostnad, med pseudonym, de dyraste först\\.`));
    await listed(page, 'brukare-list');
    assert.match(plain(await page.getByTestId('brukare-list-status').innerText()), new RegExp(`^Visar 1–25 av ${withCost}\\.$`));
    const costs = (await page.getByTestId('brukare-list').locator('tbody tr td.num').allInnerTexts()).map((t) => Number(plain(t).replace(/[ kr]/g, '').replace(',', '.')));
    assert.ok(costs.length === 25 && costs.every((x, i) => x > 0 && (i === 0 || costs[i - 1] >= x)), costs.join(' '));
    await page.getByTestId('brukare-list-next').click();
    await listed(page, 'brukare-list');
    assert.match(plain(await page.getByTestId('brukare-list-status').innerText()), new RegExp(`^Visar 26–50 av ${withCost}\\.$`));
    // Clicks faster than the pages come each go a page on; the last page and back to the first.
    await page.getByTestId('brukare-list-next').evaluate((b) => { b.click(); b.click(); });
    await listed(page, 'brukare-list');
    assert.match(plain(await page.getByTestId('brukare-list-status').innerText()), new RegExp(`^Visar 76–100 av ${withCost}\\.$`));
    const n = Number(withCost.replace(/ /g, ''));
    await page.getByTestId('brukare-list-last').click();
    await listed(page, 'brukare-list');
    const lastFirst = Math.floor((n - 1) / 25) * 25 + 1;
    assert.equal(plain(await page.getByTestId('brukare-list-status').innerText()), `Visar ${plain(lastFirst.toLocaleString('sv-SE'))}–${withCost} av ${withCost}.`);
    assert.equal(await page.getByTestId('brukare-list-next').getAttribute('aria-disabled'), 'true');
    await page.getByTestId('brukare-list-first').click();
    await listed(page, 'brukare-list');
    assert.match(plain(await page.getByTestId('brukare-list-status').innerText()), new RegExp(`^Visar 1–25 av ${withCost}\\.$`));
    const chart = page.getByTestId('chart-koncentration');
    const svg = await download(page, () => chart.getByRole('button', { name: 'Spara som SVG' }).click());
    assert.equal(svg.name, 'KPB – koncentration.svg');
    const svgText = svg.bytes.toString('utf8');
    assert.ok(svgText.startsWith('<svg') && svgText.includes('xmlns="http://www.w3.org/2000/svg"'));
    assert.match(svgText, /<title[^>]*>Koncentrationskurva/);
    const png = await download(page, () => chart.getByRole('button', { name: 'Spara som PNG' }).click());
    assert.equal(png.bytes.subarray(0, 8).toString('hex'), '89504e470d0a1a0a');
    assert.ok(png.bytes.length > 10000);
    await check(page, '08-fordelning');

    await visit(page, 'brukarmix');
    assert.equal(await page.locator('[data-testid^="mix-"]').count(), 4);
    await check(page, '09-brukarmix');

    // Export: the workbook and a CSV, opened and read.
    await visit(page, 'export');
    await check(page, '10-export');
    const xlsx = await download(page, () => page.getByTestId('export-xlsx').click());
    assert.equal(xlsx.name, 'KPB 2025 (validerad).xlsx');
    const book = await unzip(xlsx.bytes);
    const workbook = book['xl/workbook.xml'].toString('utf8');
    for (const sheet of ['Om', 'Nyckeltal', 'Enheter', 'Brukare', 'Ytterfall brukare', 'Avstämning', 'Kontroll']) {
      assert.ok(workbook.includes(`name="${sheet}"`), `sheet ${sheet}`);
    }
    const strings = book['xl/sharedStrings.xml'].toString('utf8');
    assert.ok(strings.includes('KPB 2025 – Validerad'));
    // Real number formats (Excel shows them with the reader's separators); percent as percent.
    const styles = book['xl/styles.xml'].toString('utf8');
    for (const code of ['#,##0.00', '#,##0', '0.0%']) assert.ok(styles.includes(`formatCode="${code}"`), code);
    assert.ok(!styles.includes('# ##0'), 'no literal space as thousands separator');
    // Every table as CSV in one zip, one click.
    const zip = await download(page, () => page.getByTestId('export-csv-zip').click());
    assert.equal(zip.name, 'KPB 2025 – tabeller (CSV, validerad).zip');
    const csvs = await unzip(zip.bytes);
    for (const sheet of ['Om', 'Nyckeltal', 'Enheter', 'Brukare', 'Avstämning', 'Kontroll', 'Månadsuppföljning']) {
      assert.ok(`${sheet}.csv` in csvs, `${sheet}.csv in the zip: ${Object.keys(csvs).join(', ')}`);
      assert.ok(workbook.includes(`name="${sheet}"`), `sheet ${sheet}`);
    }
    assert.ok(strings.includes('Kostnad hemtjänst, egen regi, kr/beviljad timme'));
    const csv = await download(page, () => page.getByTestId('csv-Nyckeltal').click());
    const csvText = csv.bytes.toString('utf8');
    const u21003 = csvText.split('\r\n').find((l) => l.startsWith('U21003;'));
    const exported = Number(u21003.split(';')[2].replace(',', '.'));
    assert.equal(String(Math.round(exported)), plain(expected.nyckeltal.U21003).replace(' kr', '').replace(' ', ''));

    // A tablet: the navigation moves above the content.
    await page.setViewportSize({ width: 820, height: 1180 });
    await visit(page, 'enheter');
    await screenshot(page, '10b-enheter-surfplatta');
    await visit(page, 'nyckeltal');
    await screenshot(page, '10c-nyckeltal-surfplatta');
    // At 768 px no view scrolls sideways: a wide table scrolls in its own box.
    await page.setViewportSize({ width: 768, height: 1000 });
    for (const view of ['import', 'kontroll', 'nyckeltal', 'enheter', 'manad', 'ytterfall', 'export']) {
      await visit(page, view);
      const [scroll, client] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
      assert.ok(scroll <= client, `${view} scrolls sideways at 768 px: ${scroll} > ${client}`);
    }
    await visit(page, 'import');
    // File names on one line each: a name breaks only when it cannot fit (was mid-word anywhere).
    const names = await page.locator('th.file-name, .file-card h2').evaluateAll((hs) => hs.map((h) => {
      const range = document.createRange();
      range.selectNodeContents(h.firstChild);
      return [h.firstChild.textContent.trim(), new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size];
    }));
    assert.ok(names.length >= 6, `${names.length} file names`);
    const wrapped = names.filter(([, lines]) => lines > 1).map(([name]) => name);
    assert.deepEqual(wrapped, [], 'file names wrapped at 768 px');
    await screenshot(page, '10d-import-768');
    await page.setViewportSize({ width: 1280, height: 900 });
    await visit(page, 'export');

    // The printable report, on screen and as printed.
    await page.getByTestId('print').click();
    await page.getByTestId('report-status').waitFor();
    assert.match(await page.getByTestId('report-status').innerText(), /Validerad/);
    await check(page, '11-rapport');
    await page.emulateMedia({ media: 'print' });
    await screenshot(page, '12-rapport-utskrift');
    await page.emulateMedia({ media: 'screen' });

    // 2. Real files whose headers are not recognised: map the columns, see the right figures.
    await visit(page, 'start');
    await upload(page, files(path.join(data, 'okanda-rubriker')));
    const card = (name) => page.getByTestId('file-card').filter({ hasText: name });
    const row = (name) => page.getByTestId('file-row').filter({ hasText: name });
    assert.equal(await row('Ekonomiutdrag 2025.csv').getByTestId('file-status').innerText(), 'Behöver kolumnval');
    // The preview shows pseudonyms: personnummer never reach the page.
    assert.match(await card('Brukarlista.csv').locator('.preview').innerText(), /P[A-Z2-9]{10}/);
    assert.ok(!(await page.content()).includes('19380412'), 'a personnummer on the import page');
    assert.equal(await row('Brukarlista.csv').getByTestId('file-status').innerText(), 'Behöver kolumnval');
    await check(page, '13-import-kolumnval');
    await choose(card('Ekonomiutdrag 2025.csv').getByTestId('file-kind'), 'Kostnader', page);
    await choose(card('Ekonomiutdrag 2025.csv').getByTestId('column-ansvar'), 'Kostnadsställe kod', page);
    await choose(card('Ekonomiutdrag 2025.csv').getByTestId('column-verksamhet'), 'Verks.', page);
    await choose(card('Ekonomiutdrag 2025.csv').getByTestId('column-konto'), 'Kontonr', page);
    await choose(card('Brukarlista.csv').getByTestId('column-insats'), 'Tjänst', page);
    await choose(card('Brukarlista.csv').getByTestId('column-enhet'), 'Hemtjänstgrupp', page);
    await choose(card('Brukarlista.csv').getByTestId('column-beviljad'), 'Beviljat antal', page);
    assert.deepEqual(new Set(await page.getByTestId('file-status').allInnerTexts()), new Set(['Inläst']));
    await screenshot(page, '14-import-kolumner-valda');
    const facit = await engineFigures(path.join(data, 'facit'));
    await visit(page, 'nyckeltal');
    assert.equal(plain(await page.getByTestId('kpi-U21003').getByTestId('kpi-value').innerText()).split(' per')[0], plain(facit.nyckeltal.U21003));
    // Personnummer never reach the page.
    assert.ok(!(await page.content()).includes('19380412'), 'a personnummer on the page');

    // Next year: a new visit remembers the choices (only the choices).
    await page.goto(server.url);
    await upload(page, files(path.join(data, 'okanda-rubriker')));
    assert.deepEqual(new Set(await page.getByTestId('file-status').allInnerTexts()), new Set(['Inläst']));
    const stored = await page.evaluate(() => JSON.stringify(localStorage));
    assert.ok(!stored.includes('19380412') && !stored.includes('1 245 300'), 'localStorage holds choices, not data');

    // 3. A file with errors: each error with its file, line and column. (Files chosen are
    // added to those before: first take the others away.)
    await visit(page, 'import');
    await page.getByTestId('clear-files').click();
    await page.getByText('Inga filer är inlästa ännu.').waitFor();
    await upload(page, files(path.join(data, 'fel')));
    await visit(page, 'kontroll');
    for (const group of await page.getByTestId('finding-group').all()) await group.locator('summary').click();
    const findings = plain(await page.locator('.findings').allInnerTexts().then((t) => t.join('\n')));
    assert.match(findings, /"tolv" är inte ett tal\.\n+brukare med fel\.csv, rad 3, kolumn 4 \(Beviljad tid\)/);
    assert.match(findings, /Insatsen "Fotvård" finns inte i katalogen\.\n+brukare med fel\.csv, rad 4, kolumn 2 \(Insats\)/);
    assert.match(findings, /Enhet saknas\.\n+brukare med fel\.csv, rad 5, kolumn 3 \(Enhet\)/);
    await check(page, '15-kontroll-fel');

    // 4. The mapping editor: map the example's missing ansvar, save, and it is placed.
    await visit(page, 'start');
    g = await generation(page);
    await page.getByTestId('example').click();
    await nextReport(page, g);
    await visit(page, 'import');
    const editor = page.getByTestId('mapping-editor');
    await editor.getByTestId('unmapped').getByRole('button', { name: 'Lägg till' }).click();
    const newRow = editor.locator('tbody tr').filter({ has: page.locator('input[aria-label="Ansvar"]') }).last();
    assert.equal(await newRow.locator('input[aria-label="Ansvar"]').inputValue(), '45990');
    await newRow.locator('select[aria-label="Fördelning"]').selectOption('förvaltning');
    g = await generation(page);
    await page.getByTestId('save-mapping').click();
    await nextReport(page, g);
    await check(page, '16-import-mappning');
    await visit(page, 'kontroll');
    assert.ok(!(await page.getByTestId('reconciliation').innerText()).includes('Ansvar som saknas i mappningen'));
    assert.equal(plain(await difference.innerText()), '0,00 kr');

    assert.deepEqual(errors, [], 'errors in the page');
  } finally {
    await browser.close();
    await server.close();
  }
});
