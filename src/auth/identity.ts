// App-only credentials from @azure/identity and the device-code session on MSAL. This module is bundled on its own
// (dist/identity.js) and loaded only when one of these sign-in methods is chosen, so the
// extension bundle stays small and activation never pays for MSAL.
import {
  ClientCertificateCredential, ClientSecretCredential, EnvironmentCredential, WorkloadIdentityCredential, type TokenCredential,
} from '@azure/identity';
import { DeviceCodeSession, type DeviceCodePrompt } from './deviceCodeSession';

export interface IdentityOptions {
  tenantId: string;
  clientId: string;
  authorityHost: string;
  /** True for a private (Custom cloud) authority: MSAL must not ask the public cloud first. */
  disableInstanceDiscovery: boolean;
}

function common(o: IdentityOptions) {
  return { authorityHost: o.authorityHost, disableInstanceDiscovery: o.disableInstanceDiscovery };
}

export function clientSecret(o: IdentityOptions, secret: string): TokenCredential {
  return new ClientSecretCredential(o.tenantId, o.clientId, secret, common(o));
}

export function clientCertificate(o: IdentityOptions, certificatePath: string, certificatePassword?: string): TokenCredential {
  return new ClientCertificateCredential(o.tenantId, o.clientId, { certificatePath, certificatePassword }, common(o));
}

/** Workload identity federation: a token from GitHub Actions, Azure Pipelines or Kubernetes in a file, exchanged for ours. */
export function workloadIdentity(o: IdentityOptions, tokenFilePath: string): TokenCredential {
  return new WorkloadIdentityCredential({ tenantId: o.tenantId, clientId: o.clientId, tokenFilePath, ...common(o) });
}

export function environment(o: Pick<IdentityOptions, 'authorityHost' | 'disableInstanceDiscovery'>): TokenCredential {
  return new EnvironmentCredential(common(o as IdentityOptions));
}

/** One device-code sign-in for the user, and silent tokens for the customer tenants it may reach. */
export function deviceCodeSession(o: IdentityOptions, prompt: (info: DeviceCodePrompt) => void): DeviceCodeSession {
  return new DeviceCodeSession(o, prompt);
}
