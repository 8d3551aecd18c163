// The `TokenCredential` contract of @azure/identity, imported as types only so that the identity
// library itself loads just when an app-only or device-code method is chosen.
export type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
