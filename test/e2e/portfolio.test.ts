/**
 * The Customers view and the portfolio panel in a real workbench on the sample partner: the view
 * lists the 36 customers; its title bar's "Show Portfolio" opens the heatmap (29 customers × 5
 * categories, a drawn trend line per row, the seven it cannot read below with their reason),
 * whose column headers sort it. Screenshots: test-results/screenshots/customers.png and
 * portfolio-panel.png (the README's).
 */
import * as assert from 'assert';
import { Frame } from 'playwright-core';
import { useSampleWorkbench } from './session';
import { panelFrame, renders, showTable, tableText, waitForRender } from './webviews';
import { focusPane, restMouse, setSideBarWidth, waitForRows } from './workbench';

/** The customer names of the heatmap's rows, top to bottom. */
async function heatmapNames(frame: Frame): Promise<string[]> {
  return frame.evaluate(() => Array.from(document.querySelectorAll('table.heatmap tbody th .customer-name')).map(n => n.textContent ?? ''));
}

async function clickSort(frame: Frame, sort: string): Promise<void> {
  const before = await renders(frame);
  await frame.locator(`table.heatmap button[data-sort="${sort}"]`).click();
  await waitForRender(frame, before);
}

describe('Portfolio panel (sample partner)', function () {
  this.timeout(300_000);
  const session = useSampleWorkbench('portfolio');

  it('Customers view: shows the customers\' rows; its title bar opens the heatmap of the 29 it can read', async function () {
    const { page } = session();
    const pane = await focusPane(page, 'Customers');
    // The first read generates each sample customer's tenant: minutes on a loaded machine.
    await page.waitForFunction(() => document.querySelectorAll('.part.sidebar .pane-body .monaco-list-row[aria-label*="points"]').length >= 20, undefined, { timeout: 240_000 });
    await waitForRows(pane, 20);
    await restMouse(page);
    await session().screenshot('customers');

    await pane.locator('.pane-header').hover();
    await pane.locator('.pane-header .action-label[aria-label="Show Portfolio"]').click();
    await restMouse(page);
    const frame = await panelFrame(page, 'portfolio');
    // Rows stream in; done when every readable customer's five categories are read.
    await frame.waitForFunction(() => {
      const rows = document.querySelectorAll('table.heatmap tbody tr');
      return rows.length === 29 && document.querySelectorAll('table.heatmap td.heat-unknown').length === 0;
    }, undefined, { timeout: 240_000 });
    const names = await heatmapNames(frame);
    assert.equal(names.at(-1), 'Elmhurst Pediatrics', 'worst score first, the best last');
    const elmhurst = await frame.evaluate(() => {
      const row = Array.from(document.querySelectorAll('table.heatmap tbody tr')).find(tr => tr.querySelector('.customer-name')?.textContent === 'Elmhurst Pediatrics')!;
      return Array.from(row.querySelectorAll('td[data-category]')).map(td => `${td.getAttribute('data-category')} ${td.textContent} ${td.className}`);
    });
    assert.deepEqual(elmhurst, ['Identity 66% num heat heat-3', 'Data 85% num heat heat-4', 'Device 69% num heat heat-3', 'Apps 64% num heat heat-3', 'Infrastructure 87% num heat heat-4']);
    // Every row's trend line is drawn (pixels on its canvas), not just laid out.
    const drawn = await frame.evaluate(() => Array.from(document.querySelectorAll<HTMLCanvasElement>('canvas.sparkline')).map(c => {
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < data.length; i += 4) {
        n += data[i] > 0 ? 1 : 0;
      }
      return n;
    }));
    assert.equal(drawn.length, 29);
    assert.ok(drawn.every(n => n > 20), `pixels per sparkline: ${drawn.join(', ')}`);
    const blocked = await tableText(frame, 'section.list[data-list="portfolio-blocked"]');
    assert.deepEqual(blocked.header, ['Customer', 'Tenant id', 'Reason']);
    assert.deepEqual(blocked.rows.map(r => r[0]), ['Contour Orthodontics', 'Glenwood Pediatrics', 'Litware Environmental Services', 'Litware Travel', 'Pinecrest Solar', 'VanArsdel Printing', 'Wexford Architects']);
    assert.match(blocked.rows.find(r => r[0] === 'Wexford Architects')![2], /AADSTS65001/);
    assert.equal(await frame.evaluate(() => document.body.dataset.cspViolations), undefined, 'nothing blocked by the content security policy');
    // The heatmap gets the width for the README's screenshot.
    await setSideBarWidth(page, 300);
    await page.waitForTimeout(500);
    await session().screenshot('portfolio-panel');
  });

  it('sorts by a column header, the same header again turns the order around, and the table holds the numbers', async function () {
    const { page } = session();
    const frame = await panelFrame(page, 'portfolio');
    await clickSort(frame, 'name');
    assert.deepEqual((await heatmapNames(frame)).slice(0, 2), ['Alpine Ski House Pharmacy', 'Beaumont Tool & Die']);
    assert.equal(await frame.locator('table.heatmap th[aria-sort="ascending"] button').getAttribute('data-sort'), 'name');
    await clickSort(frame, 'name');
    assert.equal((await heatmapNames(frame))[0], 'Yarrow Consulting');
    await clickSort(frame, 'change30');
    const changes = await frame.evaluate(() => Array.from(document.querySelectorAll('table.heatmap tbody tr')).map(tr => tr.children[7].textContent ?? ''));
    const numbers = changes.map(t => Number(t.replace('−', '-').replace('±', '')));
    assert.deepEqual([...numbers].sort((x, y) => x - y), numbers, `30-day changes, biggest drop first: ${changes.join(' ')}`);
    await clickSort(frame, 'score');
    await showTable(frame, 'portfolio-heatmap');
    const table = await tableText(frame, 'section.card[data-card="portfolio-heatmap"] .table-box');
    assert.equal(table.rows.length, 29);
    assert.deepEqual(table.header.slice(0, 6), ['Customer', 'Tenant id', 'Score', 'Points', 'Maximum', 'Identity %']);
    assert.equal(table.rows.at(-1)![0], 'Elmhurst Pediatrics');
    assert.equal(table.rows.at(-1)![2], '68.71%');
  });
});
