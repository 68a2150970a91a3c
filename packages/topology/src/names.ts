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

/** The namespace name for a netns node: `prefix + node`. */
export function netnsName(node: string, prefix = ''): string {
  return `${prefix}${node}`;
}

/** True for a valid Linux interface name (not `.` or `..`, and not starting with `-`, which tools read as an option). */
export function isIfName(name: string): boolean {
  return IFNAME.test(name) && name !== '.' && name !== '..' && !name.startsWith('-');
}
