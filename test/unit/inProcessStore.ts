// A store reading a dataset through the real Graph client, answered in-process by the sample
// engine with every read permission: the path a tenant's data takes, minus HTTP.
import { resolveCloud } from '../../src/graph/clouds';
import { GraphService } from '../../src/graph/client';
import { SecurityApi } from '../../src/graph/security';
import type { TenantDataset } from '../../src/sample/dataset';
import { PostureStore, type CacheStorage } from '../../src/model/store';
import { GraphEngine } from '../../src/sample/engine';
import { PARTNER_DISCOVERY_PERMISSIONS } from '../../src/sample/portfolio';
import { inProcessConnection } from '../../src/sample/transport';

export function inProcessStore(dataset: TenantDataset, now: () => Date, cache?: CacheStorage): { store: PostureStore; engine: GraphEngine } {
  const engine = new GraphEngine(dataset, { now });
  const permissions = ['SecurityEvents.Read.All', 'SecurityAlert.Read.All', 'PartnerSecurity.Read.All'];
  const graph = new GraphService({
    cloud: resolveCloud('AzureCloud'),
    ...inProcessConnection(engine, { tenantId: dataset.tenantId, upn: dataset.signedInUser, appOnly: false, permissions }),
  });
  const store = new PostureStore(cache, now);
  store.connect(new SecurityApi(graph), 'tenant');
  return { store, engine };
}

/** The sample partner's own Graph client, with what discovery reads (relationships, contracts, insights). */
export function samplePartnerGraph(engine: GraphEngine, dataset: TenantDataset): GraphService {
  return new GraphService({
    cloud: resolveCloud('AzureCloud'),
    ...inProcessConnection(engine, {
      tenantId: dataset.tenantId, upn: dataset.signedInUser, appOnly: false,
      permissions: ['SecurityEvents.Read.All', 'SecurityAlert.Read.All', 'PartnerSecurity.Read.All', ...PARTNER_DISCOVERY_PERMISSIONS],
    }),
  });
}
