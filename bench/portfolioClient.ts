// One measured portfolio read in a process of its own (so its memory is its own): discovery from
// the partner tenant, then every readable customer, ours (the PortfolioFetcher: one $batch per
// customer, 8 customers in flight) or the naive peer (tenant by tenant, the full 90-day Secure
// Score list and every open alert). Both sign in with real MSAL, one token per customer tenant.
import { readFileSync } from 'node:fs';
import { ClientSecretCredential } from '@azure/identity';
import { credentialForTenant } from '../src/auth/tenantCredential';
import type { TokenCredential } from '../src/auth/tokenCredential';
import { GraphService } from '../src/graph/client';
import { resolveCloud } from '../src/graph/clouds';
import type { SecureScore, SecurityAlert } from '../src/graph/types';
import { PortfolioFetcher, discoverCustomers, type PortfolioCustomer } from '../src/model/portfolio';
import { trustEmulator } from '../test/unit/emulatorClient';
import type { EmulatorAddress } from './client';
import { memoryPeak } from './measure';

export type PortfolioMode = 'ours' | 'naive';

export interface PortfolioJob {
  mode: PortfolioMode;
  emulator: EmulatorAddress;
  now: string;
}

export interface PortfolioJobResult {
  wallMs: number;
  memoryMB: number;
  customers: number;
  read: number;
  blocked: number;
  /** Requests the client sent again (429, 5xx, no answer). */
  retried: number;
  /** Graph requests the client sent (inner $batch requests counted), for the retry share. */
  graphRequests: number;
}

async function run(job: PortfolioJob): Promise<PortfolioJobResult> {
  const { url, tenantId, caCertPath, clients } = job.emulator;
  trustEmulator(caCertPath);
  const client = clients[0];
  const cloud = resolveCloud('Custom', { graphEndpoint: url, authorityHost: url });
  const msal = new ClientSecretCredential(tenantId, client.clientId, client.secret!, {
    authorityHost: url, disableInstanceDiscovery: true, additionallyAllowedTenants: ['*'], tlsOptions: { ca: readFileSync(caCertPath) },
  });
  const scopes = [`${url}/.default`];
  const service = (credential: TokenCredential, maxRetries?: number) => new GraphService({ cloud, credential, scopesFor: () => scopes, maxRetries });
  const partner = service(credentialForTenant(msal, tenantId));
  await partner.get('/security/secureScores?$top=1', { area: 'secureScore' });

  const memory = memoryPeak();
  const started = performance.now();
  const { customers } = await discoverCustomers(partner, { mode: 'gdap', now: new Date(job.now) });
  let result: Omit<PortfolioJobResult, 'wallMs' | 'memoryMB'>;
  if (job.mode === 'ours') {
    // Rows are what the view keeps: a few numbers per customer.
    const rows: unknown[] = [];
    const fetcher = new PortfolioFetcher({ cloud, clientId: client.clientId, graphFor: t => service(credentialForTenant(msal, t), 0) });
    const summary = await fetcher.run(customers, { onCustomer: r => rows.push(r) });
    result = { customers: customers.length, read: summary.read, blocked: summary.blocked, retried: summary.retried, graphRequests: summary.graphRequests };
  } else {
    // No retries for the peer: a tenant answering Retry-After: 600 would otherwise stall it for minutes.
    result = await naive(customers, t => service(credentialForTenant(msal, t), 0));
  }
  const wallMs = performance.now() - started;
  return { wallMs, memoryMB: memory.stop(), ...result };
}

/** The peer: one tenant after another, 90 full snapshots and every open alert to count high and medium. */
async function naive(customers: PortfolioCustomer[], graphFor: (tenantId: string) => GraphService): Promise<Omit<PortfolioJobResult, 'wallMs' | 'memoryMB'>> {
  let read = 0;
  let blocked = 0;
  let graphRequests = 0;
  const rows: unknown[] = [];
  for (const customer of customers) {
    if (!customer.access.canRead) {
      blocked++;
      continue;
    }
    const graph = graphFor(customer.tenantId);
    try {
      const scores = await graph.getAll<SecureScore>('/security/secureScores', { area: 'secureScore' });
      const alerts = await graph.getAll<SecurityAlert>(`/security/alerts_v2?$filter=${encodeURIComponent("status eq 'new' or status eq 'inProgress'")}`, { area: 'alerts' });
      graphRequests += scores.pages + alerts.pages;
      const latest = scores.items[0];
      rows.push({
        tenantId: customer.tenantId, current: latest?.currentScore, max: latest?.maxScore,
        high: alerts.items.filter(a => a.severity === 'high').length, medium: alerts.items.filter(a => a.severity === 'medium').length,
      });
      read++;
    } catch {
      blocked++;
    }
  }
  // The SDK's retry handler retries out of sight: the emulator's log counts those.
  return { customers: customers.length, read, blocked, retried: 0, graphRequests };
}

process.once('message', (job: PortfolioJob) => {
  run(job).then(
    result => process.send!(result, () => process.exit(0)),
    (error: unknown) => process.send!({ error: error instanceof Error ? error.stack ?? error.message : String(error) }, () => process.exit(1)),
  );
});
