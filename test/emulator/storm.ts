// A fault storm: the faults Graph is known for, each hitting a few percent of requests, so that
// about 30% of them fail one way or another. Plain JSON, so a test in another process (the VS
// Code extension host) can send it to `POST /_emulator/faults` with a seed.
import type { FaultRule } from './faults';

export function faultStorm(probability = 0.045): FaultRule[] {
  const top = (fault: FaultRule['fault']): FaultRule => ({ inBatch: false, probability, fault });
  return [
    top({ kind: 'status', status: 429, retryAfter: '0.15' }),
    top({ kind: 'status', status: 503, retryAfter: '0.1' }),
    top({ kind: 'status', status: 504, retryAfter: '0.1' }),
    top({ kind: 'reset' }),
    // Slower than the client's timeout (the tests use 1.5 s).
    top({ kind: 'delay', ms: 2_500 }),
    top({ kind: 'malformed' }),
    top({ kind: 'partial', warnings: ['Microsoft/WDATP/504/10000'] }),
    top({ kind: 'repeatItems', count: 3 }),
    top({ kind: 'loopNextLink' }),
    top({ kind: 'expireToken' }),
    // Inside a $batch only answers can be faked (status, failAfterWrite); reads get status faults, at about the same odds.
    { inBatch: true, probability: probability * 3, fault: { kind: 'status', status: 429, retryAfter: '0.15' } },
    { inBatch: true, probability: probability * 3, fault: { kind: 'status', status: 503 } },
    { inBatch: true, probability: probability * 2, fault: { kind: 'status', status: 504 } },
  ];
}
