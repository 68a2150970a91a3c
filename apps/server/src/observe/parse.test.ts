import { describe, expect, it } from 'vitest';
import { parseIptablesSave, toLinkState, toRouteStates, type IpRoute } from './parse.js';

describe('toRouteStates', () => {
  it('keeps the main table\'s routes from an "ip route show table all" dump, and drops the others', () => {
    const dump: IpRoute[] = [
      { dst: 'fd00:1::/64', dev: 'eth0', protocol: 'kernel', metric: 256 },
      { dst: 'fd00:2::/64', gateway: 'fd00:1::1', dev: 'eth0', metric: 1024 },
      { dst: 'default', gateway: 'fd00:9::1', dev: 'eth0', metric: 1024 },
      { dst: 'fd00:1::2', dev: 'eth0', table: 'local', type: 'local', protocol: 'kernel', metric: 0 },
      { dst: 'fd00:7::/64', gateway: 'fd00:1::1', dev: 'eth0', table: '100', metric: 1024 },
      { dst: 'fd00:8::/64', gateway: 'fd00:1::1', dev: 'eth0', table: 'main', metric: 1024 },
    ];
    expect(toRouteStates(dump, 6)).toEqual([
      { family: 6, to: 'fd00:2::/64', via: 'fd00:1::1', dev: 'eth0' },
      { family: 6, to: '::/0', via: 'fd00:9::1', dev: 'eth0' },
      { family: 6, to: 'fd00:8::/64', via: 'fd00:1::1', dev: 'eth0' },
    ]);
  });

  it("an IPv6 metric other than the kernel's default 1024 is kept", () => {
    expect(toRouteStates([{ dst: 'fd00:2::/64', gateway: 'fd00:1::1', dev: 'eth0', metric: 5 }], 6)[0]!.metric).toBe(5);
  });
});

describe('parseIptablesSave', () => {
  it('reads rules with their quoted comments, and built-in chain policies', () => {
    const text = [
      '*nat',
      ':POSTROUTING ACCEPT [0:0]',
      '-A POSTROUTING -o wlo1 -m comment --comment "nslab:x" -j MASQUERADE',
      'COMMIT',
      '*filter',
      ':FORWARD DROP [3:180]',
      'COMMIT',
      '',
    ].join('\n');
    const t = parseIptablesSave(text, 4, () => true);
    expect(t.rules).toEqual([
      { family: 4, table: 'nat', chain: 'POSTROUTING', args: ['-o', 'wlo1', '-m', 'comment', '--comment', 'nslab:x', '-j', 'MASQUERADE'] },
    ]);
    expect(t.policies['v4:filter/FORWARD']).toBe('DROP');
  });
});

describe('toLinkState reads each kind through its module', () => {
  const kit = { peerOf: () => undefined, hostLinkName: (i: number) => (i === 7 ? 'br-mv' : undefined) };
  it('a macvlan in a namespace: its parent is the host interface its link_index names', () => {
    const l = {
      ifindex: 2,
      ifname: 'mv0',
      link_index: 7,
      link_netnsid: 0,
      flags: ['UP'],
      address: '02:00:00:00:00:0A',
      linkinfo: { info_kind: 'macvlan', info_data: { mode: 'private' } },
      addr_info: [{ family: 'inet', local: '10.9.0.11', prefixlen: 24 }],
    };
    expect(toLinkState(l, kit)).toEqual({
      name: 'mv0',
      kind: 'macvlan',
      addresses: ['10.9.0.11/24'],
      up: true,
      mac: '02:00:00:00:00:0a',
      macvlan: { parent: 'br-mv', mode: 'private' },
    });
  });
  it('a macvlan in the host: its parent by name; one whose parent cannot be found says so', () => {
    expect(
      toLinkState({ ifindex: 9, ifname: 'mvh', link: 'vh', linkinfo: { info_kind: 'macvlan', info_data: { mode: 'bridge' } } }, kit)
        ?.macvlan,
    ).toEqual({ parent: 'vh', mode: 'bridge' });
    expect(
      toLinkState({ ifindex: 9, ifname: 'mvh', link_index: 99, link_netnsid: 1, linkinfo: { info_kind: 'macvlan' } }, kit)?.macvlan,
    ).toEqual({ parent: '?', mode: 'bridge' });
  });
  it('a kind nslab does not make is not read', () => {
    expect(toLinkState({ ifindex: 3, ifname: 'dm0', linkinfo: { info_kind: 'dummy' } }, kit)).toBeUndefined();
  });
});
