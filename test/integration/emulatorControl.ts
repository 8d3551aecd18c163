// Talking to the HTTPS Graph emulator's control endpoints (`/_emulator/*`) from the extension
// host: faults, reset, the request log. The emulator profiles pass its URL in SP_EMULATOR_URL.
import * as https from 'node:https';
import type { FaultCommand } from '../emulator/faults';

export const emulatorUrl = process.env.SP_EMULATOR_URL ?? '';

export function emulatorCall<T>(method: string, path: string, body?: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = https.request(`${emulatorUrl}${path}`, { method, headers: { 'content-type': 'application/json' } }, res => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', chunk => (text += chunk));
      res.on('end', () => resolve((text ? JSON.parse(text) : undefined) as T));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

export const faults = (command: FaultCommand) => emulatorCall('POST', '/_emulator/faults', command);

export interface LoggedRequest {
  seq: number;
  method: string;
  path: string;
  status: number;
  inBatch: boolean;
  fault?: string;
  clientId?: string;
  /** The tenant of the token the request carried. */
  tenantId?: string;
  body?: unknown;
}

export const requestLog = (since = 0) => emulatorCall<LoggedRequest[]>('GET', `/_emulator/requests?since=${since}`);
