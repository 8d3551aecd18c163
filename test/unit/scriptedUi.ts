// The UI port scripted for Node tests: each prompt takes the next answer (a function that picks
// from what was offered, so a test names the choice by its label), and everything shown is kept.
import * as assert from 'node:assert/strict';
import type { Choice, InputOptions, PickOptions, Severity, Ui } from '../../src/commands/ui';

export type Answer =
  | { pick: string }
  /** Labels of grouped choices come as `group › label`, so a test can tell two tenants' items apart. */
  | { pickMany: (labels: string[]) => string[] }
  | { input: string }
  | { confirm: boolean }
  | { dismiss: true };

export interface Shown {
  kind: 'pick' | 'pickMany' | 'input' | 'confirm' | 'notify' | 'status' | 'report';
  text: string;
  severity?: Severity;
  choices?: string[];
  /** An input's validation message for the text given. */
  problem?: string;
}

export class ScriptedUi implements Ui {
  readonly shown: Shown[] = [];
  readonly logged: string[] = [];
  private readonly waiters: { test: (s: Shown) => boolean; resolve: (s: Shown) => void }[] = [];

  constructor(private readonly answers: Answer[] = [], private readonly notifyAnswers: (string | undefined)[] = []) {}

  script(...answers: Answer[]): this {
    this.answers.push(...answers);
    return this;
  }

  answerNotifications(...answers: (string | undefined)[]): this {
    this.notifyAnswers.push(...answers);
    return this;
  }

  /** Resolves at the next thing shown that passes `test` (or one already shown after `from`). */
  async next(test: (s: Shown) => boolean, from = 0): Promise<Shown> {
    const seen = this.shown.slice(from).find(test);
    return seen ?? new Promise(resolve => this.waiters.push({ test, resolve }));
  }

  private record(s: Shown): void {
    this.shown.push(s);
    for (const w of [...this.waiters]) {
      if (w.test(s)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(s);
      }
    }
  }

  private take(kind: string): Answer {
    const answer = this.answers.shift();
    assert.ok(answer, `no scripted answer left for a ${kind}`);
    return answer;
  }

  async pick<T>(choices: Choice<T>[], options: PickOptions): Promise<T | undefined> {
    this.record({ kind: 'pick', text: options.title, choices: choices.map(c => c.label) });
    const answer = this.take('pick');
    if ('dismiss' in answer) {
      return undefined;
    }
    assert.ok('pick' in answer, `expected a pick answer for "${options.title}"`);
    const chosen = choices.find(c => c.label === answer.pick);
    assert.ok(chosen, `"${answer.pick}" is offered in "${options.title}": ${choices.map(c => c.label).join(', ')}`);
    return chosen.value;
  }

  async pickMany<T>(choices: Choice<T>[], options: PickOptions): Promise<T[] | undefined> {
    const name = (c: Choice<T>) => (c.group === undefined ? c.label : `${c.group} › ${c.label}`);
    this.record({ kind: 'pickMany', text: options.title, choices: choices.map(c => `${c.picked ? '[x]' : '[ ]'} ${name(c)}`) });
    const answer = this.take('pickMany');
    if ('dismiss' in answer) {
      return undefined;
    }
    assert.ok('pickMany' in answer, `expected a pickMany answer for "${options.title}"`);
    const labels = answer.pickMany(choices.map(name));
    return choices.filter(c => labels.includes(name(c))).map(c => c.value);
  }

  async input(options: InputOptions): Promise<string | undefined> {
    const answer = this.take('input');
    if ('dismiss' in answer) {
      this.record({ kind: 'input', text: options.title });
      return undefined;
    }
    assert.ok('input' in answer, `expected an input answer for "${options.title}"`);
    const problem = options.validate?.(answer.input);
    this.record({ kind: 'input', text: options.title, problem });
    // VS Code keeps the box open while the text is refused: a refused answer is a dismissal here.
    return problem ? undefined : answer.input;
  }

  async confirm(message: string): Promise<boolean> {
    this.record({ kind: 'confirm', text: message });
    const answer = this.take('confirm');
    return 'confirm' in answer && answer.confirm;
  }

  async notify(severity: Severity, message: string, ...actions: string[]): Promise<string | undefined> {
    this.record({ kind: 'notify', severity, text: message, choices: actions });
    return this.notifyAnswers.shift();
  }

  status(message: string): void {
    this.record({ kind: 'status', text: message });
  }

  progress<T>(_title: string, _many: boolean, task: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return task(new AbortController().signal);
  }

  async showReport(markdown: string): Promise<void> {
    this.record({ kind: 'report', text: markdown });
  }

  readonly log = { warn: (m: string) => void this.logged.push(m), error: (m: string) => void this.logged.push(m) };

  showLog(): void {
    this.logged.push('(log shown)');
  }
}
