/**
 * Page helpers for the VS Code workbench (1.100) as code-server serves it. Selectors
 * follow the workbench's DOM and ARIA: activity bar actions, view panes with their
 * `.pane-header`, tree rows (`.monaco-list-row` with aria-label / aria-expanded), the
 * context menu and the quick input.
 */
import { Locator, Page } from 'playwright-core';

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Waits until the workbench is laid out and the remote extension host is connected. */
export async function waitForWorkbench(page: Page, timeout = 90_000): Promise<void> {
  await page.locator('.monaco-workbench .part.activitybar').waitFor({ state: 'visible', timeout });
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout });
}

/** Opens a view container from the activity bar by its title, e.g. "Security Posture". */
export async function openViewContainer(page: Page, title: string, timeout = 60_000): Promise<void> {
  const item = page.locator(`.part.activitybar .action-item .action-label[aria-label^="${title}"]`);
  await item.first().waitFor({ state: 'visible', timeout });
  const checked = await item.first().evaluate(el => el.closest('.action-item')?.classList.contains('checked') ?? false);
  if (!checked) {
    await item.first().click();
  }
  await page.locator('.part.sidebar .composite.title').filter({ hasText: new RegExp(escape(title), 'i') }).waitFor({ timeout });
  await restMouse(page);
}

/** Drags the sash on the side bar's right edge so the side bar is `width` pixels wide. */
export async function setSideBarWidth(page: Page, width: number): Promise<void> {
  const sideBar = await page.locator('.part.sidebar').boundingBox();
  if (!sideBar) {
    throw new Error('the side bar is not visible');
  }
  const edge = sideBar.x + sideBar.width;
  const sashes = await page.locator('.monaco-sash.vertical').all();
  for (const sash of sashes) {
    const box = await sash.boundingBox();
    if (box && Math.abs(box.x + box.width / 2 - edge) <= 4 && box.height > sideBar.height / 2) {
      const y = box.y + box.height / 2;
      await page.mouse.move(box.x + box.width / 2, y);
      await page.mouse.down();
      await page.mouse.move(sideBar.x + width, y, { steps: 8 });
      await page.mouse.up();
      await restMouse(page);
      return;
    }
  }
  throw new Error('no sash on the side bar edge');
}

/** The view pane (header + body) whose title is `title`; the header's aria-label is "<title>[ - <description>] Section". */
export function viewPane(page: Page, title: string): Locator {
  return page.locator('.part.sidebar .pane').filter({
    has: page.locator(`.pane-header`, { has: page.locator('h3.title', { hasText: new RegExp(`^${escape(title)}$`, 'i') }) }),
  });
}

export async function paneDescription(pane: Locator): Promise<string> {
  return (await pane.locator('.pane-header').getAttribute('aria-label')) ?? '';
}

/** Shows only this view of its container: collapses the other panes, so the tree gets the height. */
export async function focusPane(page: Page, title: string): Promise<Locator> {
  const panes = page.locator('.part.sidebar .pane');
  for (const pane of await panes.all()) {
    const header = pane.locator('.pane-header');
    const name = (await header.locator('h3.title').innerText()).trim();
    const expanded = (await header.getAttribute('aria-expanded')) === 'true';
    const wanted = name.toLowerCase() === title.toLowerCase();
    if (expanded !== wanted) {
      await header.locator('h3.title').click();
      await page.waitForFunction(
        ([el, state]) => (el as Element | null)?.getAttribute('aria-expanded') === String(state),
        [await header.elementHandle(), wanted] as const,
      );
    }
  }
  await restMouse(page);
  return viewPane(page, title);
}

/** Expands every pane of the container again. */
export async function expandAllPanes(page: Page): Promise<void> {
  const collapsed = page.locator('.part.sidebar .pane .pane-header[aria-expanded="false"]');
  for (let guard = 0; guard < 10 && (await collapsed.count()) > 0; guard++) {
    await collapsed.first().locator('h3.title').click();
  }
  await restMouse(page);
}

/** Tree rows of a pane. */
export function rows(pane: Locator): Locator {
  return pane.locator('.pane-body .monaco-list-row');
}

export interface RowInfo {
  /** The row's aria-label as is: "<label>, <description>" for tree items with a description. */
  label: string;
  level: number;
  /** "true", "false", or null for a leaf. */
  expanded: string | null;
}

