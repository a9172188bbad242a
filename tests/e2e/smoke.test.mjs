import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, recordingContext, screenshot, watchErrors } from './harness.mjs';

test('example data gives the hemtjänst figure per unit', async () => {
  const server = await serve();
  const browser = await launch();
  try {
    const { context } = await recordingContext(browser, server.origin);
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(server.url);
    await page.getByTestId('example').click();
    await page.getByTestId('hemtjanst').waitFor();
    const rows = await page.getByTestId('hemtjanst-enhet').allInnerTexts();
    console.log(rows);
    assert.ok(rows.length >= 2);
    await screenshot(page, 'smoke');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await server.close();
  }
});
