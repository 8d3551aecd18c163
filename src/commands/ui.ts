// The UI port: the few prompts command flows need (pick, input, confirm, notify, progress, a
// report document), with no `vscode` import, so a flow runs the same against VS Code's UI
// (vscodeUi.ts) and against a scripted UI in Node tests.
import { PostureError } from '../graph/errors';

export interface Choice<T> {
  label: string;
  description?: string;
  detail?: string;
  /** Pre-selected (many) or the current value (one). */
  picked?: boolean;
  /** A heading (e.g. a tenant's name) shown above the first choice of each run of choices with it. */
  group?: string;
  value: T;
}

export interface PickOptions {
  title: string;
  placeholder?: string;
}

export interface InputOptions {
  title: string;
  prompt?: string;
  value?: string;
  /** The reason the text is not acceptable, shown while typing; undefined when it is. */
  validate?(text: string): string | undefined;
}

export type Severity = 'info' | 'warning' | 'error';

export interface Ui {
  /** One choice, or undefined when dismissed. */
  pick<T>(choices: Choice<T>[], options: PickOptions): Promise<T | undefined>;
  /** Several choices (possibly none), or undefined when dismissed. */
  pickMany<T>(choices: Choice<T>[], options: PickOptions): Promise<T[] | undefined>;
  /** Text that passed `validate`, or undefined when dismissed. */
  input(options: InputOptions): Promise<string | undefined>;
  /** A modal question; true only for an explicit yes (`action`). */
  confirm(message: string, options: { detail?: string; action: string }): Promise<boolean>;
  /** A notification; resolves with the action chosen, if any. Flows do not wait on it. */
  notify(severity: Severity, message: string, ...actions: string[]): Promise<string | undefined>;
  /** A short-lived message (the status bar in VS Code). */
  status(message: string): void;
  /** Runs a task with progress shown; `many` makes it prominent (a notification). */
  progress<T>(title: string, many: boolean, task: (signal: AbortSignal) => Promise<T>): Promise<T>;
  /** Opens a Markdown report read-only. */
  showReport(markdown: string): Promise<void>;
  /** The log: what a notification leaves out. */
  log: { warn(message: string): void; error(message: string): void };
  showLog(): void;
}

/** The user dismissed a prompt: the command ends silently. */
export function cancel(): never {
  throw new PostureError('canceled', 'Canceled.');
}

export async function required<T>(value: Promise<T | undefined>): Promise<T> {
  const v = await value;
  return v === undefined ? cancel() : v;
}
