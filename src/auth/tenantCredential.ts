// One credential, one tenant: asks the underlying credential for a token of that tenant only
// (`getToken(scopes, { tenantId })`; @azure/identity needs the tenant in `additionallyAllowedTenants`).
// The portfolio builds one GraphService per customer on this, so a token for one customer's tenant
// can never be attached to another's requests.
import type { AccessToken, GetTokenOptions, TokenCredential } from './tokenCredential';

export function credentialForTenant(credential: TokenCredential, tenantId: string): TokenCredential {
  return {
    getToken: (scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> => credential.getToken(scopes, { ...options, tenantId }),
  };
}
