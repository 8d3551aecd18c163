// Typed settings, read in one place. Settings that decide where tokens go are taken only from
// user (or machine/default) scope: a workspace value is ignored and reported.
import * as vscode from 'vscode';
import type { CloudName } from './graph/clouds';
import type { GroupBy } from './model/controls';
import { settingKeys } from './settingsText';

export type AuthMethod = 'vscode' | 'deviceCode' | 'clientSecret' | 'clientCertificate' | 'environment';
export type DataSource = 'graph' | 'sample';

export interface Settings {
  dataSource: DataSource;
  authMethod: AuthMethod;
  clientId: string;
  tenantId: string;
  cloud: CloudName;
  customCloud: { graphEndpoint: string; authorityHost: string };
  clientCertificatePath: string;
  groupBy: GroupBy;
  showDeprecated: boolean;
  alertStatuses: string[];
  alertDays: number;
  alertPageSize: number;
  autoRefreshMinutes: number;
  /** Customers read at once by the Customers view. */
  customersMaxInFlight: number;
  statusBar: boolean;
  /** Watching for new high-severity alerts and score drops: minutes between checks (0 = off). */
  watchIntervalMinutes: number;
  scoreDropThreshold: number;
  scoreDropUnit: 'points' | 'percent';
}

export const SECTION = 'securityPosture';

/** Settings only a user may set: a workspace could otherwise send tokens to its own server. */
export const PROTECTED_KEYS = [
  'dataSource', 'authMethod', 'clientId', 'tenantId', 'cloud',
  'customCloud.graphEndpoint', 'customCloud.authorityHost', 'clientCertificatePath',
] as const;

/**
 * Microsoft Graph Command Line Tools: a Microsoft public client that accepts any Graph delegated
 * scope with consent, and has the `http://localhost` redirect VS Code's sign-in uses. It lets a new
 * user sign in wherever their tenant allows user consent (or has consented for the organisation).
 */
export const DEFAULT_CLIENT_ID = '14d82eec-204b-4c2f-b7e8-296a70dab67e';

const CLOUDS: CloudName[] = ['AzureCloud', 'AzureUSGovernment', 'AzureUSGovernmentDoD', 'AzureChinaCloud', 'Custom'];
const METHODS: AuthMethod[] = ['vscode', 'deviceCode', 'clientSecret', 'clientCertificate', 'environment'];
const GROUPS: GroupBy[] = ['category', 'service', 'state'];
const STATUSES = ['new', 'inProgress', 'resolved', 'unknown'];
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface SettingsProblems {
  /** Protected settings a workspace tried to set (ignored). */
  ignoredWorkspaceKeys: string[];
  /** Invalid values replaced by their defaults, with the reason. */
  invalid: string[];
}

export function readSettings(): { settings: Settings; problems: SettingsProblems } {
  const config = vscode.workspace.getConfiguration(SECTION);
  const problems: SettingsProblems = { ignoredWorkspaceKeys: [], invalid: [] };

  const userValue = <T>(key: string, fallback: T): T => {
    const inspected = config.inspect<T>(key);
    if (inspected && (inspected.workspaceValue !== undefined || inspected.workspaceFolderValue !== undefined)) {
      problems.ignoredWorkspaceKeys.push(`${SECTION}.${key}`);
    }
    return (inspected?.globalValue ?? inspected?.defaultValue ?? fallback) as T;
  };
  const oneOf = <T extends string>(key: string, value: unknown, allowed: readonly T[], fallback: T): T => {
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) {
      return value as T;
    }
    problems.invalid.push(`${SECTION}.${key}: "${String(value)}" is not one of ${allowed.join(', ')}; using "${fallback}".`);
    return fallback;
  };
  const int = (key: string, min: number, max: number, fallback: number): number => {
    const value = config.get<unknown>(key, fallback);
    if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) {
      return value;
    }
    problems.invalid.push(`${SECTION}.${key}: ${JSON.stringify(value)} is not a whole number from ${min} to ${max}; using ${fallback}.`);
    return fallback;
  };

  const nonNegative = (key: string, fallback: number): number => {
    const value = config.get<unknown>(key, fallback);
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) {
      return value;
    }
    problems.invalid.push(`${SECTION}.${key}: ${JSON.stringify(value)} is not a number of 0 or more; using ${fallback}.`);
    return fallback;
  };

  let clientId = String(userValue('clientId', '') ?? '').trim();
  if (clientId && !GUID.test(clientId)) {
    problems.invalid.push(`${SECTION}.clientId: "${clientId}" is not an application (client) id (a GUID); using the default app.`);
    clientId = '';
  }
  const rawStatuses = config.get<unknown>('alerts.statusFilter', ['new', 'inProgress']);
  let alertStatuses = Array.isArray(rawStatuses) ? rawStatuses.filter((s): s is string => typeof s === 'string' && STATUSES.includes(s)) : [];
  if (!Array.isArray(rawStatuses) || alertStatuses.length !== rawStatuses.length) {
    problems.invalid.push(`${SECTION}.alerts.statusFilter: only ${STATUSES.join(', ')} are statuses; ${alertStatuses.length ? 'unknown entries ignored' : 'using new, inProgress'}.`);
    if (alertStatuses.length === 0) {
      alertStatuses = ['new', 'inProgress'];
    }
  }
  const settings: Settings = {
    dataSource: oneOf('dataSource', userValue('dataSource', 'graph'), ['graph', 'sample'] as const, 'graph'),
    authMethod: oneOf('authMethod', userValue('authMethod', 'vscode'), METHODS, 'vscode'),
    clientId: clientId || DEFAULT_CLIENT_ID,
    tenantId: String(userValue('tenantId', 'organizations') || 'organizations').trim(),
    cloud: oneOf('cloud', userValue('cloud', 'AzureCloud'), CLOUDS, 'AzureCloud'),
    customCloud: {
      graphEndpoint: String(userValue('customCloud.graphEndpoint', '') ?? '').trim(),
      authorityHost: String(userValue('customCloud.authorityHost', '') ?? '').trim(),
    },
    clientCertificatePath: String(userValue('clientCertificatePath', '') ?? '').trim(),
    groupBy: oneOf('controls.groupBy', config.get('controls.groupBy', 'category'), GROUPS, 'category'),
    showDeprecated: config.get<unknown>('controls.showDeprecated', false) === true,
    alertStatuses,
    alertDays: int('alerts.days', 1, 365, 30),
    alertPageSize: int('alerts.pageSize', 10, 2000, 200),
    autoRefreshMinutes: int('autoRefreshMinutes', 0, 1440, 0),
    customersMaxInFlight: int('customers.maxInFlight', 1, 32, 8),
    statusBar: config.get<unknown>('statusBar.enabled', true) !== false,
    watchIntervalMinutes: int('watch.intervalMinutes', 0, 1440, 5),
    scoreDropThreshold: nonNegative('watch.scoreDropThreshold', 5),
    scoreDropUnit: oneOf('watch.scoreDropUnit', config.get('watch.scoreDropUnit', 'points'), ['points', 'percent'] as const, 'points'),
  };
  return { settings, problems };
}

