/** Labs the command-line tests write to files (names cli15-*, addresses 10.253.0.0/16): shared by the unit and privileged suites. */

/** Two namespaces on one link. */
export const PAIR = `name: cli15-out
nodes:
  c15a: { kind: netns }
  c15b: { kind: netns }
links:
  - endpoints: [{ node: c15a, name: eth0, addresses: [10.253.1.1/24] }, { node: c15b, name: eth0, addresses: [10.253.1.2/24] }]
`;
