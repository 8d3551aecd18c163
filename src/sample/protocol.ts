// The contract between the Graph client and the in-memory Graph engine that serves the sample
// tenant (in the extension, as the client's final middleware) and the HTTPS emulator (in tests
// and benchmarks). No `vscode` import here: the engine runs anywhere.

export interface EngineRequest {
  method: string;
  /** Path with version and query, e.g. `/v1.0/security/alerts_v2?$top=50`; an absolute URL is accepted and its host ignored. */
  url: string;
  /** Header names in any case. */
  headers: Record<string, string>;
  /** Parsed JSON body, if any. */
  body?: unknown;
}

export interface EngineResponse {
  status: number;
  headers: Record<string, string>;
  /** JSON-serialisable body; undefined for 204. */
  body?: unknown;
}

/** Who is calling, as a real token would tell Graph. */
export interface Caller {
  tenantId: string;
  /** UPN of a delegated caller; null for app-only. */
  upn: string | null;
  appOnly: boolean;
  /** The application (client) id the token was issued to; writes by app-only callers are credited to it. */
  appId?: string;
  /** Delegated `scp` values or application `roles`, e.g. `SecurityAlert.Read.All`. */
  permissions: string[];
}

/**
 * A hook that may answer a request instead of the engine (throttling, injected faults).
 * Called for every top-level request and for every inner request of a `$batch`.
 */
export type RequestInterceptor = (req: EngineRequest, caller: Caller, context: { inBatch: boolean }) => EngineResponse | undefined;
