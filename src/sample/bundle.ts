// Entry of the separately bundled sample tenant (dist/sample.js): the generator and the Graph
// engine, loaded only when someone explores the sample tenant.
export { generateTenant } from './generator';
export { GraphEngine } from './engine';
export { inProcessConnection } from './transport';
export { PARTNER_DISCOVERY_PERMISSIONS, sampleCustomerConnection } from './portfolio';
