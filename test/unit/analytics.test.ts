// The score history (merge, file format, series) and the analytics over it (what changed, what-if
// projection, honesty meter), outside VS Code.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SecureScore, SecureScoreControlProfile, SecurityScoreHistory } from '../../src/graph/types';
import { compareDays, honestyMeter, projectScore, stateAt } from '../../src/model/analytics';
import {
  dayPoints, emptyHistory, HistoryFormatError, inRange, mergeHistories, mergePartnerHistory, mergeSnapshots, parseHistory,
} from '../../src/model/history';
import { HistoryService } from '../../src/model/historyStore';
import { PlanStore } from '../../src/model/plan';
import { PostureStore } from '../../src/model/store';
import { generateTenant } from '../../src/sample/generator';
import { chartTable, csvCell, parsePageMessage, parseViewState, toCsv } from '../../src/webview/protocol';

const TENANT = '7f4c2b1a-9e8d-4c6b-a5f4-3e2d1c0b9a87';

function profile(id: string, category: string, maxScore: number, updates: [string, string | null][] = []): SecureScoreControlProfile {
  return {
    id, azureTenantId: TENANT, title: `Title of ${id}`, controlCategory: category, actionType: 'Config', service: 'AzureAD', tier: 'Core',
    userImpact: 'Low', implementationCost: 'Moderate', rank: 10, maxScore, threats: [], remediation: null, remediationImpact: null,
    actionUrl: null, deprecated: false, lastModifiedDateTime: null, complianceInformation: null,
    controlStateUpdates: [
      { assignedTo: null, comment: null, state: 'Default', updatedBy: null, updatedDateTime: null },
      ...updates.map(([state, updatedDateTime]) => ({ assignedTo: null, comment: 'why', state, updatedBy: 'admin@contoso.example', updatedDateTime })),
    ],
    vendorInformation: null,
  };
}

/** controls: [name, category, score, max?]; a max makes scoreInPercentage derivable. */
function snapshot(date: string, current: number, max: number, controls: [string, string, number, number?][] = [], averages: Record<string, number> = { AllTenants: 48.3, TotalSeats: 51.9, IndustryTypes: 55 }): SecureScore {
  return {
    id: `${TENANT}_${date}`, azureTenantId: TENANT, createdDateTime: `${date}T00:00:00Z`, currentScore: current, maxScore: max,
    activeUserCount: 180, licensedUserCount: 250, enabledServices: [],
    averageComparativeScores: Object.entries(averages).map(([basis, averageScore]) => ({ basis, averageScore })),
    controlScores: controls.map(([controlName, controlCategory, score, controlMax]) => ({
      controlName, controlCategory, description: null, score, ...(controlMax ? { scoreInPercentage: (score * 100) / controlMax } : {}),
    })),
  };
}

