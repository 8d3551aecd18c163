// What runs only while the user can see a Security Posture view (auto-refresh, watching): one
// place that knows whether any view is visible, runs periodic jobs meanwhile, and tells jobs
// with their own timing (the watch's back-off) when that changes.
import * as vscode from 'vscode';

interface Job {
  minutes: () => number;
  task: () => void;
  timer?: NodeJS.Timeout;
}

export class VisibleScheduler implements vscode.Disposable {
  private readonly jobs = new Set<Job>();
  private readonly emitter = new vscode.EventEmitter<boolean>();
  private readonly subscriptions: vscode.Disposable[];
  private wasVisible: boolean;
  /** Fires with the new visibility when the last view hides or the first one shows. */
  readonly onDidChange = this.emitter.event;

  constructor(private readonly views: readonly vscode.TreeView<unknown>[]) {
    this.wasVisible = this.visible;
    this.subscriptions = views.map(v => v.onDidChangeVisibility(() => this.update()));
  }

  get visible(): boolean {
    return this.views.some(v => v.visible);
  }

  /** Runs `task` every `minutes()` (0 = never) while a view is visible. */
  every(minutes: () => number, task: () => void): vscode.Disposable {
    const job: Job = { minutes, task };
    this.jobs.add(job);
    this.schedule(job);
    return { dispose: () => {
      clearInterval(job.timer);
      this.jobs.delete(job);
    } };
  }

  /** Applies changed intervals (a setting changed). */
  reschedule(): void {
    this.jobs.forEach(job => this.schedule(job));
  }

  private schedule(job: Job): void {
    clearInterval(job.timer);
    job.timer = undefined;
    const minutes = job.minutes();
    if (minutes > 0 && this.visible) {
      job.timer = setInterval(job.task, minutes * 60_000);
    }
  }

  private update(): void {
    const visible = this.visible;
    if (visible !== this.wasVisible) {
      this.wasVisible = visible;
      this.reschedule();
      this.emitter.fire(visible);
    }
  }

  dispose(): void {
    this.jobs.forEach(job => clearInterval(job.timer));
    this.jobs.clear();
    this.subscriptions.forEach(s => s.dispose());
    this.emitter.dispose();
  }
}
