// Graph error bodies, shared by the engine, its OData helpers and the HTTPS emulator.

import { randomUUID } from 'node:crypto';
import type { GraphErrorBody } from '../graph/types';
import type { EngineResponse } from './protocol';

/** Thrown anywhere below the engine's dispatcher; turned into a Graph error response there. */
export class GraphError extends Error {
  constructor(
    readonly status: number,
    /** May be empty: some Graph providers really answer `"code": ""`. */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Thrown for every malformed or unsupported OData query (400 BadRequest). */
export function badRequest(message: string): GraphError {
  return new GraphError(400, 'BadRequest', message);
}

export interface ErrorContext {
  requestId?: string;
  clientRequestId?: string;
  now?: Date;
  headers?: Record<string, string>;
}

/** A complete Graph error response: body with innerError ids and date, plus the matching headers. */
export function graphErrorResponse(status: number, code: string, message: string, context: ErrorContext = {}): EngineResponse {
  const requestId = context.requestId ?? randomUUID();
  const clientRequestId = context.clientRequestId ?? requestId;
  const body: GraphErrorBody = {
    error: {
      code,
      message,
      innerError: {
        // Graph writes the date without fraction or zone designator.
        date: (context.now ?? new Date()).toISOString().slice(0, 19),
        'request-id': requestId,
        'client-request-id': clientRequestId,
      },
    },
  };
  return {
    status,
    headers: {
      'Content-Type': 'application/json',
      'request-id': requestId,
      'client-request-id': clientRequestId,
      ...context.headers,
    },
    body,
  };
}