describe('score history: merging what Graph returns', () => {
  it('keeps every day seen, one per date, oldest first; Graph wins for a day it still returns', () => {
    const first = mergeSnapshots(emptyHistory(), [
      snapshot('2026-01-02', 11, 50, [['mfa', 'Identity', 5, 10]]),
      snapshot('2026-01-01', 10, 50, [['mfa', 'Identity', 4, 10], ['dlp', 'Data', 6, 6]]),
    ]);
    assert.equal(first.added, 2);
    assert.equal(first.history.tenantId, TENANT);
    assert.deepEqual(first.history.days.map(d => d.date), ['2026-01-01', '2026-01-02']);
    assert.deepEqual(first.history.controls.map(c => c.id), ['mfa', 'dlp']);
    assert.deepEqual(first.history.days[0].scores, [4, 6]);
    assert.deepEqual(first.history.days[0].maxes, [10, 6]);
    assert.deepEqual(first.history.days[1].scores, [5], 'a control not scored that day is left out');

    // 90 days later Graph no longer returns 01-01; it returns a corrected 01-02 and a new day.
    const second = mergeSnapshots(first.history, [
      snapshot('2026-01-03', 13, 52, [['app', 'Apps', 2, 2], ['mfa', 'Identity', 6, 10]]),
      snapshot('2026-01-02', 12, 50, [['mfa', 'Identity', 6, 10]]),
    ]);
    assert.equal(second.added, 1);
    assert.deepEqual(second.history.days.map(d => [d.date, d.current]), [['2026-01-01', 10], ['2026-01-02', 12], ['2026-01-03', 13]]);
    assert.deepEqual(second.history.controls.map(c => c.id), ['mfa', 'dlp', 'app']);
    assert.deepEqual(second.history.days[2].scores, [6, null, 2]);
    assert.equal(first.history.days[1].current, 11, 'merging never changes its input');
  });

  it('drops snapshots without a date and comparison averages that are not scores', () => {
    const { history } = mergeSnapshots(emptyHistory(), [
      { ...snapshot('2026-01-01', 1, 2), createdDateTime: 'not a date' },
      snapshot('2026-01-02', 1, 2, [], { AllTenants: 40, TotalSeats: -1, IndustryTypes: 0 }),
    ]);
    assert.equal(history.days.length, 1);
    assert.deepEqual(history.days[0].averages, { AllTenants: 40 });
  });

  it('merges partner history by day, the last change of a day winning', () => {
    const entry = (date: string, score: number, compliant: number): SecurityScoreHistory => ({ id: date + score, createdDateTime: date, score, compliantRequirementsCount: compliant, totalRequirementsCount: 5 });
    const { history, added } = mergePartnerHistory(emptyHistory(), [entry('2026-02-01T05:00:00Z', 60, 3), entry('2025-12-01T05:00:00Z', 40, 2), entry('2026-02-01T09:00:00Z', 70, 4)]);
    assert.equal(added, 2);
    assert.deepEqual(history.partner, [{ date: '2025-12-01', score: 40, compliant: 2, total: 5 }, { date: '2026-02-01', score: 70, compliant: 4, total: 5 }]);
  });

  it('imports only the days it lacks, remapping controls through the dictionaries', () => {
    const mine = mergeSnapshots(emptyHistory(), [snapshot('2026-03-02', 20, 40, [['b', 'Data', 3]])]).history;
    const theirs = mergeSnapshots(emptyHistory(), [
      snapshot('2026-03-01', 18, 40, [['a', 'Identity', 1], ['b', 'Data', 2]]),
      snapshot('2026-03-02', 99, 40, [['b', 'Data', 9]]),
    ]).history;
    const { history, added } = mergeHistories(mine, theirs);
    assert.equal(added, 1);
    assert.deepEqual(history.controls.map(c => c.id), ['b', 'a']);
    assert.deepEqual(history.days.map(d => [d.date, d.current]), [['2026-03-01', 18], ['2026-03-02', 20]], 'the stored day keeps its numbers');
    assert.deepEqual(history.days[0].scores, [2, 1]);
  });

  it('reads back what it writes, and refuses files that are not a history', () => {
    const { history } = mergeSnapshots(emptyHistory(), [snapshot('2026-01-01', 10, 50, [['mfa', 'Identity', 4, 10]])]);
    assert.deepEqual(parseHistory(JSON.parse(JSON.stringify(history))), history);
    const bad: [unknown, RegExp][] = [
      [[], /not a JSON object/],
      [{ ...history, format: 'other' }, /format/],
      [{ ...history, version: 2 }, /version 2/],
      [{ ...history, days: [{ ...history.days[0], date: '2026-02-30' }] }, /date/],
      [{ ...history, days: [{ ...history.days[0], current: 'NaN' }] }, /not a number/],
      [{ ...history, days: [{ ...history.days[0], scores: [1, 2, 3] }] }, /at most 1 numbers/],
      [{ ...history, days: [history.days[0], history.days[0]] }, /twice/],
      [{ ...history, controls: [{ id: 'x'.repeat(500) }] }, /short text/],
    ];
    for (const [value, message] of bad) {
      assert.throws(() => parseHistory(value), (e: Error) => e instanceof HistoryFormatError && message.test(e.message), JSON.stringify(value).slice(0, 80));
    }
  });

  it('sums points per category per day, and cuts ranges from the newest day', () => {
    const { history } = mergeSnapshots(emptyHistory(), [
      snapshot('2026-01-01', 10, 50, [['a', 'Identity', 4], ['b', 'Account', 1], ['c', 'Data', 5]]),
      snapshot('2026-01-09', 12, 50, [['a', 'Identity', 6], ['c', 'Data', 6]]),
    ]);
    const points = dayPoints(history);
    assert.deepEqual(points[0].categories, { Identity: 5, Data: 5, Device: 0, Apps: 0, Infrastructure: 0 }, 'Account is Identity');
    assert.equal(points[1].percent, 24);
    assert.deepEqual(inRange(points, '7').map(p => p.date), ['2026-01-09']);
    assert.deepEqual(inRange(points, '30').map(p => p.date), ['2026-01-01', '2026-01-09']);
    assert.equal(inRange(points, 'all').length, 2);
  });
});

