// A page can list an item twice (a pager that shifted while we read, or a misbehaving proxy).
// Each item becomes a tree row with an id built from its Graph id, and VS Code refuses a tree
// with two rows of one id, so repeats are dropped before anything shows them.
import type { AlertsData, SectionData, SectionId } from './store';

/** The first of each key, in order. */
export function unique<T>(items: T[], key: (item: T) => unknown): T[] {
  const seen = new Set<unknown>();
  return items.filter(item => {
    const k = key(item);
    if (seen.has(k)) {
      return false;
    }
    seen.add(k);
    return true;
  });
}

export const byId = (item: { id?: unknown }) => item?.id;

/**
 * The nextLink of a page, unless every item is in already (Graph's exact `@odata.count`): a link
 * past the end, such as one pointing back at the page itself, would show a "Load more" that loops.
 */
export function nextLinkIfMore(nextLink: string | undefined, loaded: number, count: number | undefined): string | undefined {
  return count !== undefined && loaded >= count ? undefined : nextLink;
}

export function withoutRepeats<K extends SectionId>(id: K, data: SectionData[K]): SectionData[K] {
  switch (id) {
    case 'alerts': {
      const alerts = data as AlertsData;
      return { ...alerts, groups: alerts.groups.map(g => ({ ...g, items: unique(g.items, byId) })) } as SectionData[K];
    }
    case 'partner': {
      const partner = data as SectionData['partner'];
      return { ...partner, requirements: unique(partner.requirements, byId), history: unique(partner.history, byId) } as SectionData[K];
    }
    case 'customers':
      return unique(data as SectionData['customers'], c => c?.tenantId) as SectionData[K];
    default:
      return unique(data as { id?: unknown }[], byId) as SectionData[K];
  }
}
