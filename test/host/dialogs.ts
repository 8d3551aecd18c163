/**
 * The user at the workbench's modal dialogs, for integration tests: the extension host cannot see
 * or press a dialog (VS Code's own confirmation of a language model tool is one), so the runner
 * does it in Chromium when a test asks. A loopback HTTP endpoint in the runner process, its URL
 * passed to the extension host as SP_DIALOGS_URL:
 *
 *   POST /answer {"button": "Yes"}  -> waits for a dialog, answers {"title", "detail"} and presses the button
 *
 * It answers 504 when no dialog came within the wait, so a test sees "no dialog" as an event.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';
import type { Page } from 'playwright-core';

export interface DialogDesk {
  url: string;
  /** The page whose dialogs are answered (the workbench, once it is open). */
  attach(page: Page): void;
  close(): Promise<void>;
}

export async function startDialogDesk(): Promise<DialogDesk> {
  let page: Page | undefined;
  const server = http.createServer((req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    let text = '';
    req.setEncoding('utf8');
    req.on('data', chunk => (text += chunk));
    req.on('end', () => {
      void (async () => {
        if (req.method !== 'POST' || req.url !== '/answer' || !page) {
          return reply(404, { error: page ? 'POST /answer' : 'the workbench is not open yet' });
        }
        const { button, timeoutMs = 20_000 } = JSON.parse(text || '{}') as { button?: string; timeoutMs?: number };
        const dialog = page.locator('.monaco-dialog-box');
        try {
          await dialog.waitFor({ state: 'visible', timeout: timeoutMs });
        } catch {
          return reply(504, { error: `no dialog within ${timeoutMs} ms` });
        }
        const title = (await dialog.locator('.dialog-message-text').innerText().catch(() => '')).trim();
        const detail = (await dialog.locator('.dialog-message-detail').innerText().catch(() => '')).trim();
        const buttons = await dialog.locator('.dialog-buttons .monaco-button').allInnerTexts();
        if (button) {
          const index = buttons.findIndex(b => b.trim() === button);
          if (index < 0) {
            return reply(400, { error: `no button "${button}" (buttons: ${buttons.join(', ')})`, title, detail, buttons });
          }
          await dialog.locator('.dialog-buttons .monaco-button').nth(index).click();
          await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
        }
        reply(200, { title, detail, buttons });
      })().catch(error => reply(500, { error: String(error) }));
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    attach: p => (page = p),
    close: () => new Promise(resolve => server.close(() => resolve())),
  };
}