describe('score history: the per-tenant file store', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sp-history-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  function fakeStore(tenantKey: string, scores: SecureScore[]) {
    const listeners = new Set<(ids: string[]) => void>();
    const store = {
      currentTenantKey: tenantKey,
      onDidChange: (l: (ids: string[]) => void) => (listeners.add(l), { dispose: () => listeners.delete(l) }),
      get: (id: string) => (id === 'scores' ? { status: 'ready', stale: false, data: scores, warnings: [] } : { status: 'idle', stale: false, warnings: [] }),
      fire: (ids: string[]) => listeners.forEach(l => l(ids)),
    };
    return store;
  }

  it('seeds, merges each fresh refresh into a file per tenant, exports and imports', async () => {
    const data = generateTenant({ now: new Date('2026-11-22T12:00:00Z'), historyDays: 30 });
    assert.equal(data.secureScores.length, 90);
    assert.equal(data.secureScoreArchive?.length, 30);
    const store = fakeStore('graph:tenant-a', data.secureScores);
    const service = new HistoryService(dir);
    service.attach(store as unknown as PostureStore);
    await service.seed('graph:tenant-a', data.secureScoreArchive!);
    store.fire(['scores']);
    await service.settled();
    assert.equal(service.current().days.length, 120, 'older days and Graph\'s 90 make one run');
    const files = await fs.readdir(dir);
    assert.equal(files.length, 1);
    assert.doesNotMatch(files[0], /tenant-a/, 'the file name does not name the tenant');

    const exported = await service.exportJson();
    const other = new HistoryService(path.join(dir, 'other'));
    const otherStore = fakeStore('graph:tenant-a', []);
    other.attach(otherStore as unknown as PostureStore);
    otherStore.fire([]);
    const result = await other.importJson(exported);
    assert.equal(result.total, 120);
    await assert.rejects(other.importJson('{"format":"security-posture-history","version":1,"tenantId":"someone-else","controls":[],"days":[],"partner":[]}'), /belongs to tenant someone-else/);
    await assert.rejects(other.importJson('not json'), HistoryFormatError);

    // A fresh service reads the file back.
    const again = new HistoryService(dir);
    again.attach(store as unknown as PostureStore);
    store.fire([]);
    await again.settled();
    assert.equal(again.current().days.length, 120);
  });

  it('sets an unreadable file aside and starts again', async () => {
    const service = new HistoryService(dir);
    await fs.writeFile(service.fileFor('k'), '{ broken');
    const store = fakeStore('k', [snapshot('2026-01-01', 1, 2)]);
    service.attach(store as unknown as PostureStore);
    store.fire(['scores']);
    await service.settled();
    assert.equal(service.current().days.length, 1);
    assert.ok((await fs.readdir(dir)).some(f => f.endsWith('.bad')));
  });
});