/** The rows a pane renders now, top to bottom (the list is virtual: only visible rows exist). */
export async function rowInfos(pane: Locator): Promise<RowInfo[]> {
  const infos = await rows(pane).evaluateAll(els => (els as HTMLElement[])
    .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
    .map(el => ({
      label: el.getAttribute('aria-label') ?? el.innerText,
      level: Number(el.getAttribute('aria-level')),
      expanded: el.getAttribute('aria-expanded'),
    })));
  return infos;
}

/** The aria-labels of the rows a pane shows now, top to bottom. */
export async function rowLabels(pane: Locator): Promise<string[]> {
  return (await rowInfos(pane)).map(info => info.label.trim());
}

/** Waits until the pane shows at least `count` rows (trees load asynchronously). */
export async function waitForRows(pane: Locator, count = 1, timeout = 60_000): Promise<string[]> {
  await rows(pane).nth(count - 1).waitFor({ state: 'visible', timeout });
  return rowLabels(pane);
}

/** The row with exactly this aria-label. */
export function rowByLabel(pane: Locator, label: string): Locator {
  return pane.locator(`.pane-body .monaco-list-row[aria-label="${label.replace(/["\\]/g, '\\$&')}"]`).first();
}

/**
 * The row whose aria-label starts with `prefix`: for a row whose description changes by itself
 * (an age like "2 min ago"), where a locator by the whole label would lose it.
 */
export function rowStartingWith(pane: Locator, prefix: string): Locator {
  return pane.locator(`.pane-body .monaco-list-row[aria-label^="${prefix.replace(/["\\]/g, '\\$&')}"]`).first();
}

/** Waits for a row whose aria-label matches `pattern` (a string matches a prefix) and returns it. */
export async function row(pane: Locator, pattern: string | RegExp, timeout = 30_000): Promise<Locator> {
  const matches = (label: string) => (typeof pattern === 'string' ? label.trim().startsWith(pattern) : pattern.test(label.trim()));
  const deadline = Date.now() + timeout;
  for (;;) {
    const label = (await rowInfos(pane)).map(info => info.label).find(matches);
    if (label !== undefined) {
      return rowByLabel(pane, label);
    }
    if (Date.now() > deadline) {
      throw new Error(`no row matches ${pattern} in ${JSON.stringify(await rowLabels(pane))}`);
    }
    await pane.page().waitForTimeout(100);
  }
}

/**
 * Expands a collapsed row (no-op when expanded already) and waits until it reports
 * aria-expanded=true. A refresh that renders the row anew can drop a click: then the row is
 * looked at again and clicked again.
 */
export async function expand(target: Locator, timeout = 30_000): Promise<void> {
  await target.waitFor({ state: 'visible', timeout });
  const deadline = Date.now() + timeout;
  for (;;) {
    const state = await target.getAttribute('aria-expanded');
    if (state === null) {
      throw new Error(`${await target.getAttribute('aria-label')} cannot be expanded`);
    }
    if (state === 'true') {
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(`${await target.getAttribute('aria-label')} did not expand`);
    }
    await target.locator('.monaco-tl-twistie').click();
    await target.page().waitForFunction(
      el => el?.getAttribute('aria-expanded') === 'true',
      await target.elementHandle(),
      { timeout: 5_000 },
    ).catch(() => undefined);
  }
}

/** Collapses an expanded row (no-op when collapsed already) and waits until it reports aria-expanded=false. */
export async function collapse(target: Locator, timeout = 30_000): Promise<void> {
  await target.waitFor({ state: 'visible', timeout });
  if ((await target.getAttribute('aria-expanded')) === 'true') {
    await target.locator('.monaco-tl-twistie').click();
  }
  await target.page().waitForFunction(
    el => el?.getAttribute('aria-expanded') !== 'true',
    await target.elementHandle(),
    { timeout },
  );
}

/** Labels of the rows one level below `parent`, as far as they are rendered. */
export async function childLabels(parent: Locator): Promise<string[]> {
  const label = await parent.getAttribute('aria-label');
  const pane = parent.locator('xpath=ancestor::div[contains(concat(" ", normalize-space(@class), " "), " pane ")][1]');
  const infos = await rowInfos(pane);
  const index = infos.findIndex(info => info.label === label);
  const children: string[] = [];
  for (const info of infos.slice(index + 1)) {
    if (index < 0 || info.level <= infos[index].level) {
      break;
    }
    if (info.level === infos[index].level + 1) {
      children.push(info.label);
    }
  }
  return children;
}

