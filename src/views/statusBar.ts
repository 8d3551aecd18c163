// The Secure Score percent in the status bar, with the "as of" time in its tooltip, and the
// projected percent when improvement actions are planned (what-if).
import * as vscode from 'vscode';
import type { Projection } from '../model/analytics';
import type { StoreView } from '../model/store';
import { summarizeSecureScore } from '../model/secureScore';
import { age, percent, points, signed } from '../model/format';

export class ScoreStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('securityPosture.score', vscode.StatusBarAlignment.Left, 50);
  private readonly subscription: { dispose(): void };
  private enabled = true;

  constructor(private readonly store: StoreView, private readonly label: () => string, private readonly projection: () => Projection | undefined = () => undefined) {
    this.item.name = 'Security Posture: Secure Score';
    this.item.command = 'securityPosture.secureScore.focus';
    this.subscription = store.onDidChange(ids => {
      if (ids.includes('scores') || ids.includes('profiles')) {
        this.update();
      }
    });
  }

  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
    this.update();
  }

  update(): void {
    const section = this.store.get('scores');
    const summary = section.data ? summarizeSecureScore(section.data, this.store.get('profiles').data ?? []) : undefined;
    if (!this.enabled || !summary) {
      this.item.hide();
      return;
    }
    const projection = this.projection();
    const planned = projection && projection.controls.length > 0 ? projection : undefined;
    this.item.text = `$(shield) ${percent(summary.percent)}${planned ? ` → ${percent(planned.projectedPercent)}` : ''}${section.stale ? ' $(history)' : ''}`;
    const md = new vscode.MarkdownString('', false);
    md.isTrusted = false;
    md.appendMarkdown(`**Secure Score ${percent(summary.percent)}** — `);
    md.appendText(`${points(summary.current)} / ${points(summary.max)} points`);
    if (summary.deltaPoints !== undefined) {
      md.appendText(` (${signed(summary.deltaPoints)} since the previous day)`);
    }
    if (planned) {
      md.appendMarkdown('\n\n');
      md.appendText(`Projected ${percent(planned.projectedPercent)} (${signed(planned.gain)} points) if the ${planned.controls.length} planned improvement action${planned.controls.length === 1 ? ' is' : 's are'} completed.`);
    }
    md.appendMarkdown('\n\n');
    md.appendText(`${this.label()} · ${section.stale ? 'saved' : 'refreshed'} ${age(section.asOf)}${section.stale ? ' (stale)' : ''}`);
    this.item.tooltip = md;
    this.item.show();
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