describe('analytics: what changed between two days', () => {
  const profiles = [
    profile('mfa', 'Identity', 10),
    profile('thirdParty', 'Apps', 8, [['ThirdParty', '2026-01-01T10:00:00Z']]),
    profile('ignored', 'Data', 5, [['Ignored', '2026-01-01T10:00:00Z']]),
    profile('grown', 'Device', 6),
    profile('added', 'Apps', 3),
  ];
  const history = mergeSnapshots(emptyHistory(), [
    snapshot('2026-01-01', 15, 35, [['mfa', 'Identity', 4, 10], ['thirdParty', 'Apps', 2, 8], ['ignored', 'Data', 5, 5], ['grown', 'Device', 3, 4], ['gone', 'Data', 1, 1]]),
    snapshot('2026-01-02', 24, 40, [['mfa', 'Identity', 6, 10], ['thirdParty', 'Apps', 8, 8], ['ignored', 'Data', 0], ['grown', 'Device', 3, 6], ['added', 'Apps', 1, 3]]),
  ]).history;

  it('finds the state in force at a snapshot from the control\'s state updates', () => {
    assert.equal(stateAt(profiles[1], '2026-01-01T00:00:00Z'), 'Default');
    assert.equal(stateAt(profiles[1], '2026-01-02T00:00:00Z'), 'ThirdParty');
    assert.equal(stateAt(undefined, '2026-01-02T00:00:00Z'), 'Default');
  });

  it('splits the change into state marks, Microsoft\'s side and configuration, and says what is not explained', () => {
    const c = compareDays(history, '2026-01-02', '2026-01-01', profiles)!;
    assert.equal(c.from, '2026-01-01', 'either order');
    assert.equal(c.delta, 9);
    assert.equal(c.maxDelta, 5);
    const byKind = Object.fromEntries(c.groups.map(g => [g.kind, g]));
    assert.deepEqual(byKind.stateMark.changes.map(x => [x.id, x.delta, x.reason]), [
      ['thirdParty', 6, 'To address → Resolved through third party'],
      ['ignored', -5, 'To address → Risk accepted'],
    ]);
    assert.deepEqual(byKind.microsoft.changes.map(x => [x.id, x.delta, x.reason]), [
      ['gone', -1, 'Removed by Microsoft'],
      ['added', 1, 'Added by Microsoft'],
      ['grown', 0, 'Maximum changed from 4 to 6'],
    ]);
    assert.deepEqual(byKind.configuration.changes.map(x => [x.id, x.before, x.after, x.delta]), [['mfa', 4, 6, 2]]);
    assert.equal(byKind.stateMark.points, 1);
    // 4 + 2 + 5 + 3 + 1 = 15 = current; 6 + 8 + 0 + 3 + 1 = 18, but Graph says 24.
    assert.equal(c.unexplained, 6);
    assert.equal(byKind.microsoft.changes.find(x => x.id === 'gone')?.title, 'gone', 'a control without a profile is named by its id');
  });

  it('answers undefined for a day it does not have', () => {
    assert.equal(compareDays(history, '2026-01-01', '2025-01-01', profiles), undefined);
  });
});

describe('analytics: what-if projection and honesty meter', () => {
  const profiles = [
    profile('mfa', 'Identity', 10),
    profile('dlp', 'Data', 6, [['ThirdParty', '2026-01-01T10:00:00Z']]),
    profile('rev', 'Apps', 4, [['Reviewed', '2026-01-01T10:00:00Z']]),
    profile('risk', 'Device', 5, [['Ignored', '2026-01-01T10:00:00Z']]),
    profile('old', 'Apps', 3),
  ];
  const scores = [snapshot('2026-01-05', 14, 25, [['mfa', 'Identity', 4], ['dlp', 'Data', 6], ['rev', 'Apps', 4], ['risk', 'Device', 0]], { AllTenants: 60, TotalSeats: 65, IndustryTypes: 50 })];

  it('adds the remaining points of each planned control and places the result against the averages', () => {
    const p = projectScore(scores, profiles, ['mfa', 'risk', 'mfa', 'unknown'])!;
    assert.deepEqual(p.controls.map(c => [c.id, c.gain]), [['mfa', 6], ['risk', 5]]);
    assert.equal(p.projected, 25);
    assert.equal(p.percent, 56);
    assert.equal(p.projectedPercent, 100);
    assert.equal(p.capped, false);
    assert.deepEqual(p.comparisons.map(c => [c.basis, c.now, c.projected]), [['AllTenants', -4, 40], ['TotalSeats', -9, 35], ['IndustryTypes', 6, 50]]);
  });

  it('never projects above the maximum, and a control not scored today adds nothing', () => {
    const tight = [{ ...scores[0], maxScore: 20 }];
    const p = projectScore(tight, profiles, ['mfa', 'risk', 'old'])!;
    assert.equal(p.projected, 20);
    assert.equal(p.gain, 6);
    assert.equal(p.capped, true);
    assert.equal(p.controls.find(c => c.id === 'old')?.gain, 0);
    assert.equal(p.controls.find(c => c.id === 'old')?.scored, false);
    assert.equal(projectScore([], profiles, ['mfa']), undefined);
    assert.equal(projectScore(scores, profiles, [])!.projected, 14, 'nothing planned, nothing gained');
  });

  it('splits today\'s points into measured configuration and points granted by marks', () => {
    const m = honestyMeter(scores, profiles)!;
    assert.equal(m.total, 14);
    assert.equal(m.measured, 4);
    assert.equal(m.marked, 10);
    assert.equal(m.markedPercent, 71.43);
    assert.deepEqual(m.byState.map(s => [s.state, s.points, s.count, s.max]), [['ThirdParty', 6, 1, 6], ['Reviewed', 4, 1, 4], ['Ignored', 0, 1, 5]]);
    assert.deepEqual(m.controls.map(c => c.id), ['dlp', 'rev', 'risk']);
    assert.deepEqual(m.categories.find(c => c.category === 'Data'), { category: 'Data', measured: 0, marked: 6 });
  });
});

