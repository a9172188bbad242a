// The monthly follow-up in headless Chromium with the example data (a monthly ledger with a late
// correction of wages and a month whose volume extract is missing): every insats' rows and the
// flags against the engine run natively on the same files; an earlier month and full cost through
// the view's settings; last year's months beside this year's after the 2024 files are read; one
// enhet's page printed to PDF (one A4 page, nothing else on it); a ledger without months says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  serve, launch, watchErrors, generation, nextReport, plain, root, dist, visit, check, screenshot, engineFigures, openExample, upload,
} from './harness.mjs';

/** The engine's figures for a directory, with the monthly follow-up's settings as environment. */
async function engine(dir, env = {}) {
  return (await engineFigures(dir, { env })).monthly;
}

/** Changes one of the view's settings and waits for the recomputed report. */
async function choose(page, testid, value) {
  const g = await generation(page);
  await page.getByTestId(testid).selectOption(value);
  await nextReport(page, g);
}

/** Every insats' overview rows as the page shows them: "HEMTJ Hemtjänst Norr" → cells. */
async function overview(page) {
  const shown = {};
  const insatser = await page.getByTestId('monthly-insats').locator('option').evaluateAll((os) => os.map((o) => o.value));
  for (const code of insatser) {
    await page.getByTestId('monthly-insats').selectOption(code);
    const table = page.getByTestId(`monthly-${code}`).getByTestId('monthly-overview');
    await table.waitFor();
    const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.innerText)));
    for (const [name, ...cells] of rows) shown[`${code} ${plain(name)}`] = cells.map(plain);
  }
  return shown;
}

const plainRows = (rows) => Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, v.map(plain)]));

/** The unit page's table of one insats: month → cells. */
async function unitMonths(page, code) {
  const rows = await page.getByTestId(`unit-page-${code}`).locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.innerText)));
  return Object.fromEntries(rows.map(([month, ...cells]) => [plain(month), cells.map(plain)]));
}

