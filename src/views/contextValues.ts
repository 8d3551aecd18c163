// The one contextValue grammar: `head+flag+flag…`. A row's head says what it is; flags say what
// can be done with it. package.json's `viewItem` when-clauses match these with regexes, and a
// unit test checks that every head and flag a clause names is one declared here, so a renamed
// head cannot silently hide a menu item.

/** What a row is. */
export const HEADS = [
  'score', 'controlGroup', 'controlProfile', 'alertFilter', 'alertGroup', 'alert', 'alertQuery', 'loadMore',
  'requirement', 'customer', 'portfolioCustomer', 'partnerAlert', 'history', 'detail', 'warning', 'empty', 'error', 'signIn',
] as const;
export type Head = typeof HEADS[number];

/** What can be done with it, or which kind of score row it is. */
export const FLAGS = [
  // score rows
  'secureScore', 'delta', 'category', 'partnerScore',
  // improvement actions
  'updatable', 'readonly', 'deprecated', 'awaitingSync',
  // links a row offers
  'hasActionUrl', 'hasHelpUrl', 'hasWebUrl', 'hasIncidentUrl',
  // requirements
  'compliant', 'noncompliant', 'unknown',
  // alerts
  'assigned', 'unassigned',
  // customers
  'atRisk', 'readable', 'blocked', 'canWrite', 'hasConsentLink',
  // queries
  'saved', 'unsaved',
] as const;
export type Flag = typeof FLAGS[number];

/**
 * Value flags carry data (`state-ThirdParty`, `sev-high`, `status-active`): a prefix from here and
 * letters and digits only after it, so a value from Graph cannot add a flag of its own.
 */
export const VALUE_FLAGS = ['state', 'sev', 'status'] as const;
export type ValueFlag = `${typeof VALUE_FLAGS[number]}-${string}`;

export function valueFlag(name: typeof VALUE_FLAGS[number], value: unknown): ValueFlag {
  return `${name}-${typeof value === 'string' ? value.replace(/[^A-Za-z0-9]/g, '') : 'unknown'}`;
}

/** Builds a contextValue; false, undefined and empty flags are left out. */
export function contextValue(head: Head, ...flags: (Flag | ValueFlag | false | undefined | '')[]): string {
  return [head, ...flags.filter(Boolean)].join('+');
}

export function headOf(value: string | undefined): string {
  return value?.split('+')[0] ?? '';
}
