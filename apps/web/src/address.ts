/**
 * The page's addresses (shared/DESIGN.md): `/labs/NAME` (a lab in the
 * designer), `/labs/NAME/rev/N` (revision N of it, to look at and restore),
 * `/view/NAME?key=K` (a read-only view link, docs/security.md) and
 * `/join/CODE` (a workshop's join page). The designer shows the address of
 * what is open, so it can be copied; the older `/?lab=NAME` still opens a lab.
 * Anything that does not parse is no lab: the address is typed by anyone.
 */
import { LAB_NAME } from '@nslab/topology';

export type Address =
  | { page: 'designer'; lab: string | null; rev: number | null }
  | { page: 'view'; lab: string; key: string }
  | { page: 'join'; code: string };

/** A revision number in an address: 1 to 999999999, no sign, no leading zero, no exponent. */
const REV = /^[1-9]\d{0,8}$/;

/** A lab name from an address segment, or null: one segment, decoded once, a valid lab name. */
function labName(segment: string | undefined): string | null {
  if (segment === undefined) return null;
  let name: string;
  try {
    name = decodeURIComponent(segment);
  } catch {
    return null;
  }
  return LAB_NAME.test(name) ? name : null;
}

/**
 * What an address opens.
 *
 * @example parseAddress('http://h/labs/pods/rev/3') // → { page: 'designer', lab: 'pods', rev: 3 }
 * @example parseAddress('http://h/labs/..%2Fetc') // → { page: 'designer', lab: null, rev: null }
 */
export function parseAddress(href: string): Address {
  const url = new URL(href, 'http://x');
  const code = joinCode(url.pathname);
  if (code !== null) return { page: 'join', code };
  const view = /^\/view\/([^/]+)\/?$/.exec(url.pathname);
  if (view) {
    const lab = labName(view[1]);
    if (lab) return { page: 'view', lab, key: url.searchParams.get('key') ?? '' };
  }
  const m = /^\/labs\/([^/]+)(?:\/rev\/([^/]+))?\/?$/.exec(url.pathname);
  const lab = m ? labName(m[1]) : url.pathname === '/' ? labName(url.searchParams.get('lab') ?? undefined) : null;
  const rev = m?.[2] !== undefined && lab && REV.test(m[2]) ? Number(m[2]) : null;
  return { page: 'designer', lab, rev };
}

/** The join code of a `/join/CODE` path, or null. @example joinCode('/join/ab12') // → 'ab12' */
export function joinCode(pathname: string): string | null {
  const m = /^\/join\/([^/]+)\/?$/.exec(pathname);
  if (!m) return null;
  try {
    return decodeURIComponent(m[1]!);
  } catch {
    return null;
  }
}

/** Where the designer opens `lab`. */
export function labPath(lab: string): string {
  return `/labs/${encodeURIComponent(lab)}`;
}

/** Where the designer shows revision `rev` of `lab`. */
export function revPath(lab: string, rev: number): string {
  return `${labPath(lab)}/rev/${rev}`;
}

/** A read-only view link's address (its origin added by the caller). */
export function viewPath(lab: string, key: string): string {
  return `/view/${encodeURIComponent(lab)}?key=${encodeURIComponent(key)}`;
}

/**
 * The address to show for `path` when the page is at `href`: `?lab=` and
 * `?token=` dropped, other parameters and the hash kept.
 *
 * @example addressFor('http://h/?lab=a&x=1#n', '/labs/b') // → '/labs/b?x=1#n'
 */
export function addressFor(href: string, path: string): string {
  const url = new URL(href);
  url.searchParams.delete('lab');
  url.searchParams.delete('token');
  return `${path}${url.search}${url.hash}`;
}

/** Runs once at startup: an old `/?lab=NAME` address is shown as `/labs/NAME`. */
export function adoptLabPath(): void {
  const at = parseAddress(location.href);
  if (at.page === 'designer' && at.lab && location.pathname === '/')
    history.replaceState(history.state, '', addressFor(location.href, labPath(at.lab)));
}

/**
 * Shows `lab`'s address once it is open. Opening another lab is a new history
 * entry (Back returns to the last one); an address that names this lab
 * already (a revision of it, say) is left as it is; the first lab the page
 * opens on its own replaces `/`.
 */
export function showLab(lab: string): void {
  const at = parseAddress(location.href);
  if (at.page !== 'designer' || at.lab === lab) return;
  const to = addressFor(location.href, labPath(lab));
  if (at.lab === null) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
}

/** Goes to `path` (a new history entry) unless the page is there already. */
export function go(path: string): void {
  if (location.pathname !== path) history.pushState(null, '', addressFor(location.href, path));
}
