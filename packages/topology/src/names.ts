/**
 * How nslab names and marks what it creates on a host. This is the one place
 * the scheme is written down; everything else calls these functions.
 *
 * - A `netns` node N of a lab with prefix P is the namespace `P + N`
 *   (`ip netns add P+N`); its loopback carries `alias nslab:<lab>`.
 * - Every link nslab creates in the host (root) namespace — bridges, veth
 *   ends, vxlans — carries `alias nslab:<lab>`.
 * - Every iptables rule nslab adds carries `-m comment --comment nslab:<lab>`,
 *   in the host and (for uniformity) inside lab namespaces.
 * - Host sysctls and chain policies a lab changes are recorded, with their
 *   old value, by the server under its run directory, and restored by destroy.
 * - Anything that exists under one of these names without this lab's mark is
 *   a conflict: nslab refuses to touch it.
 *
 * The string keys the model builds from these names (scope keys `ns:<name>`,
 * hold keys `sysctl:<key>`) have their constructors and parsers in keys.ts.
 */
export const MARK_PREFIX = 'nslab:';

export const LAB_NAME = /^[a-z][a-z0-9-]{0,23}$/;
export const NODE_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,62}$/;
export const IFNAME = /^[A-Za-z0-9_.-]{1,15}$/;
export const PREFIX = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,23}$/;

/** `nslab:<lab>`: the alias and comment that prove a lab owns something. */
export function labMark(lab: string): string {
  return `${MARK_PREFIX}${lab}`;
}

/** The lab a mark names, or undefined when it is not an nslab mark. */
export function labOfMark(mark: string | undefined | null): string | undefined {
  if (!mark || !mark.startsWith(MARK_PREFIX)) return undefined;
  const lab = mark.slice(MARK_PREFIX.length);
  return LAB_NAME.test(lab) ? lab : undefined;
}

/**
 * A lab's name from the name of the file it came in, for a file whose text
 * names no lab: the last path part without its extension (`.nslab.yaml` and
 * `.clab.yml` count as one), lower-cased, each run of other characters a `-`,
 * starting with a letter, at most 20 characters (room for a `-2`); `fallback`
 * when nothing is left. The CLI's imports and the web's uploads and imports
 * all name a lab this way.
 *
 * @example labNameFromFile('Pods Lab.nslab.yaml') // → 'pods-lab'
 * @example labNameFromFile('seeds/01-veth.sh') // → 'veth'
 * @example labNameFromFile('123.yaml') // → 'imported'
 */
export function labNameFromFile(file: string, fallback = 'imported'): string {
  const name = file
    .split(/[\\/]/)
    .pop()!
    .replace(/(\.(nslab|clab))?\.[^.]*$/i, '')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .slice(0, 20)
    .replace(/-+$/, '');
  return LAB_NAME.test(name) ? name : fallback;
}

/** The namespace name for a netns node: `prefix + node`. */
export function netnsName(node: string, prefix = ''): string {
  return `${prefix}${node}`;
}

/** True for a valid Linux interface name (not `.` or `..`, and not starting with `-`, which tools read as an option). */
export function isIfName(name: string): boolean {
  return IFNAME.test(name) && name !== '.' && name !== '..' && !name.startsWith('-');
}

/**
 * Sysctl keys, the one rule. nslab writes only network sysctls, and only in
 * canonical dotted form: `net.` then segments of `a-z 0-9 _ -` (not starting
 * with `-`), one dot between them. The one exception is the interface segment
 * of a per-interface key (`net.ipv4.conf.IF.…`, `net.ipv6.conf.IF.…`,
 * `net.ipv4.neigh.IF.…`, `net.ipv6.neigh.IF.…`), which is an interface name
 * with `/` for each `.` in it (`eth0/100` is the VLAN interface `eth0.100`).
 *
 * Why so strict: procps `sysctl -w` swaps `.` and `/` to find the file, so a
 * `/` anywhere else is a path separator in disguise — `net.//.kernel.x`
 * becomes `/proc/sys/net/../kernel/x`.
 */
const SYSCTL_SEGMENT = /^[a-z0-9_][a-z0-9_-]*$/;
const SYSCTL_INTERFACE_DIRS = new Set(['net.ipv4.conf', 'net.ipv6.conf', 'net.ipv4.neigh', 'net.ipv6.neigh']);
const MAX_SYSCTL_KEY = 255;

