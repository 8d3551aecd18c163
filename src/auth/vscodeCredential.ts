// VS Code's built-in Microsoft sign-in, wrapped as a TokenCredential for the Graph client.
import * as vscode from 'vscode';
import type { AccessToken, GetTokenOptions, TokenCredential } from './tokenCredential';
import { PostureError } from '../graph/errors';

export interface VsCodeCredentialOptions {
  providerId: 'microsoft' | 'microsoft-sovereign-cloud';
  clientId: string;
  tenantId: string;
}

/**
 * Asks VS Code for a session with the scopes of each request. Silent by default: only a user
 * action (`interactive()`) may show the sign-in prompt. `VSCODE_CLIENT_ID:` and `VSCODE_TENANT:`
 * go as separate scope entries (comma-joined ones fail).
 */
export class VsCodeSessionCredential implements TokenCredential {
  private lastToken?: string;
  private rejected?: string;
  private allowPrompt = false;

  constructor(private readonly options: VsCodeCredentialOptions) {}

  /** Runs `action` with permission to show the sign-in dialog (for commands the user started). */
  async interactive<T>(action: () => Promise<T>): Promise<T> {
    this.allowPrompt = true;
    try {
      return await action();
    } finally {
      this.allowPrompt = false;
    }
  }

  sessionScopes(scopes: string[]): string[] {
    const extra = [`VSCODE_CLIENT_ID:${this.options.clientId}`];
    if (this.options.tenantId) {
      extra.push(`VSCODE_TENANT:${this.options.tenantId}`);
    }
    return [...new Set(scopes), ...extra];
  }

  async getSession(scopes: string[], prompt: boolean, detail = 'Security Posture reads your Microsoft Secure Score, improvement actions and security alerts through Microsoft Graph.'): Promise<vscode.AuthenticationSession | undefined> {
    const all = this.sessionScopes(scopes);
    if (prompt) {
      return vscode.authentication.getSession(this.options.providerId, all, { createIfNone: { detail } });
    }
    return vscode.authentication.getSession(this.options.providerId, all, { silent: true });
  }

  async getToken(scopes: string | string[], _options?: GetTokenOptions): Promise<AccessToken | null> {
    const list = Array.isArray(scopes) ? scopes : [scopes];
    let session: vscode.AuthenticationSession | undefined;
    try {
      session = await this.getSession(list, this.allowPrompt);
    } catch (error) {
      throw new PostureError('signIn', `Sign-in did not complete: ${(error as Error)?.message ?? error}`, { cause: error });
    }
    if (!session) {
      throw new PostureError('signIn', 'Not signed in.');
    }
    if (this.rejected && session.accessToken === this.rejected) {
      // Graph refused this very token and VS Code has no newer one: only a new sign-in helps.
      throw new PostureError('signIn', 'Your sign-in has expired or was revoked. Sign in again.');
    }
    this.lastToken = session.accessToken;
    return { token: session.accessToken, expiresOnTimestamp: tokenExpiry(session.accessToken) };
  }

  /** Called after a 401: the token just used must not be offered again. */
  invalidate(): void {
    this.rejected = this.lastToken;
  }
}

/** The `exp` claim of a JWT access token, else five minutes from now. */
export function tokenExpiry(token: string): number {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    if (typeof payload.exp === 'number') {
      return payload.exp * 1000;
    }
  } catch {
    // Not a JWT (some clouds issue opaque tokens): fall through.
  }
  return Date.now() + 5 * 60_000;
}
