import type { IssueList, Path } from '../issues.js';
import { parseCidr, parseHostPort, parseIp } from '../net.js';
import type { ResolvedTopology } from '../resolveTopology.js';
import type { CheckSpec } from '../schema.js';

/** [V18] checks name namespace nodes and parse. */
export function validateChecks(r: ResolvedTopology, list: IssueList): void {
  (r.topology.checks ?? []).forEach((check, i) => {
    const path = ['checks', i];
    const nodeField = 'from' in check ? 'from' : 'in';
    const nodeName = 'from' in check ? check.from : check.in;
    const node = r.topology.nodes[nodeName];
    if (!node) list.error('ref.node', [...path, nodeField], `no node named ${JSON.stringify(nodeName)}`);
    else if (node.kind === 'bridge')
      list.error('ref.node', [...path, nodeField], `"${nodeName}" is a bridge; checks run in a netns or host node`);
    if ('listen' in check && check.listen) {
      const l = r.topology.nodes[check.listen.node];
      if (!l || l.kind === 'bridge')
        list.error('ref.node', [...path, 'listen', 'node'], `no netns or host node named ${JSON.stringify(check.listen.node)}`);
    }
    validateCheckValues(check, path, list);
  });
}

/** [V18] the values of one check parse (its addresses); the one rule for lab files and workshop steps alike. */
export function validateCheckValues(check: CheckSpec, path: Path, list: IssueList): void {
  if ('ping' in check && !parseIp(check.ping))
    list.error('addr.parse', [...path, 'ping'], `${JSON.stringify(check.ping)} is not an IP address`);
  if ('tcp' in check && !parseHostPort(check.tcp))
    list.error('addr.parse', [...path, 'tcp'], `${JSON.stringify(check.tcp)} is not "IP:PORT"`);
  if ('neighbor' in check && !parseIp(check.neighbor))
    list.error('addr.parse', [...path, 'neighbor'], `${JSON.stringify(check.neighbor)} is not an IP address`);
  if ('route' in check && check.route !== 'default' && !parseCidr(check.route))
    list.error('addr.parse', [...path, 'route'], `${JSON.stringify(check.route)} is not "default" or a CIDR`);
}