/**
 * User-only settings that the workspace's settings files set. VS Code drops workspace values of
 * application-scoped settings without a word (inspect() does not show them), so the files are
 * read to tell the user which were ignored.
 */
export async function workspaceProtectedKeys(): Promise<string[]> {
  const files = (vscode.workspace.workspaceFolders ?? []).map(f => ({ uri: vscode.Uri.joinPath(f.uri, '.vscode', 'settings.json'), root: undefined as string | undefined }));
  const workspaceFile = vscode.workspace.workspaceFile;
  if (workspaceFile && workspaceFile.scheme !== 'untitled') {
    files.push({ uri: workspaceFile, root: 'settings' });
  }
  const protectedKeys = new Set<string>(PROTECTED_KEYS.map(k => `${SECTION}.${k}`));
  const found = await Promise.all(files.map(async ({ uri, root }) => {
    try {
      return settingKeys(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)), root).filter(k => protectedKeys.has(k));
    } catch {
      return []; // no such file
    }
  }));
  return [...new Set(found.flat())];
}

/**
 * Says what is wrong with the settings: in the log every time, in a notification once per
 * problem (not again on every later settings change while it lasts).
 */
export function settingsProblemReporter(log: vscode.LogOutputChannel): (problems: SettingsProblems) => Promise<void> {
  let toldIgnored = '';
  let toldInvalid = '';
  return async ({ ignoredWorkspaceKeys, invalid }) => {
    const ignored = [...new Set([...ignoredWorkspaceKeys, ...await workspaceProtectedKeys()])].sort().join(', ');
    if (ignored) {
      log.warn(`Ignored workspace values of user-only settings: ${ignored}.`);
    }
    if (ignored && ignored !== toldIgnored) {
      void vscode.window.showWarningMessage(
        `This workspace sets ${ignored}. Those decide where sign-in tokens are sent, so Security Posture only takes them from your user settings; the workspace values are ignored.`);
    }
    toldIgnored = ignored;
    for (const problem of invalid) {
      log.warn(`Invalid setting: ${problem}`);
    }
    if (invalid.length > 0 && invalid.join('\n') !== toldInvalid) {
      void vscode.window.showWarningMessage(`Security Posture: ${invalid[0]}${invalid.length > 1 ? ` (and ${invalid.length - 1} more; see the log)` : ''}`, 'Open Settings', 'Show Log')
        .then(choice => choice === 'Open Settings' ? vscode.commands.executeCommand('securityPosture.openSettings') : choice === 'Show Log' ? log.show() : undefined);
    }
    toldInvalid = invalid.join('\n');
  };
}

export function affectsProtected(event: vscode.ConfigurationChangeEvent): boolean {
  return PROTECTED_KEYS.some(key => event.affectsConfiguration(`${SECTION}.${key}`));
}
