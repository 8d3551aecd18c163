// The four posture views in one table: their names, the store sections they show, how their
// roots are built, and how their trees behave. The composition root creates them from it and
// the view commands refresh by it.
import type { AlertQueries } from '../model/alertQueries';
import type { SectionId } from '../model/store';
import { alertsRoots } from './alertsView';
import type { ViewContext } from './common';
import { controlsRoots } from './controlsView';
import type { Node } from './node';
import { partnerRoots } from './partnerView';
import { queryRows } from './queryView';
import { secureScoreRoots } from './secureScoreView';

export type ViewName = 'secureScore' | 'controls' | 'alerts' | 'partner';

export interface ViewSpec {
  name: ViewName;
  /** Store sections the view shows: a change to one re-renders it; its Refresh reloads them. */
  sections: SectionId[];
  roots(ctx: ViewContext, queries: AlertQueries): Node[];
  canSelectMany: boolean;
  showCollapseAll: boolean;
}

export const VIEWS: readonly ViewSpec[] = [
  { name: 'secureScore', sections: ['scores', 'profiles'], roots: secureScoreRoots, canSelectMany: false, showCollapseAll: false },
  { name: 'controls', sections: ['profiles', 'scores'], roots: controlsRoots, canSelectMany: true, showCollapseAll: true },
  { name: 'alerts', sections: ['alerts'], roots: (ctx, queries) => [...alertsRoots(ctx), ...queryRows(ctx, queries)], canSelectMany: true, showCollapseAll: true },
  { name: 'partner', sections: ['partner', 'customers', 'partnerAlerts'], roots: partnerRoots, canSelectMany: false, showCollapseAll: true },
];

export function viewSpec(name: ViewName): ViewSpec {
  return VIEWS.find(v => v.name === name)!;
}