/** Waits until an expanded row shows its children (they come from the extension host) and returns their labels. */
export async function waitForChildren(parent: Locator, timeout = 30_000): Promise<string[]> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const labels = await childLabels(parent);
    if (labels.length > 0) {
      return labels;
    }
    if (Date.now() > deadline) {
      throw new Error(`no children appeared under ${await parent.getAttribute('aria-label')}`);
    }
    await parent.page().waitForTimeout(100);
  }
}

/** The first child row of an expanded row. */
export async function firstChild(parent: Locator): Promise<Locator> {
  const [label] = await waitForChildren(parent);
  const pane = parent.locator('xpath=ancestor::div[contains(concat(" ", normalize-space(@class), " "), " pane ")][1]');
  return rowByLabel(pane, label);
}

/** Right-clicks a row and returns the enabled entries of its context menu; closes the menu. */
export async function contextMenuEntries(target: Locator, screenshot?: (page: Page) => Promise<unknown>): Promise<string[]> {
  const page = target.page();
  await target.click({ button: 'right' });
  const menu = page.locator('.context-view .monaco-menu');
  await menu.waitFor({ state: 'visible', timeout: 10_000 });
  await page.waitForTimeout(300); // the menu fades in
  const entries = await menu.locator('.action-item:not(.disabled) .action-label').evaluateAll(
    els => els.map(el => (el.getAttribute('aria-label') ?? (el as HTMLElement).innerText).trim()).filter(Boolean),
  );
  await screenshot?.(page);
  await page.keyboard.press('Escape');
  await menu.waitFor({ state: 'hidden', timeout: 10_000 });
  return entries;
}

/** Runs a command from the command palette (F1) by its full title, e.g. "Security Posture: Refresh". */
export async function runCommand(page: Page, title: string): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  await page.keyboard.press('F1');
  await widget.waitFor({ state: 'visible', timeout: 10_000 });
  const input = widget.locator('.quick-input-box input');
  await input.fill(`>${title}`);
  const entry = widget.locator('.monaco-list-row').filter({ hasText: new RegExp(`^${escape(title)}`) }).first();
  await entry.waitFor({ state: 'visible', timeout: 10_000 });
  await entry.click();
  await widget.waitFor({ state: 'hidden', timeout: 10_000 });
}

/**
 * Opens the command palette from the title bar's command center: F1 pressed while a webview has
 * focus can stay in the webview's frame. Leaves the palette open, showing `text`.
 */
export async function openPalette(page: Page, text: string): Promise<Locator> {
  const widget = page.locator('.quick-input-widget');
  await page.locator('.part.titlebar .command-center-center').click();
  await widget.waitFor({ state: 'visible', timeout: 10_000 });
  await widget.locator('.quick-input-box input').fill(text);
  return widget;
}

/** Runs a command from the palette by its full title, whatever has focus (a webview too). */
export async function runFromPalette(page: Page, title: string): Promise<void> {
  const widget = await openPalette(page, `>${title}`);
  await widget.locator('.monaco-list-row', { hasText: new RegExp(`^${escape(title)}`) }).first().click();
  await widget.waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
}

/** Texts of the notification toasts currently shown, with their severity. */
export async function notifications(page: Page): Promise<Array<{ severity: string; text: string }>> {
  return page.locator('.notifications-toasts .notification-list-item').evaluateAll(els => els.map(el => {
    const icon = el.querySelector('.notification-list-item-icon');
    const severity = icon?.classList.contains('codicon-error') ? 'error'
      : icon?.classList.contains('codicon-warning') ? 'warning' : 'info';
    return { severity, text: (el.querySelector('.notification-list-item-message') as HTMLElement | null)?.innerText ?? '' };
  }));
}

/** Moves the pointer off the UI so hovers do not cover screenshots. */
export async function restMouse(page: Page): Promise<void> {
  const size = page.viewportSize();
  await page.mouse.move((size?.width ?? 1400) - 5, (size?.height ?? 900) / 2);
}

/**
 * Right-clicks a row and runs the context menu entry `entry` (its label as shown). The menu fades
 * in and ignores clicks meanwhile, so the entry is hovered and run with Enter.
 */
export async function runContextMenuEntry(target: Locator, entry: string): Promise<void> {
  const page = target.page();
  await target.click({ button: 'right' });
  const menu = page.locator('.context-view .monaco-menu');
  await menu.waitFor({ state: 'visible', timeout: 10_000 });
  await page.waitForTimeout(300); // the fade-in, not a wait for the extension
  await menu.locator('.action-item:not(.disabled) .action-label', { hasText: new RegExp(`^${escape(entry)}$`) }).first().hover();
  await page.keyboard.press('Enter');
  await menu.waitFor({ state: 'hidden', timeout: 10_000 });
}

