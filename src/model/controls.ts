// Improvement actions: control profiles joined with today's controlScores (controlName = profile id),
// current state from the latest controlStateUpdates entry, grouping and ordering.
import type { SecureScore, SecureScoreControlProfile, SecureScoreControlStateUpdate } from '../graph/types';
import { CONTROL_STATE_NAMES, humanize, normalizeControlState } from './format';
import { num } from './secureScore';
import { round2 } from './numbers';

export type GroupBy = 'category' | 'service' | 'state';

export interface ControlRow {
  id: string;
  title: string;
  category: string;
  service: string;
  tier: string;
  actionType: string;
  rank: number;
  /** Points earned today; undefined when today's snapshot does not score this control. */
  earned?: number;
  max: number;
  state: string;
  lastUpdate?: SecureScoreControlStateUpdate;
  userImpact: string;
  implementationCost: string;
  deprecated: boolean;
  /** Defender device controls (`scid_…`) cannot be changed through Graph. */
  updatable: boolean;
  profile: SecureScoreControlProfile;
}

export interface ControlGroup {
  key: string;
  label: string;
  rows: ControlRow[];
  earned: number;
  max: number;
}

/** The current state is the newest entry of the history (by date; the last one on ties or missing dates). */
export function latestStateUpdate(updates: SecureScoreControlStateUpdate[] | null | undefined): SecureScoreControlStateUpdate | undefined {
  if (!updates?.length) {
    return undefined;
  }
  let best = updates[0];
  for (const u of updates.slice(1)) {
    const a = Date.parse(best.updatedDateTime ?? '');
    const b = Date.parse(u.updatedDateTime ?? '');
    if (Number.isNaN(a) || Number.isNaN(b) || b >= a) {
      best = u;
    }
  }
  return best;
}

export function buildControlRows(profiles: SecureScoreControlProfile[], latest: SecureScore | undefined): ControlRow[] {
  const scores = new Map((latest?.controlScores ?? []).map(c => [c.controlName, c]));
  return profiles.map(profile => {
    const update = latestStateUpdate(profile.controlStateUpdates);
    const scored = scores.get(profile.id);
    return {
      id: profile.id,
      title: profile.title || profile.id,
      category: profile.controlCategory === 'Account' ? 'Identity' : profile.controlCategory || 'Other',
      service: profile.service || 'Other',
      tier: profile.tier ?? '',
      actionType: profile.actionType ?? '',
      rank: Number.isFinite(num(profile.rank)) && profile.rank !== null ? num(profile.rank) : Number.MAX_SAFE_INTEGER,
      earned: scored ? num(scored.score) : undefined,
      max: num(profile.maxScore),
      state: normalizeControlState(update?.state),
      lastUpdate: update,
      userImpact: humanize(profile.userImpact) || 'Unknown',
      implementationCost: humanize(profile.implementationCost) || 'Unknown',
      deprecated: profile.deprecated === true,
      updatable: !/^scid_/i.test(profile.id),
      profile,
    };
  });
}

const CATEGORY_ORDER = ['Identity', 'Data', 'Device', 'Apps', 'Infrastructure'];
const STATE_ORDER = Object.keys(CONTROL_STATE_NAMES);

export function groupControls(rows: ControlRow[], groupBy: GroupBy, showDeprecated: boolean): ControlGroup[] {
  const groups = new Map<string, ControlRow[]>();
  for (const row of rows) {
    if (row.deprecated && !showDeprecated) {
      continue;
    }
    const key = groupBy === 'category' ? row.category : groupBy === 'service' ? row.service : row.state;
    const list = groups.get(key) ?? [];
    list.push(row);
    groups.set(key, list);
  }
  const order = groupBy === 'category' ? CATEGORY_ORDER : groupBy === 'state' ? STATE_ORDER : [];
  const rank = (key: string) => {
    const i = order.indexOf(key);
    return i === -1 ? order.length : i;
  };
  return [...groups]
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([key, list]) => ({
      key,
      label: groupBy === 'state' ? CONTROL_STATE_NAMES[key] ?? humanize(key) : key,
      rows: list.sort((a, b) => a.rank - b.rank || a.title.localeCompare(b.title)),
      earned: round2(list.reduce((sum, r) => sum + (r.earned ?? 0), 0)),
      max: round2(list.reduce((sum, r) => sum + r.max, 0)),
    }));
}
