/**
 * The access token. `nslab serve` prints `…/?token=TOKEN`; the page takes it
 * from its address once, keeps it in localStorage and removes it from the
 * address bar, so it is not left in history, bookmarks or screenshots.
 *
 * localStorage, not a cookie: storage belongs to one origin (scheme, host and
 * port), while a cookie for 127.0.0.1 is sent to every port of that host —
 * any other local web server would receive it. The token travels only as
 * `Authorization: Bearer` on API calls and as a websocket subprotocol, never
 * in a URL.
 */

const KEY = 'nslab-token';

/**
 * Moves `?token=` from a page address into `storage`. Returns the address to
 * show instead (path, other query parameters and hash kept), or null when the
 * address carries no token.
 *
 * @example takeToken('http://h:7000/?lab=x&token=abc#n', localStorage) // → '/?lab=x#n', stores 'abc'
 */
export function takeToken(href: string, storage: Pick<Storage, 'setItem'>): string | null {
  const url = new URL(href);
  if (!url.searchParams.has('token')) return null;
  const t = url.searchParams.get('token');
  if (t) storage.setItem(KEY, t);
  url.searchParams.delete('token');
  return `${url.pathname}${url.search}${url.hash}`;
}

/** Runs once at startup, before anything reads the address or calls the server. */
export function adoptTokenFromAddress(): void {
  const shown = takeToken(location.href, localStorage);
  if (shown !== null) history.replaceState(history.state, '', shown);
}

export function token(): string | null {
  return localStorage.getItem(KEY);
}

/** Keeps `t` as the page's token: a participant's secret, from joining a workshop, replaces whatever was kept. */
export function setToken(t: string): void {
  localStorage.setItem(KEY, t);
}

/**
 * The websocket subprotocols that carry the token: the server answers with
 * `nslab`. A browser websocket cannot send headers, and a URL ends up in logs.
 */
export function socketProtocols(t: string | null): string[] {
  return t ? ['nslab', `nslab.token.${t}`] : ['nslab'];
}
