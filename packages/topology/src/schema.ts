/**
 * The v1 topology format (shared/DESIGN.md) as zod schemas. Shape only: every
 * rule that needs more than one field (references, addresses, segments) lives
 * in validateTopology. Unknown keys are errors everywhere.
 */
import { z } from 'zod';
import { impairSchema } from './impair.js';
import { NAMESPACE_LIST_FIELDS } from './kinds/index.js';

const int = (min: number, max: number) => z.int().min(min).max(max);
const position = z.strictObject({ x: z.number(), y: z.number() });

export const routeSchema = z.strictObject({
  to: z.string(),
  via: z.string().optional(),
  dev: z.string().optional(),
  metric: int(0, 4294967295).optional(),
});

export const masqueradeSchema = z.strictObject({
  type: z.literal('masquerade'),
  source: z.string(),
  outInterface: z.string().optional(),
  notOutInterface: z.string().optional(),
});

export const dnatSchema = z.strictObject({
  type: z.literal('dnat'),
  proto: z.enum(['tcp', 'udp']),
  port: int(1, 65535),
  to: z.string(),
  destination: z.string().optional(),
});

export const natSchema = z.discriminatedUnion('type', [masqueradeSchema, dnatSchema]);

export const forwardRuleSchema = z.strictObject({
  in: z.string().optional(),
  out: z.string().optional(),
  source: z.string().optional(),
  destination: z.string().optional(),
  action: z.enum(['accept', 'drop']),
});

export const firewallSchema = z.strictObject({
  forwardPolicy: z.enum(['accept', 'drop']).optional(),
  forward: z.array(forwardRuleSchema).optional(),
});

const namespaceFields = {
  routes: z.array(routeSchema).optional(),
  sysctls: z.record(z.string(), z.int()).optional(),
  nat: z.array(natSchema).optional(),
  firewall: firewallSchema.optional(),
  // Link kinds declared as lists (vxlans, macvlans): kinds/index.ts.
  ...NAMESPACE_LIST_FIELDS,
  position: position.optional(),
  label: z.string().max(200).optional(),
};

export const netnsNodeSchema = z.strictObject({ kind: z.literal('netns'), ...namespaceFields });
export const hostNodeSchema = z.strictObject({ kind: z.literal('host'), ...namespaceFields });
export const bridgeNodeSchema = z.strictObject({
  kind: z.literal('bridge'),
  netns: z.string().optional(),
  addresses: z.array(z.string()).optional(),
  stp: z.boolean().optional(),
  position: position.optional(),
  label: z.string().max(200).optional(),
});

export const nodeSchema = z.discriminatedUnion('kind', [netnsNodeSchema, hostNodeSchema, bridgeNodeSchema]);

export const endpointSchema = z.strictObject({
  node: z.string(),
  name: z.string(),
  addresses: z.array(z.string()).optional(),
  mac: z.string().optional(),
  mtu: int(68, 65535).optional(),
  /** This interface's egress only; wins over the link's, field by field (impair.ts). */
  impair: impairSchema.optional(),
  /** false: administratively down; wins over the link's. */
  up: z.boolean().optional(),
});

export const linkSchema = z.strictObject({
  endpoints: z.tuple([endpointSchema, endpointSchema]),
  /** Both ends' egress. */
  impair: impairSchema.optional(),
  /** false: both ends administratively down. */
  up: z.boolean().optional(),
  label: z.string().max(200).optional(),
});

export const checkSchema = z.union([
  z.strictObject({
    from: z.string(),
    ping: z.string(),
    expect: z.enum(['reachable', 'unreachable']).default('reachable'),
    ttl: int(1, 255).optional(),
    /** Extension: the ICMP payload in bytes (`ping -s`), sent with DF set so it is never fragmented: 1472 fills a 1500-byte MTU. */
    size: int(0, 65507).optional(),
  }),
  z.strictObject({
    from: z.string(),
    tcp: z.string(),
    expect: z.enum(['open', 'closed']).default('open'),
    /** Extension: start a listener for the check's duration, in this node on this port (what the connection should reach). */
    listen: z.strictObject({ node: z.string(), port: int(1, 65535) }).optional(),
  }),
  z.strictObject({
    in: z.string(),
    neighbor: z.string(),
    state: z.enum(['REACHABLE', 'STALE', 'DELAY', 'PROBE', 'FAILED', 'INCOMPLETE', 'PERMANENT', 'NOARP']),
  }),
  z.strictObject({ in: z.string(), route: z.string(), via: z.string().optional(), dev: z.string().optional() }),
]);

export const topologySchema = z.strictObject({
  name: z.string(),
  prefix: z.string().optional(),
  description: z.string().max(4000).optional(),
  nodes: z.record(z.string(), nodeSchema),
  links: z.array(linkSchema).default([]),
  checks: z.array(checkSchema).optional(),
});

export type Topology = z.infer<typeof topologySchema>;
export type NodeSpec = z.infer<typeof nodeSchema>;
export type NetnsNode = z.infer<typeof netnsNodeSchema>;
export type HostNode = z.infer<typeof hostNodeSchema>;
export type NamespaceNode = NetnsNode | HostNode;
export type BridgeNode = z.infer<typeof bridgeNodeSchema>;
export type LinkSpec = z.infer<typeof linkSchema>;
export type EndpointSpec = z.infer<typeof endpointSchema>;
export type RouteSpec = z.infer<typeof routeSchema>;
export type NatSpec = z.infer<typeof natSchema>;
export type ForwardRuleSpec = z.infer<typeof forwardRuleSchema>;
export type CheckSpec = z.infer<typeof checkSchema>;
