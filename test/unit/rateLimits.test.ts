// A bulk change larger than Graph's per-minute limit still lands whole: throttled items inside
// a $batch wait their turn (longer each round) instead of being given up after a few quick retries.
import * as assert from 'node:assert/strict';
import { WriteApi } from '../../src/graph/writes';
import { applyAlertPreviews } from '../../src/model/apply';
import { previewAlertChanges } from '../../src/model/updates';
import { generateTenant } from '../../src/sample/generator';
import { emulatorService, useEmulator } from './emulatorClient';

describe('writes under a per-minute limit', function () {
  this.timeout(120_000);
  // Graph's 150 a minute, scaled down to 20 every 4 seconds so the test takes seconds, not minutes.
  const emulator = useEmulator(() => ({ dataset: generateTenant({ now: new Date(), alerts: 120 }), rateLimits: { alerts: { requests: 20, perSeconds: 4 } } }));

  it('updates 60 alerts, three times the window\'s allowance, with none left behind', async () => {
    const alerts = emulator().engine.dataset.alerts.filter(a => a.assignedTo !== 'queue@contoso-partners.example').slice(0, 60);
    const results = await applyAlertPreviews(new WriteApi(emulatorService(emulator()).graph), previewAlertChanges(alerts, { assignedTo: 'queue@contoso-partners.example' }));
    const throttled = emulator().requests.filter(r => r.inBatch && r.status === 429).length;
    assert.ok(throttled >= 40, `the limit was hit: ${throttled} inner 429s`);
    assert.deepEqual(results.filter(r => r.outcome !== 'updated').map(r => `${r.id}: ${r.reason}`), []);
    const stored = new Map(emulator().engine.dataset.alerts.map(a => [a.id, a.assignedTo]));
    assert.ok(alerts.every(a => stored.get(a.id) === 'queue@contoso-partners.example'));
    const batches = emulator().requests.filter(r => !r.inBatch && r.path.endsWith('$batch')).length;
    assert.ok(batches <= 30, `${batches} $batch requests`);
  });
});
