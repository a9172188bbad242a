// Comparisons in headless Chromium: Kolada answers in the v2 and v3 shapes, a broken Kolada file,
// a network partner's file, a second year of own extracts and quality results; the numbers in the
// comparison views checked against the engine run natively on the same files; axe and a
// screenshot on every comparison view.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  serve, launch, screenshot, watchErrors, generation, nextReport, engineFigures, plain, root, dist, uploadReference, run,
  visit, check, upload, openExample, loadExampleComparisons, chartTable,
} from './harness.mjs';

const kolada = path.join(root, 'tests/e2e/data/kolada');

test('comparison with Kolada, a network partner, another year and quality', async () => {
  // Another year of the own municipality, and a partner municipality, made by the generator.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kpb-e2e-'));
  const year2024 = path.join(tmp, '2024');
  const partner = path.join(tmp, 'partner');
  await run('cargo', ['run', '-q', '-p', 'kpb-gen', '--', '--size', 'example', '--year', '2024', '--out', year2024]);
  await run('cargo', ['run', '-q', '-p', 'kpb-gen', '--', '--size', 'example', '--seed', '7', '--out', partner]);
  const partnerFile = path.join(tmp, 'grannkommun.json');
  fs.writeFileSync(partnerFile, await run('cargo', ['run', '-q', '-p', 'kpb', '--example', 'network', '--', partner, '1234', 'Grannkommun']));
  const koladaFiles = ['kolada-v2-hemtjanst.json', 'kolada-v3-sarskilt-boende.json', 'kolada-kommuner.json'].map((f) => path.join(kolada, f));
  const expected = await engineFigures(path.join(dist, 'exempel'));
  const expectedCompare = (await engineFigures(path.join(dist, 'exempel'), { references: koladaFiles })).compare;
  const expected2024 = await engineFigures(year2024);
  const expectedPartner = await engineFigures(partner);

  const server = await serve();
  const browser = await launch();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(server.url);
    let g = await generation(page);
    await page.getByTestId('example').click();
    await nextReport(page, g);

    // Jämför med andra: the Kolada address, then Kolada's answers.
    await visit(page, 'jamforelse');
    await page.getByTestId('own-id').fill('9999');
    await page.getByTestId('own-id').press('Tab');
    await page.getByTestId('own-name').fill('Exempelkommun');
    await page.getByTestId('own-name').press('Tab');
    // Others found by name or code; the own (9999, not in Kolada) is not asked for.
    for (const [query, name] of [['stockholm', 'Stockholm'], ['1880', 'Örebro'], ['Malmö', 'Malmö']]) {
      await page.getByTestId('area-search').fill(query);
      await page.getByTestId('area-results').getByRole('button', { name: `Lägg till ${name}`, exact: true }).click();
    }
    assert.deepEqual(
      await page.getByTestId('kolada-url').evaluateAll((links) => links.map((a) => a.getAttribute('href'))),
      ['https://api.kolada.se/v3/data/kpi/N21006,N21009,N21024,N23009,N23007,N23001,N21701,N21704,N23801,N21706,N21806,N28013,N28015,N28008,N25016/municipality/0180,1880,1280/year/2023,2024,2025'],
    );
    await uploadReference(page, koladaFiles);
    const table = plain(await page.getByTestId('reference-table').innerText());
    assert.match(table, /kolada-v2-hemtjanst\.json\tKolada-data \(v2\)/);
    assert.match(table, /kolada-v3-sarskilt-boende\.json\tKolada-data \(v3\)/);
    assert.match(table, /kolada-kommuner\.json\tKoladas kommunlista/);
    for (const id of ['U21003', 'U23004']) {
      const block = page.getByTestId(`compare-${id}`);
      const facts = plain(await block.getByTestId('compare-facts').innerText());
      assert.ok(facts.includes(`Plats ${expectedCompare[id].rank} (1 = lägst)`), `${id} rank in ${facts}`);
      assert.ok(facts.includes(`medel ${plain(expectedCompare[id].mean)}`), `${id} mean in ${facts}`);
      assert.ok(plain(await block.getByTestId('potential').innerText()).startsWith(`Potential: ${plain(expectedCompare[id].potential)}`), id);
    }
    const h = page.getByTestId('compare-U21003');
    const bars = await chartTable(h);
    assert.match(bars, /Kalmar\t431\n/);
    assert.match(bars, /Stockholm\t521\n/);
    assert.match(bars, /Liknande kommuner, äldreomsorg \(grupp\)\t476\n/);
    assert.ok(bars.includes(`Exempelkommun (egen)\t${plain(expected.nyckeltal.U21003).replace(' kr', '')}`), bars);
    // K and M values are never compared with the own total.
    assert.ok(!bars.includes('537') && !bars.includes('500\n'), 'gendered values kept apart');
    await check(page, '20-jamforelse');

    // A Kolada table (CSV, a column per year, a title row above): Lund is a municipality,
    // Riket a comparison value outside the mean.
    await uploadReference(page, [path.join(kolada, 'kolada-tabell.csv')]);
    assert.match(plain(await page.getByTestId('reference-table').innerText()), /kolada-tabell\.csv\tKoladatabell\t6/);
    const withTable = await chartTable(h);
    assert.match(withTable, /Lund\t492\n/);
    assert.match(withTable, /Riket\t478\n/);
    assert.ok(plain(await h.getByTestId('compare-facts').innerText()).includes('Plats 3 av 6'), 'Lund counted, Riket not');

    // A broken Kolada file says where.
    await uploadReference(page, [path.join(kolada, 'kolada-trasig.json')]);
    const findings = plain(await page.getByTestId('reference-findings').innerText());
    assert.match(findings, /Filen kolada-trasig\.json är inte giltig JSON/);
    assert.match(findings, /kolada-trasig\.json, rad 3, kolumn \d+/);

    // Nätverk: the own file (no client rows), then a partner's side by side.
    await visit(page, 'natverk');
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-network').click()]);
    const own = JSON.parse(fs.readFileSync(await file.path(), 'utf8'));
    assert.equal(own.format, 'kpb-natverk/1');
    assert.deepEqual(own.municipality, { id: '9999', title: 'Exempelkommun' });
    assert.ok(!JSON.stringify(own).match(/"B\d{6}"/), 'no client ids in the network file');
    assert.equal(Math.round(own.values.find((v) => v.kpi === 'U21003').values[0].value), Number(plain(expected.nyckeltal.U21003).replace(/\D/g, '')));
    await uploadReference(page, [partnerFile]);
    const network = plain(await page.getByTestId('network-table').innerText());
    assert.match(network, /Grannkommun/);
    const row = network.split('\n').find((l) => l.includes('(U21003)'));
    assert.ok(row.includes(plain(expected.nyckeltal.U21003)) && row.includes(plain(expectedPartner.nyckeltal.U21003)), row);
    // Per enhet across the network (own units named with the own name), and the distribution.
    await page.getByTestId('network-unit-kpi').selectOption('U21003');
    const units = page.getByTestId('network-units');
    const unitRows = await chartTable(units);
    assert.ok(unitRows.includes(`Hemtjänst Norr (Exempelkommun)\t${plain(expected.units['HEMTJ Hemtjänst Norr']).replace(' kr', '')}`), unitRows);
    assert.match(unitRows, /\(Grannkommun\)\t\d/);
    const distribution = page.getByTestId('network-distribution');
    const distRows = await chartTable(distribution);
    assert.match(distRows, /Exempelkommun \(egen\)\t\d+,\d %/);
    assert.match(distRows, /Grannkommun\t\d+,\d %/);
    await check(page, '21-natverk');

    // Över tid: another year's extracts beside the main year.
    await visit(page, 'over-tid');
    g = await generation(page);
    await page.getByTestId('year-input').setInputFiles(fs.readdirSync(year2024).map((f) => path.join(year2024, f)));
    await nextReport(page, g);
    assert.equal(await page.getByTestId('years').innerText(), 'Inlästa år: 2024, 2025.');
    const kpiRow = plain(await page.getByTestId('kpi-trends').locator('tr[data-kpi="U21003"]').innerText());
    assert.ok(kpiRow.includes(`${plain(expected2024.nyckeltal.U21003)}\t${plain(expected.nyckeltal.U21003)}`), kpiRow);
    await page.getByTestId('kpi-trends').locator('tr[data-kpi="U23004"] button').click();
    const trend = page.getByTestId('trend-U23004');
    const points = await chartTable(trend);
    assert.ok(points.includes(`Exempelkommun (egen), 2024\t${plain(expected2024.nyckeltal.U23004)}`), points);
    assert.ok(points.includes(`Exempelkommun (egen), 2025\t${plain(expected.nyckeltal.U23004)}`), points);
    assert.match(points, /Stockholm, 2024\t2 201 kr\n/, 'Kolada trend beside the own');
    assert.match(points, /Stockholm, 2025\t2 280 kr/);
    // The unit that swings most, found here from the engine's unrounded unit costs.
    const swings = Object.entries(expected.units_exact)
      .filter(([k]) => expected2024.units_exact[k])
      .map(([k, v]) => [k, Math.abs(v - expected2024.units_exact[k]) / expected2024.units_exact[k]]);
    const [most] = swings.sort((a, b) => b[1] - a[1])[0];
    const swingText = await page.getByTestId('swing').innerText();
    assert.ok(swingText.startsWith(`Störst svängning: ${most.replace(/^\S+ /, '')} (`), `${most} in ${swingText}`);
    assert.match(swingText, /från 2024 till 2025/);
    assert.equal(await page.getByTestId('unit-trends').locator('tr.swinger').count(), 1);
    assert.equal(await page.getByTestId('unit-trend-insats').locator('option:checked').getAttribute('value'), most.split(' ')[0]);
    await check(page, '22-over-tid');
    // The main year's files again are refused, not mixed in.
    await page.getByTestId('year-input').setInputFiles(fs.readdirSync(path.join(dist, 'exempel')).filter((f) => f.endsWith('.csv')).map((f) => path.join(dist, 'exempel', f)));
    assert.match(await page.getByTestId('busy-error').innerText(), /^Filerna gäller 2025, samma år som de redan inlästa\./);
    assert.equal(await page.getByTestId('years').innerText(), 'Inlästa år: 2024, 2025.');

    // Kostnad och kvalitet.
    await visit(page, 'kvalitet');
    await uploadReference(page, [path.join(kolada, 'kvalitet.csv')]);
    const quality = await chartTable(page.getByTestId('quality-HEMTJ'));
    assert.ok(quality.includes(`Hemtjänst Norr\t${plain(expected.units['HEMTJ Hemtjänst Norr']).replace(' kr', '')} · 91`), quality);
    assert.equal(await page.getByTestId('quality-SABO').locator('svg circle').count(), 3);
    await check(page, '23-kvalitet');

    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await server.close();
  }
});

