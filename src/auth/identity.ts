// App-only and device-code credentials from @azure/identity. This module is bundled on its own
// (dist/identity.js) and loaded only when one of these sign-in methods is chosen, so the
// extension bundle stays small and activation never pays for MSAL.
import {
  ClientCertificateCredential, ClientSecretCredential, DeviceCodeCredential, EnvironmentCredential, WorkloadIdentityCredential, type DeviceCodeInfo, type TokenCredential,
} from '@azure/identity';

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

export function deviceCode(o: IdentityOptions, prompt: (info: DeviceCodeInfo) => void): TokenCredential {
  return new DeviceCodeCredential({ ...common(o), tenantId: o.tenantId, clientId: o.clientId, userPromptCallback: prompt });
}
