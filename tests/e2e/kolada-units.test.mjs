// Quality per unit from Kolada, in headless Chromium: with the example data and its comparison
// files (Kolada's invented units and their unit list), the own enheter are mapped to Kolada's
// units on Kostnad och kvalitet – suggested by name, one mapped by hand – and the mapped units'
// Kolada values appear beside their costs. Only the mapping is remembered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openExample, serve, launch, watchErrors, loadExampleComparisons, visit, check, dist, chartTable } from './harness.mjs';

/** A Kolada unit's hemtjänst survey value (U21504) in the example's comparison file. */
const ouValue = (ou) => JSON.parse(fs.readFileSync(path.join(dist, 'exempel', 'jamforelse', 'kolada-enheter-exempel.json'), 'utf8'))
  .values.find((v) => v.ou === ou && v.kpi === 'U21504').values[0].value;

test('own enheter mapped to Kolada units show Kolada values beside their cost', async () => {
  const server = await serve();
  const browser = await launch();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await openExample(page, server.url);
    await loadExampleComparisons(page);

    await visit(page, 'kvalitet');
    const mapping = page.getByTestId('ou-mapping');
    assert.match(await mapping.innerText(), /Bara kopplingen sparas/);
    // Suggested by name: Hemtjänst Norr is "Hemtjänstgrupp Norr"; Centrumgruppen is not suggested.
    assert.equal(await page.getByTestId('ou-HT-NORR').inputValue(), 'V15E999900101');
    assert.equal(await page.getByTestId('ou-HT-CENTRUM').inputValue(), '');
    const kolada = page.getByTestId('quality-HEMTJ-2');
    assert.match(await kolada.locator('h2').innerText(), /alltid eller oftast bra bemötande/);
    assert.equal(await kolada.locator('svg circle').count(), 3);
    assert.match(await chartTable(kolada), new RegExp(`Hemtjänst Norr\t[\\d ]+ · ${ouValue('V15E999900101')}\n`));
    // The CSV's results stay where they were.
    assert.equal(await page.getByTestId('quality-HEMTJ').locator('svg circle').count(), 4);

    // Mapped by hand: its Kolada value appears, and the choice is remembered (only the choice).
    await page.getByTestId('ou-HT-CENTRUM').selectOption('V15E999900401');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="quality-HEMTJ-2"] svg circle').length === 4);
    assert.match(await chartTable(page.getByTestId('quality-HEMTJ-2')), new RegExp(`Hemtjänst Centrum\t[\\d ]+ · ${ouValue('V15E999900401')}\n`));
    await page.getByTestId('ou-SB-SOL').selectOption('V15E999900601');
    assert.match(
      await page.locator('tr[data-enhet="SB-SOL"]').innerText(),
      /Vald; Kolada har inget värde för enheten 2025\./,
    );
    await page.getByTestId('ou-HT-NORR').selectOption('');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="quality-HEMTJ-2"] svg circle').length === 3);
    const stored = JSON.parse(await page.evaluate(() => localStorage.getItem('kpb.compare.v2')));
    assert.deepEqual(stored.ou_map, { 'HT-CENTRUM': 'V15E999900401', 'HT-NORR': '', 'SB-SOL': 'V15E999900601' });
    const everything = await page.evaluate(() => Object.values(localStorage).join('\n'));
    assert.ok(!everything.includes('Centrumgruppen') && !everything.includes('U21504'), 'no Kolada data stored');
    await check(page, '34-exempel-kolada-enheter');

    // Remembered for the next visit (a new page, the same browser): the choice is there again.
    const again = await context.newPage();
    const againErrors = watchErrors(again);
    await openExample(again, server.url);
    await loadExampleComparisons(again);
    await visit(again, 'kvalitet');
    assert.equal(await again.getByTestId('ou-HT-CENTRUM').inputValue(), 'V15E999900401');
    assert.equal(await again.getByTestId('ou-HT-NORR').inputValue(), '');
    assert.deepEqual(againErrors, []);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await server.close();
  }
});