test('the example data shows every comparison view with the example comparison files', async () => {
  const example = path.join(dist, 'exempel');
  const expected = await engineFigures(example);
  const expected2024 = await engineFigures(path.join(example, 'jamforelse', '2024'));
  const server = await serve();
  const browser = await launch();
  try {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    const errors = watchErrors(page);
    await openExample(page, server.url);
    // Only the example data offers the example comparisons; one click loads them all.
    await loadExampleComparisons(page);
    assert.equal(await page.getByTestId('example-comparison').count(), 0, 'offered only until loaded');
    const table = plain(await page.getByTestId('reference-table').innerText());
    for (const f of ['kolada-exempel.json\tKolada-data (v3)', 'natverk-granvik.json\tNätverksfil från Granvik', 'kvalitet-exempel.csv\tKvalitetsresultat per enhet']) {
      assert.ok(table.includes(f), `${f} in ${table}`);
    }
    // The example files read cleanly: only the note that the unit answer has values per Kolada unit.
    const notes = await page.getByTestId('reference-findings').locator('li').allInnerTexts();
    assert.ok(notes.length >= 1, 'the note on the unit answer');
    assert.ok(notes.every((n) => n.includes('kolada-enheter-exempel.json har värden per organisatorisk enhet')), notes.join('\n'));
    // Kolada's figures first: the invented municipalities, their group and Kolada's value for the
    // own municipality beside the own computed one.
    const h = page.getByTestId('compare-N21006');
    const bars = await chartTable(h);
    for (const name of ['Björkby (påhittad)', 'Sjöstad (påhittad)', 'Tallvik (påhittad)', 'Granvik', 'Ekeby', 'Liknande kommuner, påhittad (grupp)', 'Exempelkommun enligt Kolada']) {
      assert.match(bars, new RegExp(`${name.replace(/[()]/g, '\\$&')}\\t\\d`), `${name} in ${bars}`);
    }
    assert.ok(bars.includes(`Exempelkommun (egen)\t${plain(expected.nyckeltal.N21006).replace(' kr', '')}`), bars);
    await h.locator('details.chart-table summary').click();
    assert.match(plain(await h.getByTestId('in-kolada').innerText()), /^Koladas värde för Exempelkommun 2025: [\d ]+ kr\. Räknat ur de egna filerna: /);
    // The overview: one row per nyckeltal with a position, the same position as in its block.
    const overview = plain(await page.getByTestId('compare-overview').locator('tr[data-kpi="N21006"]').innerText());
    const rank = plain(await h.getByTestId('rank').innerText()).match(/Plats (\d+) av (\d+)/);
    assert.ok(overview.includes(`${plain(expected.nyckeltal.N21006)}\t`) && overview.includes(`\t${rank[1]} av ${rank[2]}\t`), overview);
    await check(page, '30-exempel-jamforelse');
    // One kind of nyckeltal at a time: Kolada's first, then the KPB costs per volume unit (the
    // network partners' U-figures), then all.
    const koladaKind = await page.locator('section.kpi-compare').count();
    assert.equal(koladaKind, 15);
    await page.getByTestId('kpi-kind').selectOption('volym');
    const u = page.getByTestId('compare-U21003');
    const uBars = await chartTable(u);
    assert.ok(uBars.includes('Granvik\t') && uBars.includes('Ekeby\t') && !uBars.includes('Björkby'), uBars);
    assert.ok(uBars.includes(`Exempelkommun (egen)\t${plain(expected.nyckeltal.U21003).replace(' kr', '')}`), uBars);
    const perVolume = await page.locator('section.kpi-compare').count();
    await page.getByTestId('kpi-kind').selectOption('alla');
    const all = await page.locator('section.kpi-compare').count();
    assert.ok(perVolume >= 10 && all > perVolume + koladaKind, `${perVolume} of ${all}`);
    assert.equal(await page.getByTestId('compare-U28033').count(), 1, 'kr/brukare among all');

    await visit(page, 'over-tid');
    assert.equal(await page.getByTestId('years').innerText(), 'Inlästa år: 2024, 2025.');
    const row = plain(await page.getByTestId('kpi-trends').locator('tr[data-kpi="U21003"]').innerText());
    assert.ok(row.includes(`${plain(expected2024.nyckeltal.U21003)}\t${plain(expected.nyckeltal.U21003)}`), row);
    await check(page, '31-exempel-over-tid');

    await visit(page, 'natverk');
    const network = plain(await page.getByTestId('network-table').innerText());
    assert.match(network.split('\n')[0], /Exempelkommun\tGranvik\tEkeby/);
    const partners = await page.getByTestId('partner-facts').innerText();
    assert.match(partners, /^Granvik: 2025, validerad, fördelningsnyckel /m);
    // Suppressed values say why: 4 clients with personlig assistans LSS.
    assert.match(network.split('\n').find((l) => l.includes('(U28055)')), /för få brukare\tför få brukare$/);
    await check(page, '32-exempel-natverk');

    await visit(page, 'kvalitet');
    assert.equal(await page.getByTestId('quality-HEMTJ').locator('svg circle').count(), 4);
    assert.equal(await page.getByTestId('quality-SABO').locator('svg circle').count(), 3);
    await check(page, '33-exempel-kvalitet');

    // The printed report carries the comparison overview.
    await visit(page, 'export');
    await page.getByTestId('print').click();
    const inReport = plain(await page.getByTestId('report-comparison').innerText());
    assert.match(inReport, /Jämförelsevärden ur kolada-exempel\.json, natverk-granvik\.json, natverk-ekeby\.json\./);
    assert.ok(inReport.includes(`Kostnad hemtjänst, egen regi, kr/beviljad timme (U21003)\t${plain(expected.nyckeltal.U21003)}\t`), inReport);
    await page.emulateMedia({ media: 'print' });
    await screenshot(page, '34-exempel-rapport-utskrift');
    await page.emulateMedia({ media: 'screen' });

    // At every width the comparison views stay inside the page, and no badge, pill or heading
    // passes its card (wide tables scroll in their own box).
    for (const width of [1024, 768, 390]) {
      await page.setViewportSize({ width, height: 900 });
      for (const view of ['nyckeltal', 'ytterfall', 'jamforelse', 'over-tid', 'natverk', 'kvalitet']) {
        await visit(page, view);
        const bad = await page.evaluate(() => {
          const out = [];
          for (const el of document.querySelectorAll('main .kolada, main .pill, main .badge, main h2, main h3')) {
            const box = el.closest('.kpi-card, .kpi-compare, section, article');
            const r = el.getBoundingClientRect();
            const b = box?.getBoundingClientRect();
            if (b && box !== el && r.width > 0 && (r.right > b.right + 1 || r.left < b.left - 1)) out.push(`"${el.textContent.slice(0, 40)}" passes its card`);
          }
          const [sw, cw] = [document.documentElement.scrollWidth, document.documentElement.clientWidth];
          if (sw > cw) out.push(`the page scrolls sideways: ${sw} > ${cw}`);
          return out;
        });
        assert.deepEqual(bad, [], `${view} at ${width} px`);
      }
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    await visit(page, 'export');
    await page.getByTestId('print').click();

    // Own files after the example: the invented comparison files and identity go.
    await page.getByRole('button', { name: 'Tillbaka' }).click();
    await visit(page, 'start');
    await upload(page, fs.readdirSync(path.join(example, 'jamforelse', '2024')).map((f) => path.join(example, 'jamforelse', '2024', f)));
    await visit(page, 'jamforelse');
    assert.equal(await page.getByTestId('reference-table').count(), 0);
    assert.equal(await page.getByTestId('own-id').inputValue(), '');
    assert.equal(await page.getByTestId('example-comparison').count(), 0, 'not offered with own files');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await server.close();
  }
});

test('a broken Kolada file chosen first says where, and a personnummer in a quality file is not shown', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kpb-e2e-'));
  // A sole trader's organisationsnummer is its owner's personnummer: as a quality file's enhet
  // and in its name.
  const quality = path.join(tmp, 'kvalitet 19400230-1234.csv');
  fs.writeFileSync(quality, 'Enhet;Mått;Värde;År\n19400230-1234;Andel nöjda med hemtjänsten, %;50;2025\n');
  const server = await serve();
  const browser = await launch();
  try {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    const errors = watchErrors(page);
    await openExample(page, server.url);
    await visit(page, 'jamforelse');
    await uploadReference(page, [path.join(kolada, 'kolada-trasig.json')]);
    const findings = plain(await page.getByTestId('reference-findings').innerText());
    assert.match(findings, /Filen kolada-trasig\.json är inte giltig JSON/);
    assert.match(findings, /kolada-trasig\.json, rad 3, kolumn \d+/);
    await uploadReference(page, [quality]);
    for (const slug of ['jamforelse', 'kvalitet', 'natverk']) {
      await visit(page, slug);
      const text = await page.locator('main').innerText();
      assert.doesNotMatch(text, /19400230|400230.?1234/, slug);
    }
    assert.match(plain(await page.getByTestId('reference-table').innerText()), /kvalitet P[A-Z2-9]{10}\.csv/);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await server.close();
  }
});
