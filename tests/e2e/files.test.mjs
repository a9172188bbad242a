// Real files, first time right, in the real page: files chosen in two goes are added; the same
// ledger twice is refused and can be removed; a workbook with a cell at XFD1048576 and a file
// with a 10 MB line are read while the page stays responsive, and end in clear messages; and a
// corpus full of personnummer, in every spelling and every column (and a file name), leaves no
// personnummer in the text of any view or in any export.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  serve, launch, screenshot, watchErrors, generation, nextReport, unzip, engineFigures, plain, root, dist,
  visit, upload, openAll,
} from './harness.mjs';

const example = path.join(dist, 'exempel');
const at = (dir, names) => names.map((n) => path.join(dir, n));

async function download(page, click) {
  const failed = page.getByTestId('busy-error').waitFor({ timeout: 30000 }).then(async () => {
    throw new Error(`no download: ${await page.getByTestId('busy-error').innerText()}`);
  }, () => new Promise(() => {}));
  const [file] = await Promise.race([Promise.all([page.waitForEvent('download'), click()]), failed]);
  return { name: file.suggestedFilename(), bytes: fs.readFileSync(await file.path()) };
}

/** The personnummer planted below, as the ten (or nine) digits that identify them. */
const CORES = ['1212121212', '4002301234', '0501011233', '501011233', '7010632391'];

/**
 * Whether a text holds one of the planted personnummer in any spelling: every run of digits
 * with separators between them, without the separators. (Independent of the engine's matcher.)
 */
