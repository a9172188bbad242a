// The Kolada address in headless Chromium: the own municipality picked by name, others found by
// name or group (a group as its members or as the group's mean), the N-KPIs Kolada publishes
// (never a KPB U-KPI), and the address split when more than 25 ids would be in one part.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openExample, serve, launch, watchErrors, visit, check, screenshot, out } from './harness.mjs';

const V3 = 'https://api.kolada.se/v3/data';
// reference::REPRODUCED, in its order: the N-KPIs the engine computes from the own data.
const KPIS = 'N21006,N21009,N21024,N23009,N23007,N23001,N21701,N21704,N23801,N21706,N21806,N28013,N28015,N28008,N25016';
const YEARS = '2023,2024,2025';

const addresses = async (page) => page.getByTestId('kolada-url').evaluateAll((links) => links.map((a) => a.getAttribute('href')));

test('Kolada address: own municipality by name, a network as members, a group, a split', async () => {
  const server = await serve();
  const browser = await launch();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'sv-SE' });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await openExample(page, server.url);
    // Kolada's groups are a file of their own, fetched when a comparison first needs them.
    const groupsFetched = () => server.log.filter((r) => r.url.endsWith('/kolada/kommungrupper.tsv')).length;
    assert.equal(groupsFetched(), 0, 'the groups not fetched with the app');
    await visit(page, 'jamforelse');
    for (let i = 0; i < 100 && groupsFetched() === 0; i++) await page.waitForTimeout(50);
    assert.equal(groupsFetched(), 1, 'the groups fetched once the view is opened');

    // Nothing chosen yet: no address, and no U-KPI offered anywhere in the address part.
    const box = page.locator('details.kolada-address');
    assert.equal(await page.getByTestId('kolada-url').count(), 0);
    assert.match(await page.getByTestId('kolada-none').innerText(), /Välj minst ett nyckeltal och en kommun eller grupp/);
    assert.equal(await page.getByTestId('kpi-summary').innerText(), 'Nyckeltal: 15 av 15 valda');
    assert.doesNotMatch(await box.innerText(), /\bU2\d{4}\b/, 'no U-KPI id in the address part');
    assert.equal(await page.getByTestId('kolada-source').innerText(), 'Källa: Kolada (RKA), katalog, kommunlista och kommungrupper per mars 2026.');

    // The own municipality by name: a part of it gives suggestions, a click picks it.
    await page.getByTestId('own-search').fill('götebo');
    const suggestions = page.getByTestId('own-suggestions');
    assert.deepEqual(await suggestions.getByRole('button').allInnerTexts(), ['Göteborg (1480)']);
    await suggestions.getByRole('button', { name: 'Göteborg (1480)' }).click();
    assert.equal(await page.getByTestId('own-id').inputValue(), '1480');
    assert.equal(await page.getByTestId('own-name').inputValue(), 'Göteborg');
    assert.equal(await page.getByTestId('own-search').inputValue(), 'Göteborg');
    assert.deepEqual(await addresses(page), [`${V3}/kpi/${KPIS}/municipality/1480/year/${YEARS}`]);

    // A name another starts with waits for Enter ("Mark", "Markaryd"); a whole name picks at once.
    await page.getByTestId('own-search').fill('Mark');
    assert.equal(await page.getByTestId('own-id').inputValue(), '1480');
    assert.deepEqual(await suggestions.getByRole('button').allInnerTexts(), ['Mark (1463)', 'Markaryd (0767)']);
    fs.mkdirSync(out, { recursive: true });
    await page.locator('.own-identity').first().screenshot({ path: path.join(out, '39-egen-kommun-forslag.png') });
    await page.getByTestId('own-search').press('Enter');
    assert.equal(await page.getByTestId('own-id').inputValue(), '1463');
    await page.getByTestId('own-search').fill('Okänd stad');
    await page.getByTestId('own-search').press('Enter');
    assert.match(await page.getByTestId('own-unknown').innerText(), /Ingen kommun i Koladas kommunlista heter något med ”Okänd stad”/);
    assert.equal(await page.getByTestId('own-id').inputValue(), '1463', 'an unknown name changes nothing');
    // A four-digit code still works, and names the kommun.
    await page.getByTestId('own-id').fill('1480');
    await page.getByTestId('own-id').press('Tab');
    assert.equal(await page.getByTestId('own-name').inputValue(), 'Göteborg');
    assert.equal(await page.getByTestId('own-search').inputValue(), 'Göteborg');
    assert.equal(await page.getByTestId('own-unknown').count(), 0, 'the message about the unknown name goes');

    // Fyrkommunsnätverket as its four members.
    await page.getByTestId('area-search').fill('fyrkommuns');
    const results = page.getByTestId('area-results');
    assert.equal(await results.locator('li').count(), 1);
    assert.match(await results.innerText(), /Fyrkommunsnätverket\s+grupp, 4 kommuner/);
    await results.getByRole('button', { name: 'Lägg till de 4 kommunerna i Fyrkommunsnätverket' }).click();
    const chips = page.getByTestId('chosen-areas').locator('li.chip > span');
    assert.deepEqual(await chips.allInnerTexts(), ['Nässjö (0682)', 'Falköping (1499)', 'Lindesberg (1885)', 'Borlänge (2081)']);
    assert.deepEqual(await addresses(page), [`${V3}/kpi/${KPIS}/municipality/1480,0682,1499,1885,2081/year/${YEARS}`]);
    await screenshot(page, '40-kolada-adress-natverk');

    // The group's mean too; one KPI unticked.
    await page.getByTestId('area-search').fill('Pendlingskommun nära större stad');
    await page.getByTestId('area-results').getByRole('button', { name: 'Lägg till gruppens medel: Pendlingskommun nära större stad' }).click();
    await page.locator('details.kpi-choice > summary').click();
    await page.getByTestId('kpi-N21806').uncheck();
    assert.equal(await page.getByTestId('kpi-summary').innerText(), 'Nyckeltal: 14 av 15 valda');
    const kpis14 = KPIS.replace('N21806,', '');
    assert.deepEqual(await addresses(page), [`${V3}/kpi/${kpis14}/municipality/1480,0682,1499,1885,2081,G92792/year/${YEARS}`]);
    assert.equal(await page.getByTestId('kolada-split').count(), 0);
    await page.getByTestId('kpi-N21806').check();
    await page.getByRole('button', { name: 'Ta bort Pendlingskommun nära större stad, gruppens medel (G92792)' }).click();

    // Lågpendlingskommun nära större stad as members (24, two already chosen): 27 ids → 25 + 2.
    await page.getByTestId('area-search').fill('lågpendlingskommun nära större');
    await page.getByTestId('area-results').getByRole('button', { name: /Lägg till de 24 kommunerna/ }).click();
    assert.equal(await chips.count(), 26);
    const first = '1480,0682,1499,1885,2081,0382,0562,0583,0760,0763,0881,1293,1315,1452,1485,1491,1762,1781,1860,1882,1983,2181,2305,2326,2404';
    assert.deepEqual(await addresses(page), [
      `${V3}/kpi/${KPIS}/municipality/${first}/year/${YEARS}`,
      `${V3}/kpi/${KPIS}/municipality/2560,2582/year/${YEARS}`,
    ]);
    assert.equal(
      await page.getByTestId('kolada-split').innerText(),
      'Adressen är delad i 2 adresser: Kolada tar högst 25 id per del av adressen, och här är det 15 nyckeltal och 27 kommuner och grupper. Öppna var och en, spara svaren och lägg in alla filerna.',
    );
    const list = page.getByTestId('kolada-urls');
    assert.deepEqual(await list.getByRole('button').allInnerTexts(), ['Kopiera', 'Kopiera']);
    for (const a of await page.getByTestId('kolada-url').all()) {
      assert.equal(await a.getAttribute('target'), '_blank');
      assert.equal(await a.getAttribute('rel'), 'noopener noreferrer');
    }
    assert.match(await page.getByTestId('kolada-pages').innerText(), /Ett långt svar kommer i sidor/);
    assert.doesNotMatch(await box.innerText(), /\bU2\d{4}\b/, 'no U-KPI id in the address part');
    await check(page, '41-kolada-adress-delad');

    // A chip removed; the choice is remembered after a reload.
    await page.getByRole('button', { name: 'Ta bort Borlänge (2081)' }).click();
    assert.equal(await chips.count(), 25);
    await openExample(page, server.url);
    await visit(page, 'jamforelse');
    assert.equal(await chips.count(), 25);
    assert.equal((await addresses(page)).length, 2);
    await page.getByTestId('clear-areas').click();
    assert.deepEqual(await addresses(page), [`${V3}/kpi/${KPIS}/municipality/1480/year/${YEARS}`]);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await server.close();
  }
});
