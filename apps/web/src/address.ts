/**
 * The page addresses besides `/?lab=NAME`: `/join/CODE` (a workshop's join
 * page) and `/labs/NAME` (a lab in the designer, as shared/DESIGN.md names
 * it). The designer itself reads and writes `?lab=`, so `/labs/NAME` is
 * turned into it once at startup.
 */

/** The join code of a `/join/CODE` path, or null. @example joinCode('/join/ab12') // → 'ab12' */
export function joinCode(pathname: string): string | null {
  const m = /^\/join\/([^/]+)\/?$/.exec(pathname);
  return m ? decodeURIComponent(m[1]!) : null;
}

/** Where the designer opens `lab`. */
export function labPath(lab: string): string {
  return `/labs/${encodeURIComponent(lab)}`;
}

/**
 * The `?lab=` address for a `/labs/NAME` one (other parameters and the hash
 * kept), or null when the address is not one.
 *
 * @example labAddress('http://h/labs/pods?token=t#x') // → '/?token=t&lab=pods#x'
 */
export function labAddress(href: string): string | null {
  const url = new URL(href);
  const m = /^\/labs\/([^/]+)\/?$/.exec(url.pathname);
  if (!m) return null;
  url.pathname = '/';
  url.searchParams.set('lab', decodeURIComponent(m[1]!));
  return `${url.pathname}${url.search}${url.hash}`;
}

/** Runs once at startup, before the store reads `?lab=`. */
export function adoptLabPath(): void {
  const shown = labAddress(location.href);
  if (shown !== null) history.replaceState(history.state, '', shown);
}
