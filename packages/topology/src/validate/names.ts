import type { IssueList } from '../issues.js';
import { isIfName, LAB_NAME, NODE_NAME, PREFIX } from '../names.js';
import type { Topology } from '../schema.js';

/** [V1] lab name, [V2] prefix, [V3] node names, [V4] one host, [V5] bridge placement. */
export function validateNames(t: Topology, list: IssueList): void {
  if (!LAB_NAME.test(t.name)) {
    list.error(
      'name.lab',
      ['name'],
      `${JSON.stringify(t.name)} is not a valid lab name: use 1–24 lower-case letters, digits and "-", starting with a letter`,
    );
  }
  if (t.prefix !== undefined && !PREFIX.test(t.prefix)) {
    list.error(
      'name.prefix',
      ['prefix'],
      `${JSON.stringify(t.prefix)} is not a valid prefix: use up to 24 letters, digits, ".", "_" or "-", starting with a letter or digit`,
    );
  }
  const hosts: string[] = [];
  for (const [name, node] of Object.entries(t.nodes)) {
    const path = ['nodes', name];
    if (!NODE_NAME.test(name)) {
      list.error(
        'name.node',
        path,
        `${JSON.stringify(name)} is not a valid node name: use up to 63 letters, digits, "_" or "-", starting with a letter`,
      );
    } else if (node.kind === 'bridge' && !isIfName(name)) {
      list.error(
        'name.bridge',
        path,
        `bridge ${JSON.stringify(name)} is ${name.length} characters; its name is its interface name and Linux allows 15`,
      );
    }
    if (node.kind === 'host') hosts.push(name);
    if (node.kind === 'bridge' && node.netns !== undefined) {
      const owner = t.nodes[node.netns];
      if (!owner) list.error('ref.bridge-netns', [...path, 'netns'], `no node named ${JSON.stringify(node.netns)}`);
      else if (owner.kind === 'bridge')
        list.error(
          'ref.bridge-netns',
          [...path, 'netns'],
          `${JSON.stringify(node.netns)} is a bridge; a bridge lives in a netns or host node`,
        );
    }
  }
  if (hosts.length > 1) {
    for (const h of hosts.slice(1))
      list.error('node.host-twice', ['nodes', h], `a lab has at most one host node; "${hosts[0]}" is already the host`);
  }
  if (t.prefix !== undefined) {
    for (const name of Object.keys(t.nodes)) {
      const full = `${t.prefix}${name}`;
      if (t.nodes[name]!.kind === 'netns' && full.length > 64) {
        list.error(
          'name.netns-long',
          ['nodes', name],
          `namespace name "${full}" is ${full.length} characters; keep prefix + name within 64`,
        );
      }
    }
  }
}