/** Why `key` is not a sysctl nslab may write, or undefined when it is one (see the rule above). */
export function sysctlKeyProblem(key: string): string | undefined {
  if (typeof key !== 'string') return 'a sysctl key is text';
  if (key.length > MAX_SYSCTL_KEY) return `the key is ${key.length} characters long; at most ${MAX_SYSCTL_KEY}`;
  if (!key.startsWith('net.')) return 'nslab only sets network sysctls (net.*)';
  const segs = key.split('.');
  if (segs.some((s) => s === '')) return 'empty segment: segments are separated by exactly one dot, with none at the start or end';
  if (SYSCTL_INTERFACE_DIRS.has(key)) return `names the per-interface directory, not a setting (like ${key}.all.forwarding)`;
  for (let i = 1; i < segs.length; i++) {
    const seg = segs[i]!;
    if (isInterfaceSegment(segs, i)) {
      const ifname = seg.replace(/\//g, '.');
      if (seg.startsWith('/') || seg.endsWith('/') || seg.includes('//') || !isIfName(ifname)) {
        return `"${seg}" is not an interface name (1–15 of A-Z a-z 0-9 _ -, not starting with "-", with "/" for each "." in the name, e.g. eth0/100)`;
      }
      if (i === segs.length - 1)
        return `names interface "${ifname}" but no setting of it (like ${segs.slice(0, 3).join('.')}.${seg}.forwarding)`;
    } else if (!SYSCTL_SEGMENT.test(seg)) {
      return `segment "${seg}" may only use a-z 0-9 _ - (not starting with "-"); "/" only inside an interface name`;
    }
  }
  return undefined;
}

function isInterfaceSegment(segs: readonly string[], i: number): boolean {
  return i === 3 && SYSCTL_INTERFACE_DIRS.has(`${segs[0]}.${segs[1]}.${segs[2]}`);
}

/**
 * True for a sysctl key nslab may write: canonical `net.*`, with `/` only
 * inside an interface name.
 *
 * @example
 * isNetSysctlKey('net.ipv4.conf.eth0/100.forwarding') // true (interface eth0.100)
 * isNetSysctlKey('net.//.kernel.randomize_va_space')  // false
 */
export function isNetSysctlKey(key: string): boolean {
  return sysctlKeyProblem(key) === undefined;
}

/**
 * The file a valid key names, the way procps `sysctl` finds it: `.` → `/`,
 * and `/` → `.` inside the interface name. Throws for any other key.
 *
 * @example
 * sysctlPath('net.ipv4.conf.eth0/100.rp_filter') // '/proc/sys/net/ipv4/conf/eth0.100/rp_filter'
 */
export function sysctlPath(key: string): string {
  const problem = sysctlKeyProblem(key);
  if (problem !== undefined) throw new Error(`refusing sysctl key ${JSON.stringify(key)}: ${problem}`);
  const parts = key.split('.').map((s) => s.replace(/\//g, '.'));
  const path = `/proc/sys/${parts.join('/')}`;
  // Belt and braces: whatever the rule above lets through, the file stays under /proc/sys/net.
  if (!path.startsWith('/proc/sys/net/') || parts.some((p) => p === '' || p === '.' || p === '..')) {
    throw new Error(`refusing sysctl key ${JSON.stringify(key)}: its path ${path} leaves /proc/sys/net`);
  }
  return path;
}

/**
 * The interface a per-interface sysctl key names (`/` read back as `.`), or
 * undefined for other keys, invalid keys and the `all`/`default` entries.
 *
 * @example
 * sysctlInterface('net.ipv4.conf.eth0/100.proxy_arp') // 'eth0.100'
 */
export function sysctlInterface(key: string): string | undefined {
  if (!isNetSysctlKey(key)) return undefined;
  const segs = key.split('.');
  if (!isInterfaceSegment(segs, 3)) return undefined;
  const seg = segs[3]!;
  return seg === 'all' || seg === 'default' ? undefined : seg.replace(/\//g, '.');
}

/**
 * A key as a script writes it — dotted (`net.ipv4.conf.eth0/100.forwarding`)
 * or as a path under /proc/sys (`net/ipv4/conf/eth0.100/forwarding`) — in
 * dotted spelling. Like procps: when the first separator is `/`, `/` and `.`
 * swap roles. It does not validate: check the result with `isNetSysctlKey`.
 *
 * @example
 * dottedSysctlKey('net/ipv4/conf/eth0.100/forwarding') // 'net.ipv4.conf.eth0/100.forwarding'
 */
export function dottedSysctlKey(text: string): string {
  const first = /[./]/.exec(text)?.[0];
  return first === '/' ? text.replace(/[./]/g, (c) => (c === '.' ? '/' : '.')) : text;
}
