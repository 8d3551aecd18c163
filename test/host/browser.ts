/**
 * Debian's Chromium driven by playwright-core, opening the code-server workbench.
 */
import * as fs from 'fs';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import { CodeServer } from './codeServer';
import { chromiumPath } from './paths';
import { isShuttingDown, onShutdown } from './processes';

export const viewport = { width: 1400, height: 900 };

export async function launchBrowser(): Promise<Browser> {
  if (isShuttingDown()) {
    throw new Error('the test run is stopping');
  }
  if (!fs.existsSync(chromiumPath)) {
    throw new Error(`Chromium not found at ${chromiumPath}; run: bash scripts/install-test-host.sh`);
  }
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    // The run's own shutdown handlers close the browser; Playwright's would race them.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-default-apps',
      '--disable-domain-reliability',
      '--no-first-run',
      '--no-default-browser-check',
      '--disable-quic',
    ],
  });
  const unregister = onShutdown(() => browser.close().catch(() => undefined));
  browser.once('disconnected', unregister);
  return browser;
}

export interface Workbench {
  context: BrowserContext;
  page: Page;
  /** Settles with the code the workbench passes to codeAutomationExit (test runs only). */
  exitCode: Promise<number>;
  /** Requests to anything but the code-server, refused and recorded. */
  blockedRequests: string[];
  /** Errors written to the page console, for failure reports. */
  consoleErrors: string[];
}

/**
 * Opens the workbench with a payload, e.g. extensionDevelopmentPath and extensionTestsPath.
 * Only the code-server's own origin is reachable: everything else is refused, so a test
 * that would reach the internet fails the same way on every machine.
 */
export async function openWorkbench(browser: Browser, server: CodeServer, payload: Array<[string, string]>): Promise<Workbench> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1, serviceWorkers: 'allow' });
  const blockedRequests: string[] = [];
  const consoleErrors: string[] = [];
  await context.route('**/*', route => {
    const target = route.request().url();
    if (isLoopback(target)) {
      return route.continue();
    }
    blockedRequests.push(target);
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  page.on('console', message => {
    if (message.type() === 'error') {
      consoleErrors.push(message.text());
    }
  });
  let resolveExit: (code: number) => void = () => undefined;
  const exitCode = new Promise<number>(resolve => (resolveExit = resolve));
  // Must exist before the workbench loads: it calls it when the test run settles.
  await page.exposeFunction('codeAutomationExit', (code: number) => {
    resolveExit(Number(code));
  });
  // Generous: on a busy 2-core machine the workbench page alone can take over 30 s to arrive.
  await page.goto(server.workbenchUrl(payload), { waitUntil: 'domcontentloaded', timeout: 180_000 });
  return { context, page, exitCode, blockedRequests, consoleErrors };
}

function isLoopback(target: string): boolean {
  try {
    const { protocol, hostname } = new URL(target);
    if (protocol === 'data:' || protocol === 'blob:' || protocol === 'about:') {
      return true;
    }
    return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]'
      || hostname.endsWith('.localhost');
  } catch {
    return false;
  }
}