/** The quick input widget: quick picks and input boxes. */
export function quickInput(page: Page): Locator {
  return page.locator('.quick-input-widget');
}

/** The quick input's text box. */
export function quickInputBox(page: Page): Locator {
  return quickInput(page).locator('.quick-input-box input');
}

/** Waits until the quick input shows a title matching `title` (a string matches a part). */
export async function waitForQuickInput(page: Page, title: string | RegExp, timeout = 30_000): Promise<Locator> {
  const widget = quickInput(page);
  await widget.locator('.quick-input-title', { hasText: title }).waitFor({ state: 'visible', timeout });
  return widget;
}

/**
 * The quick pick's rows top to bottom, each as "<label> <description> <detail>" (the parts as
 * shown, joined by one space; a part with filter highlights stays whole).
 */
export async function quickPickRows(page: Page): Promise<string[]> {
  return quickInput(page).locator('.monaco-list-row').evaluateAll(els => (els as HTMLElement[])
    .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
    .map(el => {
      // Rows are reused: a part the item does not have is hidden, not emptied.
      const parts = Array.from(el.querySelectorAll('.monaco-icon-label-container'))
        .flatMap(label => [label.querySelector('.label-name'), label.querySelector('.label-description')])
        .filter(part => part?.checkVisibility())
        .map(part => (part?.textContent ?? '').replace(/\s+/g, ' ').trim())
        .filter(Boolean);
      return parts.length ? parts.join(' ') : el.innerText.replace(/\s+/g, ' ').trim();
    }));
}

/** Waits until the quick pick's rows satisfy `check` (they come from the extension host); returns them. */
export async function waitForQuickPickRows(page: Page, check: (rows: string[]) => boolean, what: string, timeout = 30_000): Promise<string[]> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const shown = await quickPickRows(page);
    if (check(shown)) {
      return shown;
    }
    if (Date.now() > deadline) {
      throw new Error(`the quick pick never showed ${what}: ${JSON.stringify(shown)}`);
    }
    await page.waitForTimeout(100);
  }
}

/** Waits until quick pick row `index` matches `pattern`. */
export async function waitForQuickPickRow(page: Page, index: number, pattern: RegExp, timeout = 30_000): Promise<void> {
  await waitForQuickPickRows(page, shown => pattern.test(shown[index] ?? ''), `${pattern} at row ${index}`, timeout);
}

/** The quick pick row whose label starts with `label`. */
export function quickPickRow(page: Page, label: string): Locator {
  return quickInput(page).locator('.monaco-list-row', { hasText: new RegExp(`^${escape(label)}`) }).first();
}

/** Waits for the quick pick row whose label starts with `label` and clicks it (in a multi-select pick this toggles it). */
export async function pickQuickItem(page: Page, label: string, timeout = 30_000): Promise<void> {
  const item = quickPickRow(page, label);
  await item.waitFor({ state: 'visible', timeout });
  await item.click();
}

/** Accepts a multi-select quick pick with its OK button and waits until it closes. */
export async function acceptQuickPick(page: Page): Promise<void> {
  const widget = quickInput(page);
  await widget.locator('.quick-input-action .monaco-button', { hasText: /^OK$/ }).click();
  await widget.waitFor({ state: 'hidden', timeout: 30_000 });
}

/** Waits until the text box of the quick input holds exactly `value`. */
export async function waitForQuickInputValue(page: Page, value: string, timeout = 10_000): Promise<void> {
  await page.waitForFunction(v => (document.querySelector('.quick-input-widget .quick-input-box input') as HTMLInputElement | null)?.value === v, value, { timeout })
    .catch(async (error: unknown) => {
      const shown = await quickInputBox(page).inputValue().catch(() => '(no quick input)');
      throw new Error(`the quick input never held ${JSON.stringify(value)}; it holds ${JSON.stringify(shown)} (${(error as Error).message.split('\n')[0]})`);
    });
}

/**
 * Moves to the quick pick row at `index` with the Down key and presses Enter once that row is the
 * active one. The rows are replaced as each typed key is answered: an Enter sent while a late
 * answer reset the active row would run the first row instead.
 */