function personnummerIn(text) {
  for (const run of text.match(/\d(?:[\s\-–—−/.'+"=]{0,3}\d)*/g) ?? []) {
    const digits = run.replace(/\D/g, '');
    const hit = CORES.find((c) => digits.includes(c));
    if (hit) return `${hit} in "${run}"`;
  }
  return null;
}

/** Every view's text, one after another. */
async function allViews(page) {
  const texts = {};
  for (const slug of ['import', 'kontroll', 'installningar', 'nyckeltal', 'enheter', 'ytterfall', 'fordelning', 'brukarmix', 'export', 'jamforelse', 'over-tid', 'natverk', 'kvalitet']) {
    await visit(page, slug);
    // Open every "how was this computed" and every finding, so that their text is there too.
    await openAll(page);
    texts[slug] = await page.locator('body').innerText();
  }
  return texts;
}

test('files in two goes, twice, broken; no personnummer in any view or export', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kpb-filer-'));
  const server = await serve();
  const browser = await launch();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'sv-SE', acceptDownloads: true });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(server.url);
    await page.getByTestId('example').waitFor();
    const expected = await engineFigures(example);

    // 1. Two goes: the ledger and its mappings, then the case system's files. Both sets stay.
    await upload(page, at(example, ['kostnader.csv', 'mappning.csv', 'konton.csv']));
    assert.equal(await page.getByTestId('file-row').count(), 3);
    await upload(page, at(example, ['brukare.csv', 'platser.csv', 'befolkning.csv']));
    assert.equal(await page.getByTestId('file-row').count(), 6);
    assert.deepEqual(new Set(await page.getByTestId('file-status').allInnerTexts()), new Set(['Inläst']));
    await visit(page, 'nyckeltal');
    assert.equal(plain(await page.getByTestId('kpi-U21003').getByTestId('kpi-value').innerText()).split(' per')[0],
      plain(expected.nyckeltal.U21003), 'the same figures as all files at once');

    // 2. The same ledger again, as a browser names a second download: refused, not doubled.
    const again = path.join(tmp, 'kostnader (1).csv');
    fs.copyFileSync(path.join(example, 'kostnader.csv'), again);
    await visit(page, 'import');
    await upload(page, [again]);
    const row = (name) => page.getByTestId('file-row').filter({ hasText: name });
    assert.equal(await row('kostnader (1).csv').getByTestId('file-status').innerText(), 'Dubblett, läses inte');
    await screenshot(page, 'filer-dubblett');
    await visit(page, 'kontroll');
    await openAll(page);
    assert.match(plain(await page.locator('body').innerText()), /Filen kostnader \(1\)\.csv har samma innehåll som kostnader\.csv; den läses inte/);
    assert.equal(plain(await page.getByTestId('difference').locator('td').first().innerText()), plain(expected.difference));
    const ledger = plain(await page.getByTestId('reconciliation').locator('tr.total').first().innerText());
    // Removed again: six files, none refused.
    await visit(page, 'import');
    let g = await generation(page);
    await row('kostnader (1).csv').getByTestId('remove-file').click();
    await nextReport(page, g);
    assert.equal(await page.getByTestId('file-row').count(), 6);
    await visit(page, 'kontroll');
    assert.equal(plain(await page.getByTestId('reconciliation').locator('tr.total').first().innerText()), ledger);

    // 2b. Another ledger under the same name (the first half year, from another folder): it
    //     replaces the one chosen before, and the page says so; the first again puts it back.
    fs.mkdirSync(path.join(tmp, 'halvår'));
    const half = path.join(tmp, 'halvår', 'kostnader.csv');
    const lines = fs.readFileSync(path.join(example, 'kostnader.csv'), 'utf8').split('\n');
    fs.writeFileSync(half, lines.slice(0, 1000).join('\n') + '\n');
    await visit(page, 'import');
    await upload(page, [half]);
    assert.equal(await page.getByTestId('file-row').count(), 6);
    assert.match(plain(await page.getByTestId('replaced-files').innerText()),
      /^kostnader\.csv ersatte filen med samma namn som valdes förut; den tidigare läses inte längre\./);
    await screenshot(page, 'filer-samma-namn');
    await upload(page, at(example, ['kostnader.csv']));
    await visit(page, 'kontroll');
    assert.equal(plain(await page.getByTestId('reconciliation').locator('tr.total').first().innerText()), ledger);

    // 3. A workbook with one cell at XFD1048576, and a ledger with a 10 MB line: read while the
    //    page answers, each with a clear message naming the line.
    const long = path.join(tmp, 'kostnader lång rad.csv');
    fs.writeFileSync(long, `Ansvar;Verksamhet;Konto;Belopp\n41010;510;5011;1000\n41010;510;5011;${'9'.repeat(10 * 1024 * 1024)}\n41010;510;5012;2000\n`);
    const far = path.join(root, 'crates/kpb/tests/data/bad/langt-bort.xlsx');
    await visit(page, 'import');
    g = await generation(page);
    await page.getByTestId('file-input').setInputFiles([long, far]);
    // The page keeps answering while the worker reads: no round trip to it takes a second.
    let slowest = 0;
    while (Number(await page.locator('main').getAttribute('data-generation')) <= g) {
      const start = Date.now();
      await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => done())));
      slowest = Math.max(slowest, Date.now() - start);
      await page.waitForTimeout(20);
    }
    assert.ok(slowest < 1000, `the page froze for ${slowest} ms`);
    assert.equal(await row('kostnader lång rad.csv').getByTestId('file-status').innerText(), 'Inläst');
    assert.equal(plain(await row('kostnader lång rad.csv').locator('td').nth(3).innerText()), '1', 'one row not used');
    assert.equal(await row('langt-bort.xlsx').getByTestId('file-status').innerText(), 'Inläst');
    await screenshot(page, 'filer-lang-rad-och-langt-bort');
    await visit(page, 'kontroll');
    await openAll(page);
    const findings = plain(await page.locator('.findings').allInnerTexts().then((t) => t.join('\n')));
    assert.match(findings, /Raden är 10 485 7\d\d tecken lång, längre än någon rad i ett utdrag kan vara; den lästes inte\.\n+kostnader lång rad\.csv, rad 3/);
    assert.match(findings, /Raden har 16 384 fält men rubriken har 4; den räknas inte\.\n+langt-bort\.xlsx, blad \S+, rad 1 048 576|langt-bort\.xlsx, blad \S+, rad 1048576/);
    await screenshot(page, 'filer-kontroll-lang-rad');

    // 4. Personnummer in every spelling, in every column and in a file name.
    const spellings = ['19121212-1212', '19121212–1212', '19121212/1212', '12-12-12-1212', "'191212121212",
      '191212121212.0', '"=""191212121212"""', '19400230-1234', '501011233', '050101-1233', '19701063-2391',
      '1912 12 12 1212', '121212+1212'];
    const pnrDir = path.join(tmp, 'pnr');
    fs.mkdirSync(pnrDir);
    let brukare = 'Brukare;Födelseår;Kön;Insats;Enhet;Volym;Period\n';
    let kostnader = 'Ansvar;Verksamhet;Konto;Belopp;Brukare\n41010;510;5011;1 000 000,00;\n';
    spellings.forEach((p, i) => {
      brukare += `${p};1940;K;Hemtjänst;HT-NORR;${10 + i};2025-01\n`;
      brukare += `B${i};1940;K;Hemtjänst;${p};5;2025-01\n`;
      brukare += `B${i};1940;K;Fotvård ${p};HT-NORR;5;2025-01\n`;
      kostnader += `${p};510;5011;100;\n41010;510;${p};100;\n41010;510;5011;100;${p}\n`;
    });
    fs.writeFileSync(path.join(pnrDir, 'brukare.csv'), brukare);
    fs.writeFileSync(path.join(pnrDir, 'kostnader.csv'), kostnader);
    fs.writeFileSync(path.join(pnrDir, '19121212-1212.csv'), 'Ansvar;Konto;Belopp\n41010;5011;1\n');
    for (const f of ['mappning.csv', 'konton.csv']) fs.copyFileSync(path.join(example, f), path.join(pnrDir, f));
    await visit(page, 'import');
    await page.getByTestId('clear-files').click();
    await page.getByText('Inga filer är inlästa ännu.').waitFor();
    await upload(page, fs.readdirSync(pnrDir).map((f) => path.join(pnrDir, f)));
    assert.equal(await page.getByTestId('file-row').count(), 5);
    const texts = await allViews(page);
    // Every file's preview was opened and read (they are built only once opened).
    assert.equal(texts.import.match(/Förhandsvisning av de första raderna/g)?.length, 5);
    for (const [view, text] of Object.entries(texts)) {
      const found = personnummerIn(text);
      assert.equal(found, null, `a personnummer in the view ${view}: ${found}`);
    }
    await visit(page, 'export');
    const exports = [await download(page, () => page.getByTestId('export-xlsx').click())];
    // Every table as CSV. Chromium lets one page start only so many downloads in a row: the
    // rest from a fresh page with the same files.
    const tables = await page.locator('[data-testid^="csv-"]').evaluateAll((bs) => bs.map((b) => b.dataset.testid));
    let from = page;
    for (const [i, id] of tables.entries()) {
      if (i > 0 && i % 8 === 0) {
        from = await (await browser.newContext({ locale: 'sv-SE', acceptDownloads: true })).newPage();
        await from.goto(server.url);
        await from.getByTestId('example').waitFor();
        await upload(from, fs.readdirSync(pnrDir).map((f) => path.join(pnrDir, f)));
        await visit(from, 'export');
      }
      exports.push(await download(from, () => from.getByTestId(id).click()));
    }
    assert.equal(exports.length, tables.length + 1);
    assert.ok(tables.length >= 15, `${tables.length} tables`);
    for (const file of exports) {
      const parts = file.name.endsWith('.xlsx') ? Object.values(await unzip(file.bytes)) : [file.bytes];
      for (const part of parts) {
        const found = personnummerIn(part.toString('utf8'));
        assert.equal(found, null, `a personnummer in the export ${file.name}: ${found}`);
      }
    }
    assert.deepEqual(errors, [], 'errors in the page');
  } finally {
    await browser.close();
    await server.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
