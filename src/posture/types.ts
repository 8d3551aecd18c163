// The posture file's model: what a `*.posture.yaml` / `*.posture.json` says, and what is wrong
// with it. Every entry keeps the source ranges of its parts, so a problem, a CodeLens or a hover
// lands on the text it is about. No `vscode` import: the command-line tool uses the same model.
import type { AlertChange, ControlStateValue } from '../model/updates';

/** Characters [start, end) of the posture file's text. */
export interface TextRange {
  start: number;
  end: number;
}

export type ProblemSeverity = 'error' | 'warning' | 'info';

export type ProblemCode =
  | 'syntax' | 'duplicate' | 'tooLarge' | 'tooDeep' | 'type' | 'unknownKey' | 'missing' | 'version' | 'tenants' | 'alias'
  | 'unknownControl' | 'readOnlyControl' | 'deprecatedControl' | 'state' | 'commentRequired' | 'comment'
  | 'assignee' | 'expires' | 'expired' | 'expiresUnused' | 'ruleMatch' | 'ruleSet' | 'ruleName' | 'tooManyProblems';

/** A text edit of a quick fix: replace [start, end) with `text`. */
export interface TextEdit extends TextRange {
  text: string;
}

export interface PostureFix {
  title: string;
  edits: TextEdit[];
  /** The fix a user most likely wants (VS Code marks it preferred). */
  preferred?: boolean;
}

export interface PostureProblem {
  severity: ProblemSeverity;
  code: ProblemCode;
  /** Plain text; strings from the file or Graph in it are bounded. */
  message: string;
  range: TextRange;
  /** 1-based line and column of `range.start`, for command-line output. */
  line: number;
  column: number;
  fixes?: PostureFix[];
}

/** Who the file is for. `current` is the signed-in tenant; `allCustomers` a CSP partner's customers. */
export type TenantSelector =
  | { kind: 'current' }
  | { kind: 'allCustomers' }
  | { kind: 'list'; names: { name: string; range: TextRange }[] };

export interface ControlEntry {
  /** The control profile id (the key in the file). */
  id: string;
  /** Undefined when the file's value is not a state (a problem says so); such entries are not planned. */
  state?: ControlStateValue;
  comment?: string;
  assignedTo?: string;
  /** `YYYY-MM-DD` (UTC): after this day the exception lapses and the plan returns it to To address. */
  expires?: string;
  ranges: {
    /** The whole `id: { … }` pair. */
    entry: TextRange;
    key: TextRange;
    /** The `{ … }` value. */
    value: TextRange;
    state?: TextRange;
    comment?: TextRange;
    assignedTo?: TextRange;
    expires?: TextRange;
  };
}

export interface AlertRule {
  /** 0-based position in `alertRules`. */
  index: number;
  name: string;
  /** Text of the Query Alerts filter language. */
  match: string;
  set: AlertChange;
  ranges: {
    entry: TextRange;
    name?: TextRange;
    match?: TextRange;
    set?: TextRange;
  };
  /** Maps a character of `match` to the file's text (quotes and escapes accounted for). */
  matchOffset(index: number): number;
  /** False when a field has the wrong type (a problem says so); such rules are not planned. */
  wellFormed: boolean;
}

export interface PostureDoc {
  fileName: string;
  /** The file's text: ranges and quick fixes refer to it. */
  text: string;
  version?: number;
  tenants: TenantSelector;
  tenantsRange?: TextRange;
  controls: ControlEntry[];
  /** The `controls:` key, for inserting entries. */
  controlsRange?: TextRange;
  alertRules: AlertRule[];
}
