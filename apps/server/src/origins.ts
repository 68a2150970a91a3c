/**
 * Where other machines reach this server: the one place links handed to
 * other people (workshop join links, view links) get their origin. The
 * browser's own `location.origin` is no good for that: an instructor on
 * http://127.0.0.1:PORT would hand the class a loopback address.
 */
import os from 'node:os';

/**
 * The http origins of a server listening on `host`:`port` that other machines
 * can reach: every non-loopback address of this machine for a wildcard host
 * (IPv6 ones too for `::`), the host itself otherwise; none on loopback only.
 *
 * @example reachableOrigins('127.0.0.1', 8080) // → []
 * @example reachableOrigins('192.0.2.7', 8080) // → ['http://192.0.2.7:8080']
 */
export function reachableOrigins(host: string, port: number): string[] {
  const wildcard = host === '0.0.0.0' || host === '::';
  const addrs = wildcard
    ? Object.values(os.networkInterfaces())
        .flat()
        .filter((a): a is os.NetworkInterfaceInfo => !!a && !a.internal && (a.family === 'IPv4' || host === '::'))
        .map((a) => (a.family === 'IPv6' ? `[${a.address}]` : a.address))
    : [host.includes(':') ? `[${host}]` : host];
  return addrs.filter((a) => !/^(127\.|\[?::1\]?$|localhost$)/.test(a)).map((a) => `http://${a}:${port}`);
}
