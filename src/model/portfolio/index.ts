// The portfolio of a CSP partner's customers, without vscode: discovery and access (GDAP,
// contracts, insights, hand-added), a reason for every customer that cannot be read, and a
// fetcher that reads each customer's row through a Graph service for that tenant alone.
export * from './discovery';
export * from './fetcher';
export * from './posture';
export * from './reasons';
export * from './rows';
