// Entra built-in role template ids (the same in every tenant), as GDAP relationships carry them in
// `accessDetails.unifiedRoles[].roleDefinitionId`. Source: Microsoft Entra permissions reference
// (MicrosoftDocs/entra-docs, docs/identity/role-based-access-control/permissions-reference.md).

export const ENTRA_ROLES = {
  globalAdministrator: { id: '62e90394-69f5-4237-9190-012177145e10', name: 'Global Administrator' },
  securityAdministrator: { id: '194ae4cb-b126-40b2-bd5b-6091b380977d', name: 'Security Administrator' },
  securityOperator: { id: '5f2222b1-57c3-48ba-8ad5-d4759f1fde6f', name: 'Security Operator' },
  securityReader: { id: '5d6b6bb7-de71-4623-b4af-96380a352509', name: 'Security Reader' },
  globalReader: { id: 'f2ef992c-3afb-46b9-b7cf-a126ee74c451', name: 'Global Reader' },
  userAdministrator: { id: 'fe930be7-5e62-47db-91af-98c3a49a38b1', name: 'User Administrator' },
  helpdeskAdministrator: { id: '729827e3-9c14-49f7-bb1b-9608f156bbb8', name: 'Helpdesk Administrator' },
} as const;

const byId = new Map<string, string>(Object.values(ENTRA_ROLES).map(r => [r.id, r.name]));

/** Roles that can read Secure Score, improvement actions and alerts (README: permissions per feature). */
const READ_SECURITY = new Set<string>([
  ENTRA_ROLES.globalAdministrator.id, ENTRA_ROLES.securityAdministrator.id, ENTRA_ROLES.securityOperator.id,
  ENTRA_ROLES.securityReader.id, ENTRA_ROLES.globalReader.id,
]);

/** Roles that can change improvement-action state (Security Administrator; Global Administrator includes it). */
const WRITE_SECURITY = new Set<string>([ENTRA_ROLES.globalAdministrator.id, ENTRA_ROLES.securityAdministrator.id]);

export function roleName(templateId: string): string {
  return byId.get(templateId.toLowerCase()) ?? `role ${templateId}`;
}

export function canReadSecurity(templateId: string): boolean {
  return READ_SECURITY.has(templateId.toLowerCase());
}

export function canWriteSecurity(templateId: string): boolean {
  return WRITE_SECURITY.has(templateId.toLowerCase());
}