test('the monthly follow-up', async () => {
  const server = await serve();
  const browser = await launch();
  const example = path.join(dist, 'exempel');
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'sv-SE', acceptDownloads: true });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await openExample(page, server.url);
    await visit(page, 'manad');
    await page.getByTestId('monthly-overview').first().waitFor();

    // The whole year: every row of every insats as the engine has it.
    const year = await engine(example);
    assert.equal(year.through, 12);
    assert.ok(Object.keys(year.rows).length >= 40, `${Object.keys(year.rows).length} rows`);
    assert.deepEqual(await overview(page), plainRows(year.rows));
    // The flags: the missing October of Hemtjänst Centrum, and the wages booked in March on
    // Söder and moved to Norr in June – each with its rows of the ledger.
    const flags = (await page.getByTestId('monthly-flags').getByTestId('monthly-flag').allInnerTexts()).map(plain);
    assert.equal(flags.length, year.flags.length);
    assert.equal(year.flags.length, 4, year.flags.join('\n'));
    for (const message of year.flags) assert.ok(flags.some((f) => f.includes(plain(message))), `${message} in\n${flags.join('\n')}`);
    assert.ok(flags.some((f) => /^Kostnad utan volym Hemtjänst vid Hemtjänst Centrum i oktober: .* Rader: kostnader\.csv rad 938, /.test(f)), flags.join('\n'));
    assert.ok(flags.some((f) => /^Avvikande månad Hemtjänst vid Hemtjänst Söder i mars: .* Rader: kostnader\.csv rad .*\b569\b/.test(f)), flags.join('\n'));
    assert.ok(flags.some((f) => /^Avvikande månad Hemtjänst vid Hemtjänst Norr i juni: .* Rader: kostnader\.csv rad .*\b391\b/.test(f)), flags.join('\n'));
    await page.getByTestId('monthly-insats').selectOption('HEMTJ');
    await check(page, '40-manad');
    // The follow-up as CSV: a row per row of the view and month, and one for the year so far.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('monthly-csv').click()]);
    assert.equal(download.suggestedFilename(), 'KPB 2025 – Månadsuppföljning (preliminär).csv');
    const csv = fs.readFileSync(await download.path(), 'utf8').split('\r\n').filter((l) => l);
    assert.equal(csv[0], '\ufeffInsatskod;Insats;Enhet;Enhetsnamn;Regi;Månad;Kostnadsbas;Kostnad;Volym;Volymenhet;Kr per volymenhet;Rullande 3 mån, kr per volymenhet;Brukare;Kostnad helår, prognos');
    assert.equal(csv.length, 1 + 13 * Object.keys(year.rows).length);
    // Hemtjänst Centrum's October: the cost the engine's flag names, no volume, no unit cost.
    const centrumOctober = csv.find((l) => l.startsWith('HEMTJ;Hemtjänst;HT-CENTRUM;Hemtjänst Centrum;egen regi;2025-10;direkt kostnad;')).split(';');
    const flagged = plain(year.flags.find((f) => f.includes('Centrum i oktober'))).match(/: ([\d ]+) kr i kostnad/)[1].replace(/ /g, '');
    assert.equal(String(Math.round(Number(centrumOctober[7].replace(',', '.')))), flagged);
    assert.deepEqual(centrumOctober.slice(8), ['0', 'timmar', '', '', '0', '']);
    assert.ok(csv.some((l) => l.startsWith('HEMTJ;Hemtjänst;HT-NORR;Hemtjänst Norr;egen regi;Hittills, januari–december 2025;')));

    // The year as it stood at the end of October: projections for the year, on the known volume.
    await choose(page, 'monthly-through', '10');
    const october = await engine(example, { KPB_THROUGH: '10' });
    assert.equal(october.through, 10);
    assert.deepEqual(await overview(page), plainRows(october.rows));
    assert.notEqual(october.rows['HEMTJ Egen regi, alla enheter'][6], '–', 'a projection');
    assert.match(plain(await page.locator('.manad .lead').innerText()), /januari–oktober 2025\. Direkt kostnad:/);
    // Full cost: the common costs allocated on the months so far.
    await choose(page, 'monthly-basis', 'full');
    const full = await engine(example, { KPB_THROUGH: '10', KPB_MONTHLY: 'full' });
    assert.deepEqual(await overview(page), plainRows(full.rows));
    assert.notDeepEqual(full.rows['HEMTJ Hemtjänst Norr'], october.rows['HEMTJ Hemtjänst Norr']);
    assert.match(plain(await page.locator('.manad .lead').innerText()), /Full kostnad: direkt kostnad och gemensamma kostnader, fördelade i proportion till direkt kostnad/);
    await page.getByTestId('monthly-insats').selectOption('HEMTJ');
    await screenshot(page, '41-manad-oktober-full');
    await choose(page, 'monthly-basis', 'direkt');
    await choose(page, 'monthly-through', '12');

    // Last year: the 2024 files beside 2025; the unit page shows 2024's month beside each month.
    const year2024 = path.join(example, 'jamforelse', '2024');
    await visit(page, 'over-tid');
    let g = await generation(page);
    await page.getByTestId('year-input').setInputFiles(fs.readdirSync(year2024).map((f) => path.join(year2024, f)));
    await nextReport(page, g);
    const last = await engine(year2024);
    await visit(page, 'manad');
    await page.getByTestId('unit-page-enhet').selectOption('HT-SODER');
    const title = page.getByTestId('unit-page-title');
    assert.equal(plain(await title.innerText()), 'Månadsrapport Hemtjänst Söder, Exempelkommun');
    const soder = await unitMonths(page, 'HEMTJ');
    const months = ['Januari', 'Februari', 'Mars', 'April', 'Maj', 'Juni', 'Juli', 'Augusti', 'September', 'Oktober', 'November', 'December'];
    assert.deepEqual(Object.keys(soder), [...months, 'Hittills i år']);
    months.forEach((m, i) => {
      assert.equal(soder[m][2], plain(year.months['HEMTJ Hemtjänst Söder'][i]), `${m} 2025`);
      assert.equal(soder[m][5], plain(last.months['HEMTJ Hemtjänst Söder'][i]), `${m} 2024`);
    });
    assert.equal(soder['Hittills i år'][2], plain(year.rows['HEMTJ Hemtjänst Söder'][2]));
    const compare = plain(await page.getByTestId('unit-page').getByTestId('unit-page-compare').first().innerText());
    assert.ok(compare.includes(`Kommunens egen regi: ${plain(year.rows['HEMTJ Egen regi, alla enheter'][2])} kr.`), compare);
    assert.ok(compare.includes(`Hemtjänst Centrum ${plain(year.rows['HEMTJ Hemtjänst Centrum'][2])} kr`), compare);
    // Hemtjänst Centrum's October has cost but no volume: no unit cost, and the flag on its page.
    await page.getByTestId('unit-page-enhet').selectOption('HT-CENTRUM');
    const centrum = await unitMonths(page, 'HEMTJ');
    assert.equal(centrum.Oktober[1], '0');
    assert.equal(centrum.Oktober[2], '–');
    assert.match(plain(await page.getByTestId('unit-page').innerText()), /Kostnad utan volym Hemtjänst vid Hemtjänst Centrum i oktober/);
    await page.getByTestId('unit-page-enhet').selectOption('HT-SODER');
    await check(page, '42-manad-enhetssida');

    // Printed: the enhet's page alone, on one A4 page.
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.getByTestId('monthly-overview').first().isVisible(), false, 'the overview is not printed');
    assert.equal(await page.getByTestId('print-unit-page').isVisible(), false, 'nor the buttons');
    assert.equal(await title.isVisible(), true);
    await page.setViewportSize({ width: 794, height: 1123 });
    await screenshot(page, '43-manad-enhetssida-utskrift');
    const pages = (pdf) => (pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-z])/g) ?? []).length;
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    fs.mkdirSync(path.join(root, 'tests/e2e/out'), { recursive: true });
    fs.writeFileSync(path.join(root, 'tests/e2e/out/43-manad-enhetssida.pdf'), pdf);
    assert.equal(pages(pdf), 1, 'one A4 page');
    await page.emulateMedia({ media: 'screen' });
    await page.setViewportSize({ width: 1280, height: 900 });
    // Every enhet's page fits one A4 page (Personlig assistans has two insatser).
    const enheter = await page.getByTestId('unit-page-enhet').locator('option').evaluateAll((os) => os.map((o) => o.value));
    assert.ok(enheter.length >= 20, `${enheter.length} enheter`);
    for (const code of enheter) {
      await page.getByTestId('unit-page-enhet').selectOption(code);
      await page.emulateMedia({ media: 'print' });
      assert.equal(pages(await page.pdf({ format: 'A4' })), 1, `${code} on one page`);
      await page.emulateMedia({ media: 'screen' });
    }

    // A ledger without a period column: the view says what to do.
    const plainPage = await context.newPage();
    await plainPage.goto(server.url);
    const facit = path.join(root, 'tests/e2e/data/facit');
    await upload(plainPage, fs.readdirSync(facit).map((f) => path.join(facit, f)));
    await visit(plainPage, 'manad');
    assert.match(plain(await plainPage.getByTestId('monthly-none').innerText()), /^Kostnadsfilen har inga månader/);
    await check(plainPage, '44-manad-utan-perioder');

    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await server.close();
  }
});
