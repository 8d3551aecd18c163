/**
 * Helpers for webview panels in the workbench. A webview is two nested iframes: the workbench's
 * host frame (pre/index.html) and, inside it, the extension's page (`#active-frame`). Playwright
 * sees every frame; the page of a Security Posture panel is the one whose body has data-panel.
 */
import { Frame, Page } from 'playwright-core';

/** The page frame of a panel (secureScore, partner, whatChanged, whatIf, honesty), once it rendered a model. */
export async function panelFrame(page: Page, kind: string, { minRenders = 1, timeout = 60_000 } = {}): Promise<Frame> {
  const deadline = Date.now() + timeout;
  for (;;) {
    for (const frame of page.frames()) {
      const renders = await frame.evaluate(k => (document.body?.dataset.panel === k ? Number(document.body.dataset.renders ?? 0) : -1), kind).catch(() => -1);
      if (renders >= minRenders) {
        return frame;
      }
    }
    if (Date.now() > deadline) {
      throw new Error(`panel ${kind} did not render (frames: ${page.frames().length})`);
    }
    await page.waitForTimeout(200);
  }
}

export async function renders(frame: Frame): Promise<number> {
  return frame.evaluate(() => Number(document.body.dataset.renders ?? 0));
}

/** Waits until the page rendered a model more often than `before` times. */
export async function waitForRender(frame: Frame, before: number, timeout = 30_000): Promise<void> {
  await frame.waitForFunction(n => Number(document.body.dataset.renders ?? 0) > n, before, { timeout });
}

/** Pixels of a card's canvas that are not transparent (a drawn chart has thousands). */
export async function drawnPixels(frame: Frame, card: string): Promise<number> {
  return frame.evaluate(id => {
    const canvas = document.querySelector(`canvas[data-card-id="${id}"]`) as HTMLCanvasElement | null;
    if (!canvas || canvas.width === 0 || canvas.height === 0) {
      return 0;
    }
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let count = 0;
    for (let i = 3; i < data.length; i += 4) {
      if (data[i] > 0) {
        count++;
      }
    }
    return count;
  }, card);
}

/** Waits until a card's canvas has drawn pixels (charts draw after layout and animation). */
export async function waitForPixels(frame: Frame, card: string, min = 500, timeout = 20_000): Promise<number> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const pixels = await drawnPixels(frame, card);
    if (pixels >= min) {
      return pixels;
    }
    if (Date.now() > deadline) {
      throw new Error(`the chart of ${card} drew ${pixels} pixels`);
    }
    await frame.page().waitForTimeout(100);
  }
}

/** The ids of the chart cards of the panel. */
export async function cardIds(frame: Frame): Promise<string[]> {
  return frame.evaluate(() => Array.from(document.querySelectorAll('section.card')).map(s => s.getAttribute('data-card') ?? ''));
}

export interface TableText {
  header: string[];
  rows: string[][];
}

/** The table of a card or list, as the texts a reader gets. */
export async function tableText(frame: Frame, selector: string): Promise<TableText> {
  return frame.evaluate(sel => {
    // Not the legend uPlot draws under a line chart (a table as well).
    const table = document.querySelector(`${sel} table:not(.u-legend)`) as HTMLTableElement | null;
    if (!table) {
      return { header: [], rows: [] };
    }
    const text = (cell: Element) => (cell.textContent ?? '').trim();
    return {
      header: Array.from(table.querySelectorAll('thead th')).map(text),
      rows: Array.from(table.querySelectorAll('tbody tr')).map(tr => Array.from(tr.children).map(text)),
    };
  }, selector);
}

/** Turns on the "Table" toggle of a card and waits until its table shows. */
export async function showTable(frame: Frame, card: string): Promise<void> {
  const section = frame.locator(`section.card[data-card="${card}"]`);
  const box = section.locator('.table-box');
  if (await box.isHidden()) {
    await section.locator('vscode-checkbox[data-role="table-toggle"]').click();
  }
  await box.waitFor({ state: 'visible', timeout: 10_000 });
}

/** Clicks a radio of the range switch (7, 30, 90, all) and waits for the new model. */
export async function setRange(frame: Frame, range: string): Promise<void> {
  const before = await renders(frame);
  await frame.locator(`vscode-radio[value="${range}"]`).click();
  await waitForRender(frame, before);
}

/** A pixel fingerprint of a canvas: changes when the chart is drawn in other colours. */
export async function canvasDigest(frame: Frame, card: string): Promise<string> {
  return frame.evaluate(id => {
    const canvas = document.querySelector(`canvas[data-card-id="${id}"]`) as HTMLCanvasElement;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let hash = 0;
    for (let i = 0; i < data.length; i += 16) {
      hash = (hash * 31 + data[i]) | 0;
    }
    return `${canvas.width}x${canvas.height}:${hash}`;
  }, card);
}
