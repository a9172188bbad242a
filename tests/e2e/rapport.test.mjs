// The report for the nämnd, printed to PDF by the browser and read back with PDF.js: the summary
// first (status with who validated and when, the print date, the key figures against last year
// and the comparison as the engine computes them natively, what stands out), A4 pages numbered
// "Sida n av N" with the title and status on each, the sections in a politician's order with the
// method last, and no chart of a single bar.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  serve, launch, dist, out, engineFigures, openExample, loadExampleComparisons, visit, check, watchErrors, plain, readPdf,
} from './harness.mjs';

const squash = (text) => plain(text).replace(/\s+/g, '');
const MONTHS = ['januari', 'februari', 'mars', 'april', 'maj', 'juni', 'juli', 'augusti', 'september', 'oktober', 'november', 'december'];

test('the nämnd report prints as a numbered A4 document, summary first, method last', async () => {
  const example = path.join(dist, 'exempel');
  const comparison = path.join(example, 'jamforelse');
  const references = ['kolada-exempel.json', 'natverk-granvik.json', 'natverk-ekeby.json'].map((f) => path.join(comparison, f));
  const expected = await engineFigures(example, { references, env: { KPB_OWN: '9999', KPB_HISTORY: path.join(comparison, '2024') } });
  const server = await serve();
  const browser = await launch();
  try {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    const errors = watchErrors(page);
    await openExample(page, server.url);

    // Validated, by whom; the day defaults to today.
    await visit(page, 'kontroll');
    await page.getByTestId('status-validated').check();
    await page.getByTestId('validated-by').fill('Anna Ek');
    await page.getByTestId('validated-by').press('Tab');
    const now = new Date();
    const iso = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
    assert.equal(await page.getByTestId('validated-on').inputValue(), iso);

    // Last year and the comparison files: the example's own.
    await loadExampleComparisons(page);

    await visit(page, 'export');
    await page.getByTestId('print').click();
    const summary = page.getByTestId('report-summary');
    await summary.waitFor();

    // The key figures as the engine computes them: value, last year, change, comparison, difference.
    const rows = await page.getByTestId('report-figures').locator('tbody tr').allInnerTexts();
    assert.equal(rows.length, Object.keys(expected.summary.rows).length, rows.join('\n'));
    for (const [id, cells] of Object.entries(expected.summary.rows)) {
      const row = rows.map(plain).find((r) => r.split('\t')[0].endsWith(` ${id}`));
      assert.ok(row, `${id} in the key figures: ${rows.join("\n")}`);
      assert.deepEqual(row.split('\t').slice(1), cells.map(plain), id);
    }
    assert.equal(expected.summary.last_year, 2024);
    const points = (await page.getByTestId('report-points').first().locator('li').allInnerTexts()).map(plain);
    assert.deepEqual(points, expected.summary.points.map(plain));
    assert.equal(points.length, 3);
    // No chart of a single bar.
    const bars = await page.locator('.report-doc svg').evaluateAll((svgs) => svgs.map((s) => s.querySelectorAll('rect.bar').length));
    assert.ok(bars.length >= 5 && bars.every((n) => n >= 2), `bars per chart: ${bars}`);
    await check(page, '50-rapport');
    // On a narrow screen the report's wide tables scroll in their own box, not the page.
    for (const width of [768, 390]) {
      await page.setViewportSize({ width, height: 900 });
      const [scroll, client] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
      assert.ok(scroll <= client, `the report scrolls sideways at ${width} px: ${scroll} > ${client}`);
    }
    await page.setViewportSize({ width: 1280, height: 900 });

    // Printed by the browser, read back page by page.
    await page.emulateMedia({ media: 'print' });
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    await page.emulateMedia({ media: null });
    fs.writeFileSync(path.join(out, '51-rapport.pdf'), pdf);
    const pages = await readPdf(browser, pdf);
    for (const f of fs.readdirSync(out).filter((f) => f.startsWith('51-rapport-sida-'))) fs.rmSync(path.join(out, f));
    pages.forEach((p, i) => fs.writeFileSync(path.join(out, `51-rapport-sida-${i + 1}.png`), p.png));
    const texts = pages.map((p) => squash(p.text));
    const n = pages.length;
    assert.ok(n >= 4 && n <= 12, `${n} pages`);
    const footer = squash(`Kostnad per brukare ${expected.year} – Exempelkommun · Validerad ${iso} av Anna Ek`);
    pages.forEach((p, i) => {
      assert.ok(Math.abs(p.width - 595) < 2 && Math.abs(p.height - 842) < 2, `page ${i + 1} is A4: ${p.width}×${p.height}`);
      assert.ok(texts[i].includes(squash(`Sida ${i + 1} av ${n}`)), `page number on page ${i + 1}`);
      assert.ok(texts[i].includes(footer), `title and status on page ${i + 1}`);
    });
    // The summary is the first page and the whole of it.
    for (const part of ['Exempelkommun', 'Sammanfattning för nämnden', `Status: Validerad ${iso} av Anna Ek`,
      `Utskriven ${now.getDate()} ${MONTHS[now.getMonth()]} ${now.getFullYear()}`, 'Det här sticker ut', ...points,
      expected.summary.rows['KPB-BRUKARE'][0]]) {
      assert.ok(texts[0].includes(squash(part)), `${part} on page 1`);
    }
    const lastKey = Object.values(expected.summary.rows).at(-1);
    assert.ok(texts[0].includes(squash(lastKey.join(''))), 'every key figure on page 1');
    // The sections in order, the method and the reconciliation on the last page.
    const first = (heading) => texts.findIndex((t) => t.includes(squash(heading)));
    const order = ['Enheterna sida vid sida', 'Ytterfall och kostnadsfördelning', 'Jämförelse med andra kommuner', 'Metod och underlag'].map(first);
    assert.ok(order[0] === 1 && order.every((p, i) => i === 0 || p > order[i - 1]), `sections on pages ${order.map((p) => p + 1)}`);
    assert.equal(order[3], n - 1, 'the method on the last page');
    assert.ok(texts[n - 1].includes(squash('Avstämning mot huvudboken')) && texts[n - 1].includes(squash(`Differens ${expected.difference}`)));
    assert.deepEqual(errors, []);

    // A preliminary result says so on every page, with no validation named.
    await visit(page, 'kontroll');
    await page.getByRole('radio', { name: 'Preliminärt' }).check();
    await visit(page, 'export');
    await page.getByTestId('print').click();
    await summary.waitFor();
    assert.match(plain(await page.getByTestId('report-status').innerText()), /^Status: Preliminär\. Siffrorna är inte genomgångna/);
    const preliminary = await readPdf(browser, await page.pdf({ preferCSSPageSize: true }), 0.5);
    assert.ok(preliminary.every((p) => squash(p.text).includes(squash(`Kostnad per brukare ${expected.year} – Exempelkommun · Preliminär`))), preliminary.map((p) => p.text.slice(0, 120)).join("\n"));
  } finally {
    await browser.close();
    await server.close();
  }
});
