// Sign-in, sign-out, tenant and data-source commands.
import * as vscode from 'vscode';
import { secretKey } from '../auth/credentials';
import { SECTION } from '../settings';
import { registerCommand, type Services } from './command';

const TENANT = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|organizations|common|[a-z0-9-]+(\.[a-z0-9-]+)+)$/i;

export function registerAccountCommands(s: Services): vscode.Disposable[] {
  const config = () => vscode.workspace.getConfiguration(SECTION);
  return [
    registerCommand(s, 'securityPosture.signIn', async (area?: unknown) => {
      const state = s.connection.state;
      if (area === 'partner' && state.kind === 'graph' && state.signIn.vscode) {
        // The partner permission is asked only here, so accounts that are not partners sign in without it.
        const credential = state.signIn.vscode;
        await credential.interactive(() => credential.getSession(state.signIn.scopesFor('partner', false), true));
        await s.store.refresh(['partner', 'customers', 'partnerAlerts']);
        return;
      }
      if (s.settings().dataSource === 'sample') {
        const choice = await vscode.window.showInformationMessage('You are exploring the sample tenant. Sign in to your own tenant instead?', 'Use Microsoft Graph');
        if (!choice) {
          return;
        }
        await config().update('dataSource', 'graph', vscode.ConfigurationTarget.Global);
      }
      await s.reconnect(true);
    }),
    registerCommand(s, 'securityPosture.signOut', async () => {
      const tenantKey = s.store.currentTenantKey;
      const forget = await vscode.window.showInformationMessage(
        'Sign out of Security Posture? VS Code keeps the account itself (manage it from the Accounts menu).',
        { modal: true }, 'Sign Out', 'Sign Out and Forget Saved Data');
      if (!forget) {
        return;
      }
      await s.connection.signOut();
      if (forget === 'Sign Out and Forget Saved Data' && tenantKey) {
        await s.store.forget(tenantKey);
        await s.history.forget(tenantKey);
        await s.plan.forget(tenantKey);
        s.log.info('Saved data of the tenant was deleted.');
      }
    }),
    registerCommand(s, 'securityPosture.switchTenant', async () => {
      const current = s.settings().tenantId;
      const tenant = await vscode.window.showInputBox({
        title: 'Switch Tenant',
        prompt: 'Tenant id (GUID) or verified domain; "organizations" lets you pick any work account.',
        value: current,
        ignoreFocusOut: true,
        validateInput: value => (TENANT.test(value.trim()) ? undefined : 'Enter a tenant GUID, a domain such as contoso.onmicrosoft.com, or "organizations".'),
      });
      if (tenant === undefined || tenant.trim() === current) {
        return;
      }
      await config().update('tenantId', tenant.trim(), vscode.ConfigurationTarget.Global);
      await s.reconnect(true);
    }),
    registerCommand(s, 'securityPosture.useSampleTenant', async () => {
      await config().update('dataSource', 'sample', vscode.ConfigurationTarget.Global);
      await s.reconnect(false);
      await vscode.commands.executeCommand('securityPosture.secureScore.focus');
    }),
    registerCommand(s, 'securityPosture.useGraph', async () => {
      await config().update('dataSource', 'graph', vscode.ConfigurationTarget.Global);
      await s.reconnect(false);
    }),
    registerCommand(s, 'securityPosture.setClientSecret', async () => {
      const settings = s.settings();
      const secret = await vscode.window.showInputBox({
        title: 'Set Client Secret',
        prompt: `Client secret of app ${settings.clientId} in tenant ${settings.tenantId}. It is kept in VS Code's secret storage, never in settings.`,
        password: true,
        ignoreFocusOut: true,
        validateInput: value => (value.trim().length >= 8 ? undefined : 'A client secret is at least 8 characters long.'),
      });
      if (!secret) {
        return;
      }
      await s.context.secrets.store(secretKey(settings), secret.trim());
      if (settings.authMethod !== 'clientSecret') {
        const use = await vscode.window.showInformationMessage('Secret stored. Sign in with it now?', 'Use Client Secret');
        if (!use) {
          return;
        }
        await config().update('authMethod', 'clientSecret', vscode.ConfigurationTarget.Global);
      }
      await s.reconnect(true);
    }),
    registerCommand(s, 'securityPosture.clearClientSecret', async () => {
      await s.context.secrets.delete(secretKey(s.settings()));
      void vscode.window.showInformationMessage('The stored client secret was deleted.');
      if (s.settings().authMethod === 'clientSecret') {
        await s.reconnect(false);
      }
    }),
  ];
}