export async function chooseQuickPickRowByKeyboard(page: Page, index: number, pattern: RegExp, timeout = 30_000): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    await waitForQuickPickRow(page, index, pattern, Math.max(1, deadline - Date.now()));
    for (let i = 0; i < index; i++) {
      await page.keyboard.press('ArrowDown');
    }
    const active = await quickInput(page).locator('.monaco-list-row.focused').first().textContent({ timeout: 2_000 }).catch(() => '');
    if (pattern.test((active ?? '').replace(/\s+/g, ' ').trim())) {
      await page.keyboard.press('Enter');
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(`the quick pick row ${pattern} never became the active one (active: ${JSON.stringify(active)})`);
    }
    // The rows were replaced under the key presses, which makes the first row active again: retry.
  }
}

/** Opens "Security Posture: Query Alerts…" from the command palette and waits for its own quick pick. */
export async function openQueryAlerts(page: Page): Promise<void> {
  await page.keyboard.press('F1');
  await quickInput(page).waitFor({ state: 'visible', timeout: 10_000 });
  await quickInputBox(page).fill('>Security Posture: Query Alerts');
  await quickInput(page).locator('.monaco-list-row').filter({ hasText: /^Security Posture: Query Alerts…/ }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
  await waitForQuickInput(page, 'Query Alerts', 10_000);
}

/** The notification toast whose message matches `message`, once it shows. */
export async function waitForNotification(page: Page, message: string | RegExp, timeout = 60_000): Promise<Locator> {
  const toast = page.locator('.notifications-toasts .notification-list-item')
    .filter({ has: page.locator('.notification-list-item-message', { hasText: message }) }).first();
  await toast.waitFor({ state: 'visible', timeout });
  return toast;
}

/** Clicks a button of a notification toast and waits until the toast closes. */
export async function clickNotificationButton(toast: Locator, button: string): Promise<void> {
  await toast.hover(); // the buttons of a toast are live only while it is shown in full
  await toast.locator('.monaco-button', { hasText: new RegExp(`^${escape(button)}$`) }).click();
  await toast.waitFor({ state: 'hidden', timeout: 10_000 });
}

/**
 * Hovers a tree row until its tooltip shows text matching `text` (a tooltip shown before the row
 * changed keeps its old text, so the pointer leaves and hovers again); returns the tooltip's text
 * with plain spaces.
 */
export async function waitForRowTooltip(target: Locator, text: RegExp, timeout = 60_000): Promise<string> {
  const page = target.page();
  const deadline = Date.now() + timeout;
  const hover = page.locator('.workbench-hover:visible, .monaco-hover:visible').first();
  let last = '';
  for (;;) {
    await target.hover();
    if (await hover.waitFor({ state: 'visible', timeout: 10_000 }).then(() => true, () => false)) {
      // MarkdownString.appendText turns spaces into no-break spaces.
      last = ((await hover.textContent()) ?? '').replace(/\u00a0/g, ' ');
      if (text.test(last)) {
        await restMouse(page);
        return last;
      }
    }
    await restMouse(page);
    await hover.waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
    if (Date.now() > deadline) {
      throw new Error(`the tooltip of ${await target.getAttribute('aria-label')} never showed ${text}; last: ${JSON.stringify(last)}`);
    }
  }
}

/** The text of the status bar entry whose trimmed text matches `pattern`, once it shows (icons have no text). */
export async function waitForStatusBarText(page: Page, pattern: RegExp, timeout = 60_000): Promise<string> {
  const handle = await page.waitForFunction(source => {
    const re = new RegExp(source);
    const texts = Array.from(document.querySelectorAll('.part.statusbar .statusbar-item')).map(el => (el.textContent ?? '').replace(/\s+/g, ' ').trim());
    return texts.find(text => re.test(text));
  }, pattern.source, { timeout });
  return (await handle.jsonValue()) as string;
}

/** Waits for VS Code's modal dialog whose text (message and detail) matches `text`. */
export async function waitForDialog(page: Page, text: string | RegExp, timeout = 60_000): Promise<Locator> {
  const dialog = page.locator('.monaco-dialog-box').filter({ hasText: text }).first();
  await dialog.waitFor({ state: 'visible', timeout });
  return dialog;
}

/** Clicks a button of a modal dialog and waits until the dialog closes. */
export async function clickDialogButton(dialog: Locator, button: string): Promise<void> {
  await dialog.locator('.dialog-buttons .monaco-button', { hasText: new RegExp(`^${escape(button)}$`) }).click();
  await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
}
