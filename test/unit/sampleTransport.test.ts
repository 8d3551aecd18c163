// The sample tenant goes through the same auth middleware as a real tenant: its requests carry
// sample tokens, an unknown token gets Graph's 401, the middleware retries once with a fresh
// token, and a token is never sent to another origin.
import * as assert from 'node:assert/strict';
import { resolveCloud } from '../../src/graph/clouds';
import { GraphService } from '../../src/graph/client';
import type { SecureScore } from '../../src/graph/types';
import { GraphEngine } from '../../src/sample/engine';
import { generateTenant } from '../../src/sample/generator';
import type { Caller, EngineRequest } from '../../src/sample/protocol';
import { inProcessConnection } from '../../src/sample/transport';

const NOW = new Date('2026-11-22T10:00:00Z');

function setup() {
  const dataset = generateTenant({ now: NOW });
  const engine = new GraphEngine(dataset, { now: () => NOW });
  const seen: { auth: string | undefined; caller: Caller }[] = [];
  const recording = {
    handle(req: EngineRequest, caller: Caller) {
      seen.push({ auth: req.headers.authorization, caller });
      return engine.handle(req, caller);
    },
  };
  const caller: Caller = { tenantId: dataset.tenantId, upn: dataset.signedInUser, appOnly: false, permissions: ['SecurityEvents.Read.All'] };
  const connection = inProcessConnection(recording, caller);
  const graph = new GraphService({ cloud: resolveCloud('AzureCloud'), ...connection, maxRetries: 0 });
  return { graph, credential: connection.credential, seen, dataset };
}

describe('sample tenant through the auth middleware', () => {
  it('sends a bearer sample token and answers as the caller the token stands for', async () => {
    const { graph, credential, seen, dataset } = setup();
    const page = await graph.getPage<SecureScore>('/security/secureScores?$top=1', { area: 'secureScore' });
    assert.equal(page.items.length, 1);
    assert.equal(seen.length, 1);
    assert.match(seen[0].auth ?? '', /^Bearer sample\.[A-Za-z0-9_-]{24}$/);
    assert.equal(seen[0].caller.tenantId, dataset.tenantId);
    assert.equal(credential.issuedCount, 1);
  });

  it('retries once with a fresh token after Graph answers 401 to a revoked one', async () => {
    const { graph, credential, seen } = setup();
    await graph.getPage('/security/secureScores?$top=1', { area: 'secureScore' });
    const first = seen[0].auth;
    credential.revokeIssued();
    const page = await graph.getPage<SecureScore>('/security/secureScores?$top=1', { area: 'secureScore' });
    assert.equal(page.items.length, 1);
    // The revoked token was answered 401 by the transport (never reaching the engine), then a new one worked.
    assert.equal(credential.issuedCount, 2);
    assert.equal(seen.length, 2);
    assert.notEqual(seen[1].auth, first);
  });

  it('refuses to send the sample token to another origin', async () => {
    const { graph, seen } = setup();
    await assert.rejects(graph.getPage('https://graph.example.invalid/v1.0/security/secureScores', { area: 'secureScore' }),
      (error: Error) => /Refused to send a token to https:\/\/graph\.example\.invalid/.test(error.message));
    assert.equal(seen.length, 0);
  });
});