describe('analytics: the sample tenant has more than Graph\'s 90 days', () => {
  it('generates one continuous run of days and a partner history', () => {
    const data = generateTenant({ now: new Date('2026-11-22T12:00:00Z'), historyDays: 310 });
    const { history } = mergeSnapshots(mergeSnapshots(emptyHistory(), data.secureScoreArchive!).history, data.secureScores);
    assert.equal(history.days.length, 400);
    const dates = history.days.map(d => Date.parse(d.date));
    assert.ok(dates.every((d, i) => i === 0 || d - dates[i - 1] === 86_400_000), 'no gaps');
    const days = dayPoints(history);
    for (const day of days) {
      const sum = Object.values(day.categories).reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(sum - day.current) < 0.1, `${day.date}: categories sum to the score`);
    }
    const meter = honestyMeter(data.secureScores, data.controlProfiles)!;
    assert.ok(meter.marked > 0 && meter.measured > 0, 'the sample shows both kinds of points');
    const c = compareDays(history, history.days[0].date, history.days[399].date, data.controlProfiles)!;
    assert.ok(c.groups.every(g => g.changes.length > 0), 'a year shows every kind of change');
    assert.ok(Math.abs(c.unexplained) < 0.1);
  });
});

describe('panel protocol', () => {
  it('checks page messages before the host acts on them', () => {
    assert.deepEqual(parsePageMessage({ type: 'setRange', range: '30' }), { type: 'setRange', range: '30' });
    assert.equal(parsePageMessage({ type: 'setRange', range: '31' }), undefined);
    assert.equal(parsePageMessage({ type: 'pickDay', date: '2026-1-1' }), undefined);
    assert.equal(parsePageMessage({ type: 'action', action: 'deleteEverything' }), undefined);
    assert.equal(parsePageMessage({ type: 'setPlanned', id: 'x', planned: 'yes' }), undefined);
    assert.equal(parsePageMessage({ type: 'openPanel', panel: '../x' }), undefined);
    assert.equal(parsePageMessage('ready'), undefined);
    assert.deepEqual(parseViewState({ range: 'all', from: '2026-01-01', to: 'x', category: 5 }, 'whatChanged'), { kind: 'whatChanged', range: 'all', from: '2026-01-01' });
  });

  it('writes CSV with quoting, and defuses formulas in text', () => {
    assert.equal(csvCell('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
    assert.equal(csvCell(-3.5), '-3.5');
    assert.equal(csvCell(null), '');
    assert.equal(toCsv(['Day', 'Points'], [['2026-01-01', 1], ['2026-01-02', null]]), 'Day,Points\r\n2026-01-01,1\r\n2026-01-02,\r\n');
    const table = chartTable({ type: 'line', labelHeader: 'Day', labelKind: 'date', valueKind: 'points', labels: ['a', 'b'], series: [{ id: 's', label: 'S', color: 'blue', values: [1, null] }] });
    assert.deepEqual(table, { header: ['Day', 'S'], rows: [['a', 1], ['b', null]] });
  });

  it('keeps the plan per tenant', async () => {
    const map = new Map<string, unknown>();
    const plan = new PlanStore({ get: <T>(k: string) => map.get(k) as T, update: async (k, v) => void (v === undefined ? map.delete(k) : map.set(k, v)), keys: () => [...map.keys()] });
    let changes = 0;
    plan.onDidChange(() => changes++);
    await plan.setPlanned('a', ['x', 'y'], true);
    await plan.setPlanned('a', ['x'], false);
    assert.deepEqual(plan.get('a'), ['y']);
    assert.deepEqual(plan.get('b'), []);
    assert.equal(changes, 2);
    await plan.forget('a');
    assert.equal(map.size, 0);
  });
});
