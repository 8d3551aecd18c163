/**
 * The emulator profile's plumbing: the extension host trusts the emulator's CA, and the
 * extension signs in through the environment and reads Graph from the emulator.
 */
import * as assert from 'assert';
import * as https from 'https';
import * as vscode from 'vscode';
import { getExtension, waitFor } from '../helpers';

const emulatorUrl = process.env.SP_EMULATOR_URL ?? '';

interface LoggedRequest {
  method: string;
  path: string;
  status: number;
  clientId?: string;
}

function getJson<T>(url: string): Promise<{ status: number; body: T }> {
  return new Promise((resolve, reject) => {
    https.get(url, res => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', chunk => (text += chunk));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as T });
        } catch (err) {
          reject(err);
        }
      });
    }).on('error', reject);
  });
}

describe('Graph emulator profile', function () {
  before(function () {
    assert.ok(emulatorUrl.startsWith('https://127.0.0.1:'), `SP_EMULATOR_URL is a loopback https URL (${emulatorUrl})`);
  });

  it('reaches the emulator over HTTPS with its own CA (NODE_EXTRA_CA_CERTS, http.systemCertificates off)', async function () {
    const { status, body } = await getJson<{ tenantId: string }>(`${emulatorUrl}/_emulator/info`);
    assert.strictEqual(status, 200);
    assert.strictEqual(body.tenantId, vscode.workspace.getConfiguration('securityPosture').get('tenantId'));
  });

  it('signs in from the environment and reads Graph from the emulator', async function () {
    this.timeout(90_000);
    await getExtension().activate();
    await vscode.commands.executeCommand('workbench.view.extension.securityPosture');
    await vscode.commands.executeCommand('securityPosture.refresh');
    const requests = await waitFor('a Graph request answered with a token from the emulator', async () => {
      const { body } = await getJson<LoggedRequest[]>(`${emulatorUrl}/_emulator/requests`);
      return body.some(r => /^\/(v1\.0|beta)\//.test(r.path) && r.status === 200 && r.clientId) ? body : undefined;
    }, 60_000);
    assert.ok(requests.some(r => /\/oauth2\/v2\.0\/token/.test(r.path) && r.status === 200), 'a token was issued');
  });
});
