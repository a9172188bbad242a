// Kolada as it is in 2026, in headless Chromium: a v3 answer for N-KPIs in two pages (the first
// asks for the second, which is then read), a deleted value, null values, a group id named from
// the shipped list, and Kolada's web table download with titles and names (a group by its title,
// an unknown title and an unknown name named by row and column). The own figures computed by Kolada's definitions, Kolada's
// own value beside them, the mean, rank and potential are checked against the engine run natively
// on the same files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  openExample,
  serve, launch, watchErrors, plain, root, dist, uploadReference, engineFigures, visit, check, chartTable,
} from './harness.mjs';

const kolada = path.join(root, 'tests/e2e/data/kolada');
const page1 = path.join(kolada, 'kolada-v3-n-sida1.json');
const page2 = path.join(kolada, 'kolada-v3-n-sida2.json');
const table = path.join(kolada, 'kolada-webbtabell.csv');

test("Kolada's N-KPIs: pages, deleted and null values, the web table, the own value in Kolada", async () => {
  const expected = await engineFigures(path.join(dist, 'exempel'), { references: [page1, page2, table], env: { KPB_OWN: '9999' } });
  const server = await serve();
  const browser = await launch();
  try {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    const errors = watchErrors(page);
    await openExample(page, server.url);

    // The own figures by Kolada's definitions, first among the nyckeltal.
    await visit(page, 'nyckeltal');
    const first = page.locator('section.kpi-group').first();
    assert.match(await first.locator('h2').innerText(), /^Koladas nyckeltal/);
    for (const [id, per] of [['N21006', 'per brukare'], ['N23009', 'per brukare'], ['N28013', 'per brukare'], ['N25016', 'per invånare']]) {
      assert.notEqual(expected.nyckeltal[id] ?? null, null, `${id} has a value`);
      const shown = plain(await page.getByTestId(`kpi-${id}`).getByTestId('kpi-value').innerText());
      assert.equal(shown, `${plain(expected.nyckeltal[id])} ${per}`, id);
    }
    await page.getByTestId('kpi-N21006').locator('details summary').click();
    assert.match(await page.getByTestId('kpi-N21006').getByTestId('kpb-beside').innerText(), /U21003/);

    await visit(page, 'jamforelse');
    await page.getByTestId('own-id').fill('9999');
    await page.getByTestId('own-id').press('Tab');
    await page.getByTestId('own-name').fill('Exempelkommun');
    await page.getByTestId('own-name').press('Tab');

    // The first page asks for the next, by its address; the tool fetches nothing.
    await uploadReference(page, [page1]);
    let findings = plain(await page.getByTestId('reference-findings').innerText());
    assert.ok(findings.includes('är en sida av flera') && findings.includes('year/2025?page=2&per_page=9'), findings);

    // The second page and the web table: the page is satisfied; the table's bad rows are named.
    await uploadReference(page, [page2, table]);
    findings = plain(await page.getByTestId('reference-findings').innerText());
    assert.ok(!findings.includes('är en sida av flera'), findings);
    assert.match(findings, /1 post som Kolada har tagit bort \(isdeleted\)/);
    assert.match(findings, /kolada-webbtabell\.csv, rad 6, kolumn 1 \(Nyckeltal\)/);
    assert.match(findings, /kolada-webbtabell\.csv, rad 7, kolumn 2 \(Kommun\/Landsting\)/);
    const files = plain(await page.getByTestId('reference-table').innerText());
    assert.match(files, /kolada-webbtabell\.csv\tKoladatabell\t5/);

    // Kolada's figures are shown first, each with Kolada's value for the own municipality.
    const n21006 = page.getByTestId('compare-N21006');
    const inKolada = plain(await n21006.getByTestId('in-kolada').innerText());
    assert.equal(
      inKolada,
      plain(`Koladas värde för Exempelkommun 2025: ${expected.compare.N21006.in_kolada}. Räknat ur de egna filerna: ${expected.nyckeltal.N21006}, skillnad ${expected.compare.N21006.difference} (${inKolada.match(/\(([^)]*%)\)/)[1]}).`),
    );
    assert.equal(await n21006.getByTestId('kolada-difference').count(), 1, 'the difference explained');
    assert.match(plain(await n21006.getByTestId('kpb-beside').innerText()), /^Bredvid KPB: U21003 /);
    assert.match(plain(await page.getByTestId('compare-N21701').getByTestId('in-kolada').innerText()), new RegExp(`skillnad ${plain(expected.compare.N21701.difference).replace(/[().]/g, '\\$&')}\\.$`));
    // Kolada has no value for the own LSS boende: said, with Kolada's status.
    assert.match(plain(await page.getByTestId('compare-N28013').getByTestId('in-kolada').innerText()), /^Kolada har inget värde för Exempelkommun 2025 \(Saknas\)\.$/);

    // Group named from the shipped list, shown but not counted; the deleted value is not shown.
    const bars = await chartTable(n21006);
    assert.match(bars, /Pendlingskommun nära större stad \(ovägt medel\) \(grupp\)\t171 000/);
    assert.match(bars, /Stockholm\t139 800/);
    assert.ok(!bars.includes('999 999'), bars);

    // The overview: own, mean, rank and potential as the engine computes them.
    for (const id of ['N21006', 'N23009', 'N25016']) {
      const row = plain(await page.getByTestId('compare-overview').locator(`tr[data-kpi="${id}"]`).innerText());
      const e = expected.compare[id];
      assert.ok(row.includes(`\t${plain(expected.nyckeltal[id])}\t${plain(e.mean)}\t${e.rank}\t`), `${id}: ${row}`);
      // No potential where the own cost is not above the mean: a dash.
      assert.ok(row.endsWith(e.potential === '0 kr' ? '\t–' : `\t${plain(e.potential)}`), `${id}: ${row}`);
    }
    assert.deepEqual(['N21006', 'N23009', 'N25016'].map((id) => expected.compare[id].potential !== '0 kr'), [true, false, false], 'a potential and none');
    // The web table's N25016 (Stockholm, Malmö; Riket and a group named by its title beside)
    // compares like the API's values. (The worker knows the group's title from Kolada's list of
    // groups, which it fetches before it reads comparison files.)
    assert.equal(expected.compare.N25016.rank, '1 av 3');
    const n25016 = page.getByTestId('compare-N25016');
    assert.match(await chartTable(n25016), /Pendlingskommun nära större stad \(ovägt medel\) \(grupp\)\t5 100/);
    await check(page, '40-kolada-jamforelse');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    server.close();
  }
});
