/**
 * The string keys nslab builds from parts, each with one constructor and one
 * parser: call these, never build a key with a template string or cut one
 * with `.slice()` at the call site. (Ownership marks, `nslab:<lab>`, are in
 * names.ts: `labMark`, `labOfMark`.)
 *
 * - scope key: `host` for the root namespace, `ns:<name>` for a namespace;
 *   keys `LabState.scopes`.
 * - policy key: `v4:filter/FORWARD` (family, table, chain); keys
 *   `ScopeState.policies`.
 * - hold key: `sysctl:<key>` or `policy:<policy key>`, a host setting labs
 *   share; keys `ObservedState.holds` and `hostValues` (and the server's
 *   holds file, so a parser must survive whatever that file holds).
 */
import type { Family } from './net.js';
import type { Netns } from './resolveTopology.js';

export const HOST_KEY = 'host';
const NS_PREFIX = 'ns:';

/**
 * The key of a namespace's scope in a `LabState`.
 *
 * @example
 * scopeKeyOf(null) // 'host'
 * scopeKeyOf('red') // 'ns:red'
 */
export function scopeKeyOf(netns: Netns): string {
  return netns === null ? HOST_KEY : `${NS_PREFIX}${netns}`;
}

/**
 * The namespace a scope key names (`null`: the host), or undefined when the
 * text is not a scope key. A namespace name is a file name under /run/netns:
 * not empty, `.` or `..`, and without `/`.
 *
 * @example
 * parseScopeKey('ns:red') // 'red'
 * parseScopeKey('host') // null
 * parseScopeKey('ns:../x') // undefined
 */
export function parseScopeKey(key: string): Netns | undefined {
  if (key === HOST_KEY) return null;
  if (typeof key !== 'string' || !key.startsWith(NS_PREFIX)) return undefined;
  const name = key.slice(NS_PREFIX.length);
  return isNetnsFileName(name) ? name : undefined;
}

function isNetnsFileName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !/[/\0]/.test(name);
}

/** A chain's policy, as `ScopeState.policies` keys it. */
export interface PolicyRef {
  family: Family;
  table: string;
  chain: string;
}

const POLICY_KEY = /^v([46]):([a-z]+)\/([A-Za-z0-9_-]{1,28})$/;

/**
 * The key of a chain policy: `v<family>:<table>/<chain>`.
 *
 * @example
 * policyKey(4, 'FORWARD') // 'v4:filter/FORWARD'
 */
export function policyKey(family: Family, chain: string, table = 'filter'): string {
  return `v${family}:${table}/${chain}`;
}

/**
 * A policy key's parts, or undefined when the text is not one.
 *
 * @example
 * parsePolicyKey('v6:filter/FORWARD') // { family: 6, table: 'filter', chain: 'FORWARD' }
 */
export function parsePolicyKey(key: string): PolicyRef | undefined {
  const m = typeof key === 'string' ? POLICY_KEY.exec(key) : null;
  return m ? { family: Number(m[1]) as Family, table: m[2]!, chain: m[3]! } : undefined;
}

/** What a hold key names: a host sysctl, or a host chain's policy. */
export type HoldRef = { type: 'sysctl'; key: string } | ({ type: 'policy' } & PolicyRef);

const SYSCTL_HOLD = 'sysctl:';
const POLICY_HOLD = 'policy:';

/**
 * Hold keys: the host settings labs share (see `HostHold`).
 *
 * @example
 * holdKey.sysctl('net.ipv4.ip_forward') // 'sysctl:net.ipv4.ip_forward'
 * holdKey.policy(4, 'FORWARD') // 'policy:v4:filter/FORWARD'
 */
export const holdKey = {
  sysctl: (key: string): string => `${SYSCTL_HOLD}${key}`,
  policy: (family: Family, chain: string, table = 'filter'): string => `${POLICY_HOLD}${policyKey(family, chain, table)}`,
  /** The hold of a policy that is already keyed (`v4:filter/FORWARD`). */
  ofPolicy: (ref: PolicyRef): string => `${POLICY_HOLD}${policyKey(ref.family, ref.chain, ref.table)}`,
  /** The key of a parsed hold. */
  of: (ref: HoldRef): string => (ref.type === 'sysctl' ? holdKey.sysctl(ref.key) : holdKey.ofPolicy(ref)),
};

/**
 * A hold key's parts, or undefined when the text is not one. The sysctl part
 * is only checked for shape (no blanks); whether nslab may write that key is
 * `sysctlKeyProblem`'s call, made again before any command runs.
 *
 * @example
 * parseHoldKey('sysctl:net.ipv4.ip_forward') // { type: 'sysctl', key: 'net.ipv4.ip_forward' }
 * parseHoldKey('policy:v4:filter/FORWARD') // { type: 'policy', family: 4, table: 'filter', chain: 'FORWARD' }
 */
export function parseHoldKey(key: string): HoldRef | undefined {
  if (typeof key !== 'string') return undefined;
  if (key.startsWith(SYSCTL_HOLD)) {
    const sysctl = key.slice(SYSCTL_HOLD.length);
    return sysctl !== '' && !/[\s\0]/.test(sysctl) ? { type: 'sysctl', key: sysctl } : undefined;
  }
  if (key.startsWith(POLICY_HOLD)) {
    const ref = parsePolicyKey(key.slice(POLICY_HOLD.length));
    return ref ? { type: 'policy', ...ref } : undefined;
  }
  return undefined;
}

/**
 * What a hold is about, in the words the plan uses: the sysctl key, or the policy key.
 *
 * @example
 * holdName({ type: 'sysctl', key: 'net.ipv4.ip_forward' }) // 'net.ipv4.ip_forward'
 */
export function holdName(ref: HoldRef): string {
  return ref.type === 'sysctl' ? ref.key : policyKey(ref.family, ref.chain, ref.table);
}

/**
 * Orders scope keys the way plans run them: the host first, then namespaces by name.
 *
 * @example
 * ['ns:b', 'host', 'ns:a'].sort(compareScopeKeys) // ['host', 'ns:a', 'ns:b']
 */
export function compareScopeKeys(a: string, b: string): number {
  return a === HOST_KEY ? (b === HOST_KEY ? 0 : -1) : b === HOST_KEY ? 1 : a < b ? -1 : a > b ? 1 : 0;
}

/** Key of a link across scopes: `<scopeKey>/<ifname>`. */
export function linkId(scopeKey: string, name: string): string {
  return `${scopeKey}/${name}`;
}

/** A readable name for a scope: `host` or the namespace name (a word for people, not a key). */
export function scopeLabel(netns: Netns): string {
  return netns === null ? 'host' : netns;
}
