/**
 * The few system calls Node cannot make (see src/kernel.c). Every call is
 * synchronous and returns to the caller's namespace before it returns; all
 * of them throw an Error with `code` (errno's name) and `errno` on failure.
 */
/**
 * A netlink socket created inside the network namespace `nsFd` refers to
 * (-1: this thread's own): it stays bound there. `protocol`: NETLINK_ROUTE
 * (0, the default) or NETLINK_NETFILTER (12).
 */
export function netlinkSocket(nsFd: number, protocol?: 0 | 12): number;
/** open(2) of `path` from inside the namespace `nsFd` refers to (a /proc/sys/net file then reads and writes that namespace's setting). */
export function openIn(nsFd: number, path: string, flags: number): number;
/** `ip netns add`: a new network namespace, bind-mounted on `path` (a file in /run/netns, which is made a shared mount first). */
export function addNetns(runDir: string, path: string): void;
/** `ip netns del`: detaches the namespace's mount at `path` and removes the file. */
export function delNetns(path: string): void;
/** The C library's message for an errno, as iproute2 prints it ("File exists"). */
export function strerror(errno: number): string;
