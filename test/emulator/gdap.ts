// GDAP on the Graph side: a partner's user reaching a customer tenant with a delegated token gets
// only what the roles of an active relationship allow (app-only tokens are governed by consent).

import { canReadSecurity, canWriteSecurity } from '../../src/graph/roles';
import type { TenantDataset } from '../../src/sample/dataset';
import { graphErrorResponse } from '../../src/sample/errors';
import type { Caller, EngineRequest, EngineResponse } from '../../src/sample/protocol';
import { isBatchPath } from './faults';

export function gdapRefusal(partner: TenantDataset, caller: Caller, req: EngineRequest): EngineResponse | undefined {
  const tenant = caller.tenantId.toLowerCase();
  if (caller.appOnly || isBatchPath(req.url) || !(partner.customerTenants ?? []).some((c) => c.tenantId.toLowerCase() === tenant)) {
    return undefined;
  }
  const roles = (partner.delegatedAdminRelationships ?? [])
    .filter((r) => r.customer?.tenantId.toLowerCase() === tenant && (r.status === 'active' || r.status === 'expiring'))
    .flatMap((r) => r.accessDetails.unifiedRoles.map((u) => u.roleDefinitionId));
  const write = req.method.toUpperCase() !== 'GET';
  if (roles.some(write ? canWriteSecurity : canReadSecurity)) {
    return undefined;
  }
  return graphErrorResponse(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
}
