// The sample partner's customers as the portfolio reaches them: one in-process Graph connection
// per customer tenant, signed in as the sample user through GDAP. The customers whose tenant
// refuses the sign-in (consent missing, Conditional Access) refuse it here too, with Entra's words.
import type { AccessToken, TokenCredential } from '../auth/tokenCredential';
import type { GraphServiceOptions } from '../graph/client';
import { signInRefusal } from './relationships';
import type { GraphEngine } from './engine';
import { SampleCredential, SampleTransport } from './transport';

/** The partner's caller also reads its customers: GDAP relationships and contracts. */
export const PARTNER_DISCOVERY_PERMISSIONS = ['DelegatedAdminRelationship.Read.All', 'Directory.Read.All'] as const;

/** The application the sample signs in with (Microsoft Graph Command Line Tools, the extension's default). */
const SAMPLE_CLIENT_ID = '14d82eec-204b-4c2f-b7e8-296a70dab67e';

class RefusedCredential implements TokenCredential {
  constructor(private readonly message: string) {}
  async getToken(): Promise<AccessToken | null> {
    throw new Error(this.message);
  }
}

/**
 * Credential and transport for a GraphService that reads one sample customer's tenant. A tenant
 * the sample does not have (one added by hand) is refused as Entra refuses an unknown tenant.
 */
export function sampleCustomerConnection(engine: GraphEngine, tenantId: string, user: string | null): Required<Pick<GraphServiceOptions, 'credential' | 'transport'>> {
  const spec = engine.dataset.customerTenants?.find(c => c.tenantId.toLowerCase() === tenantId.toLowerCase());
  if (!spec) {
    const tokens = new SampleCredential({ tenantId, upn: user, appOnly: false, permissions: [] });
    return { transport: new SampleTransport(engine, tokens), credential: new RefusedCredential(`invalid_tenant: AADSTS90002: Tenant '${tenantId}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`) };
  }
  const tokens = new SampleCredential({
    tenantId: spec.tenantId, upn: user, appOnly: false,
    permissions: ['SecurityEvents.ReadWrite.All', 'SecurityAlert.ReadWrite.All'],
  });
  const transport = new SampleTransport(engine, tokens);
  const now = new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  switch (signInRefusal(spec)) {
    case 'consentMissing':
      return { transport, credential: new RefusedCredential(`invalid_grant: AADSTS65001: The user or administrator has not consented to use the application with ID '${SAMPLE_CLIENT_ID}' named 'Microsoft Graph Command Line Tools'. Send an interactive authorization request for this user and resource. Timestamp: ${now}`) };
    case 'conditionalAccess':
      return { transport, credential: new RefusedCredential(`invalid_grant: AADSTS53003: Access has been blocked by Conditional Access policies. The access policy does not allow token issuance. Timestamp: ${now}`) };
    default:
      return { transport, credential: tokens };
  }
}
