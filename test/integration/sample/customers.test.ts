// The Customers view on the sample partner's 36 customers, in the real VS Code: a row per
// customer with its numbers, a reason row for each one that cannot be read, sorting, filtering,
// cancel, and opening a customer's tenant in the posture views and coming back.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, render, roots } from '../trees';

async function customerRows() {
  const a = await api();
  return (await a.customers.provider.getChildren()).map(render);
}

describe('Customers view (sample partner)', function () {
  // The first read generates each sample customer's tenant: minutes on a loaded 2-core machine.
  this.timeout(300_000);

  before(async () => {
    await vscode.commands.executeCommand('securityPosture.filterCustomers', '');
    await vscode.commands.executeCommand('securityPosture.sortCustomers', 'worstScore');
  });

  it('lists all 36 customers, the readable ones worst first, and a reason for each of the six it cannot read', async () => {
    const a = await api();
    await vscode.commands.executeCommand('securityPosture.refreshCustomers');
    assert.equal(a.customers.portfolio.isRunning, false);
    const rows = await customerRows();
    assert.equal(rows.length, 36);
    const blocked = rows.filter(r => r.contextValue.includes('+blocked'));
    // The six it cannot read, and the one that has no Secure Score yet.
    assert.deepEqual(blocked.map(r => r.label).sort(), ['Contour Orthodontics', 'Glenwood Pediatrics', 'Litware Environmental Services', 'Litware Travel', 'Pinecrest Solar', 'VanArsdel Printing', 'Wexford Architects']);
    // Readable ones come first, worst score first.
    const readable = rows.filter(r => r.contextValue.includes('+readable'));
    const percents = readable.map(r => Number(/^([\d.]+)%/.exec(r.description)?.[1]));
    assert.deepEqual([...percents].sort((x, y) => x - y), percents);
    assert.equal(rows.indexOf(readable.at(-1)!) < rows.indexOf(blocked[0]), true, 'blocked rows last');
    const elmhurst = rows.find(r => r.label === 'Elmhurst Pediatrics')!;
    // The sample dates its customers from the real clock, so the changes vary by a few hundredths.
    assert.match(elmhurst.description, /^68\.7% · [\d.]+ \/ 419 points · 7d \+9\.\d+ · 30d \+3[78]\.\d+ · all tenants [\d.]+% · 0 high · 3 medium open · MFA on/);
    const consent = rows.find(r => r.label === 'Wexford Architects')!;
    assert.match(consent.contextValue, /\+hasConsentLink/);
    assert.match(consent.description, /consent/i);
    assert.match(rows.find(r => r.label === 'Contour Orthodontics')!.description, /Security Reader/);
  });

  it('sorts by name and filters by words, saying so in the view', async () => {
    const a = await api();
    await vscode.commands.executeCommand('securityPosture.sortCustomers', 'name');
    await vscode.commands.executeCommand('securityPosture.filterCustomers', 'pediatrics');
    const rows = await customerRows();
    assert.deepEqual(rows.map(r => r.label), ['Elmhurst Pediatrics', 'Glenwood Pediatrics']);
    assert.equal(a.customers.view.description, 'filter: pediatrics · Name');
    await vscode.commands.executeCommand('securityPosture.filterCustomers', 'zzz-nothing');
    assert.deepEqual((await customerRows()).map(r => r.label), ['No customer matches the filter']);
    await vscode.commands.executeCommand('securityPosture.filterCustomers', '');
    await vscode.commands.executeCommand('securityPosture.sortCustomers', 'worstScore');
  });

  it('opens a customer\'s tenant in the four views and comes back to the partner\'s', async () => {
    const a = await api();
    const elmhurst = a.customers.portfolio.customers.find(r => r.customer.name === 'Elmhurst Pediatrics')!;
    const key = await vscode.commands.executeCommand<string>('securityPosture.openCustomer', elmhurst.customer.tenantId);
    assert.equal(key, `sample/customer/${elmhurst.customer.tenantId}`);
    assert.equal(a.store.currentTenantKey, key);
    assert.equal(a.treeViews.secureScore.description, 'Elmhurst Pediatrics');
    const score = (await roots('secureScore')).find(r => r.label === 'Secure Score')!;
    assert.match(score.description, /\(68\.7%\)$/);
    await vscode.commands.executeCommand('securityPosture.backToMyTenant');
    assert.equal(a.store.currentTenantKey, 'sample');
    assert.equal(a.treeViews.secureScore.description, 'Sample tenant');
  });

  it('refuses to open a customer it cannot read, naming why', async () => {
    const a = await api();
    const blocked = a.customers.portfolio.customers.find(r => r.customer.name === 'Contour Orthodontics')!;
    const before = a.store.currentTenantKey;
    await vscode.commands.executeCommand('securityPosture.openCustomer', blocked.customer.tenantId);
    assert.equal(a.store.currentTenantKey, before, 'still the partner tenant');
  });

  it('cancels a refresh: reading stops and the rows so far stay', async () => {
    const a = await api();
    const portfolio = a.customers.portfolio;
    const started = new Promise<void>(resolve => {
      const sub = portfolio.onDidChange(() => {
        if (portfolio.isRunning) {
          sub.dispose();
          resolve();
        }
      });
    });
    const run = vscode.commands.executeCommand('securityPosture.refreshCustomers');
    await started;
    await vscode.commands.executeCommand('securityPosture.cancelCustomers');
    assert.equal(portfolio.isRunning, false);
    await run;
    assert.equal(portfolio.isRunning, false);
    assert.equal(a.customers.view.message, undefined);
    assert.equal((await customerRows()).length, 36, 'the rows already shown stay');
  });
});
