// The keyboard alone: the skip link, the example data, choosing files, a change of view, the
// ytterfall list (sorting, pages, one client's insatsmix) and a group of findings – each reached
// with Tab and used with Enter or Space, the focus visible and never dropped to the page's body.
// And the charts' text alternatives: a title and a description that read as sentences.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serve, launch, dist, generation, nextReport, watchErrors, plain, screenshot, listed } from './harness.mjs';

/** What has the focus: tag, test id, text and whether it is inside the content. */
const focused = (page) => page.evaluate(() => {
  const e = document.activeElement;
  return {
    tag: e.tagName,
    id: e.id,
    testid: e.dataset?.testid ?? null,
    text: (e.innerText || e.getAttribute('aria-label') || '').trim().slice(0, 80),
    inMain: !!e.closest('#innehall'),
  };
});

/** Presses Tab (Shift+Tab with `back`: the navigation is before the content) until the focus is
 * on what `match` accepts; how many presses it took. */
async function tabTo(page, what, match, { back = false, max = 150 } = {}) {
  for (let i = 1; i <= max; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    if (match(await focused(page))) return i;
  }
  assert.fail(`${what} not reached with ${max} presses of Tab`);
}

/** The focus is in the content (the view's main element or something in it), not on body. */
async function inContent(page, after) {
  const f = await focused(page);
  assert.ok(f.inMain, `after ${after} the focus is on ${f.tag}#${f.id} "${f.text}", not in the content`);
}

test('the keyboard alone walks the import, a result view and the drill-down', async () => {
  const server = await serve();
  const browser = await launch();
  try {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    const errors = watchErrors(page);
    await page.goto(server.url);
    await page.locator('main').waitFor();

    // The first Tab is the skip link; Enter puts the focus in the content.
    await page.keyboard.press('Tab');
    assert.equal((await focused(page)).text, 'Hoppa till innehållet');
    await page.keyboard.press('Enter');
    assert.equal((await focused(page)).id, 'innehall');

    // The example data, with Enter; the focus lands in the new view's content.
    await tabTo(page, 'the example button', (f) => f.testid === 'example');
    let g = await generation(page);
    await page.keyboard.press('Enter');
    await nextReport(page, g);
    await inContent(page, 'the example loaded');

    // Choosing files: the file input is reached with Tab and its label shows the focus.
    await tabTo(page, 'the navigation to Start', (f) => f.testid === 'nav-start', { back: true });
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.hash === '#/start');
    await inContent(page, 'Start chosen');
    await tabTo(page, 'the file input', (f) => f.testid === 'file-input');
    const ring = await page.evaluate(() => getComputedStyle(document.activeElement.closest('label')).outlineStyle);
    assert.notEqual(ring, 'none', 'the focused file input shows a focus ring on its label');
    await screenshot(page, '60-tangentbord-valj-filer');
    // The browser's file dialog is the system's; the files chosen in it arrive as in a click.
    const example = path.join(dist, 'exempel');
    g = await generation(page);
    await page.locator(':focus').setInputFiles(fs.readdirSync(example).filter((f) => f.endsWith('.csv')).map((f) => path.join(example, f)));
    await nextReport(page, g);
    await page.waitForFunction(() => location.hash === '#/import');
    await inContent(page, 'the files were read');

    // A result view through the navigation.
    await tabTo(page, 'the navigation to Ytterfall', (f) => f.testid === 'nav-ytterfall', { back: true });
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.hash === '#/ytterfall');
    await inContent(page, 'Ytterfall chosen');
    await listed(page, 'ytterfall-list');

    // Sorting by age with Enter: the order turns and the focus stays on the header.
    await tabTo(page, 'the age header', (f) => f.tag === 'BUTTON' && f.text === 'Ålder');
    await page.keyboard.press('Enter');
    const age = page.getByTestId('ytterfall-list').locator('th', { hasText: 'Ålder' });
    assert.equal(await age.getAttribute('aria-sort'), 'descending');
    assert.equal((await focused(page)).text, 'Ålder');
    await page.keyboard.press('Enter');
    assert.equal(await age.getAttribute('aria-sort'), 'ascending');
    await listed(page, 'ytterfall-list');

    // One client's insatsmix with Enter; the focus stays on the client's button.
    await tabTo(page, 'a client', (f) => f.testid === 'client-button');
    const client = (await focused(page)).text;
    await page.keyboard.press('Enter');
    assert.equal(plain(await page.getByTestId('client-detail').locator('h3').first().innerText()), `Brukare ${client}`);
    assert.equal((await focused(page)).text, client);

    // The next page with Enter; the focus stays on the button.
    await tabTo(page, 'the next page', (f) => f.testid === 'ytterfall-list-next');
    await page.keyboard.press('Enter');
    await listed(page, 'ytterfall-list');
    assert.match(plain(await page.getByTestId('ytterfall-list-status').innerText()), /^Visar 26–50 av \d+\.$/);
    assert.equal((await focused(page)).testid, 'ytterfall-list-next');
    await screenshot(page, '61-tangentbord-ytterfall');

    // A group of findings opened with Space.
    await tabTo(page, 'the navigation to Kontroll', (f) => f.testid === 'nav-kontroll', { back: true });
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.hash === '#/kontroll');
    await tabTo(page, 'a group of findings', (f) => f.tag === 'SUMMARY' && f.testid === null && f.inMain);
    const group = page.locator('details:has(> summary:focus)');
    assert.equal(await group.evaluate((d) => d.open), false);
    await page.keyboard.press('Space');
    assert.equal(await group.evaluate((d) => d.open), true);

    // Every chart's text alternative: a title and a description, sentences with figures in them.
    for (const view of ['enheter', 'ytterfall', 'fordelning']) {
      await page.evaluate((v) => { location.hash = `#/${v}`; }, view);
      await page.waitForFunction((v) => location.hash === `#/${v}`, view);
      const charts = await page.locator('main svg[role="img"]').evaluateAll((svgs) => svgs.map((svg) => {
        const parts = (svg.getAttribute('aria-labelledby') ?? '').split(' ').map((id) => document.getElementById(id)?.textContent ?? '');
        return parts;
      }));
      assert.ok(charts.length >= 1, `charts on ${view}`);
      for (const [title, description] of charts) {
        assert.ok(title.length > 5 && description.length > 20, `${view}: "${title}" / "${description}"`);
        assert.match(description, /\d/, `${view}: a description with its figures: ${description}`);
        assert.match(description, /[.)]$/, `${view}: a description ends as a sentence: ${description}`);
        assert.doesNotMatch(`${title} ${description}`, /NaN|undefined|null|[{}→]/, `${view}: ${title} / ${description}`);
      }
    }
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await server.close();
  }
});
