import { describe, expect, it } from 'vitest';
import { parseTopology, type Topology, type TopologyIssue } from '@nslab/topology';
import {
  clashNode,
  clashPrefix,
  clabBlocker,
  deployBlocker,
  destroySummary,
  freeName,
  freeNodeName,
  importSummary,
  labNameProblem,
  nodeNameProblem,
  onlyPositionsDiffer,
} from './labWords';

const lab = (text: string): Topology => parseTopology(text).topology!;
const demo = lab(`name: demo
nodes:
  host: { kind: host }
  ns1: { kind: netns }
  ns2: { kind: netns }
  br0: { kind: bridge }
links: []
`);
const clash: TopologyIssue = {
  code: 'conflict.netns',
  path: ['nodes', 'ns1'],
  message: 'namespace "ns1" belongs to lab "other"; nslab will not touch it (rename the node, or set a prefix)',
};

describe('freeName', () => {
  it.each([
    ['a free name as is', 'lab', [], 'lab'],
    ['a taken name gets -2', 'lab', ['lab'], 'lab-2'],
    ['the first number free', 'lab', ['lab', 'lab-2', 'lab-3'], 'lab-4'],
    ['a long name is cut to leave room for a number', 'a'.repeat(30), [], 'a'.repeat(20)],
    ['a cut that ends in "-" drops it', `${'a'.repeat(19)}-b`, [], 'a'.repeat(19)],
  ])('%s', (_, base, taken, expected) => {
    expect(freeName(base, taken)).toBe(expected);
  });
});

describe('labNameProblem', () => {
  it.each(['', 'Lab', '1lab', 'a'.repeat(25), 'a b', '__proto__', 'constructor ', '../x'])('refuses %j', (name) => {
    expect(labNameProblem(name, [])).toMatch(/lower-case letters/);
  });
  it('refuses a taken name, saying so', () => {
    expect(labNameProblem('demo', ['demo'])).toBe('a lab named "demo" exists already');
  });
  it('accepts a good free name', () => {
    expect(labNameProblem('h14d-a', ['demo'])).toBeNull();
  });
});

describe('clashPrefix', () => {
  it('is the lab name and a dash', () => expect(clashPrefix('web', undefined)).toBe('web-'));
  it('fits the 24-character prefix limit for the longest lab name', () =>
    expect(clashPrefix('a'.repeat(24), undefined)).toBe(`${'a'.repeat(23)}-`));
  it('is not offered when the lab has that prefix already', () => expect(clashPrefix('web', 'web-')).toBeUndefined());
});

describe('clashNode', () => {
  it('names the node a namespace clash points at', () => expect(clashNode(clash, demo)).toBe('ns1'));
  it('names none for a node the design no longer has (renamed since)', () =>
    expect(clashNode({ ...clash, path: ['nodes', 'gone'] }, demo)).toBeUndefined());
  it('names none for an interface clash on a link', () =>
    expect(clashNode({ ...clash, path: ['links', 0, 'endpoints', 1, 'name'] }, demo)).toBeUndefined());
});

describe('freeNodeName and nodeNameProblem', () => {
  it('suggests the first free numbered name', () =>
    expect(freeNodeName('ns1', lab('name: x\nnodes:\n  ns1: { kind: netns }\n  ns1-2: { kind: netns }\nlinks: []\n'))).toBe('ns1-3'));
  it("keeps a bridge's suggestion within 15 characters", () =>
    expect(freeNodeName('br-abcdefghijkl', lab('name: x\nnodes:\n  br-abcdefghijkl: { kind: bridge }\nlinks: []\n'))).toBe(
      'br-abcdefghi-2',
    ));
  it.each([
    ['its own name', 'ns1', 'ns1', /its name now/],
    ['a taken name', 'ns2', 'ns1', /exists already/],
    ['a name that is no node name', '1x', 'ns1', /a letter/],
    ['a prototype key that is no node', 'constructor', 'ns1', null],
    ['a long bridge name', 'b'.repeat(16), 'br0', /15 characters/],
    ['a free good name', 'h14d-ns1', 'ns1', null],
  ])('%s', (_, to, from, expected) => {
    const problem = nodeNameProblem(to, from, demo);
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toMatch(expected);
  });
  it('a prototype key is not mistaken for a node of the lab', () =>
    expect(clashNode({ ...clash, path: ['nodes', '__proto__'] }, demo)).toBeUndefined());
});

describe('deployBlocker', () => {
  it('says plan-only mode first', () => expect(deployBlocker({ root: false, issues: [], conflicts: [clash] })).toMatch(/plan-only/));
  it('names the first error and how many there are', () => {
    const issue: TopologyIssue = { code: 'x', path: ['nodes', 'ns1', 'routes', 0, 'via'], message: 'not reachable' };
    expect(deployBlocker({ root: true, issues: [issue, issue], conflicts: [] })).toBe(
      'fix 2 errors first: nodes.ns1.routes[0].via: not reachable',
    );
  });
  it('ignores warnings', () =>
    expect(deployBlocker({ root: true, issues: [{ code: 'w', path: [], message: 'hm', severity: 'warning' }], conflicts: [] })).toBeNull());
  it('says why a clash would make it fail', () =>
    expect(deployBlocker({ root: true, issues: [], conflicts: [clash, clash] })).toBe(`deploy would fail: ${clash.message} (and 1 more)`));
  it('is null when deploy would work', () => expect(deployBlocker({ root: true, issues: [], conflicts: [] })).toBeNull());
});

describe('clabBlocker', () => {
  const error: TopologyIssue = { code: 'x', path: ['checks', 0, 'from'], message: 'no node "nosuch"' };
  it('keeps a lab with errors from being exported, naming how many and the first', () => {
    expect(clabBlocker([error])).toBe('fix the error first: a lab with errors is not exported (checks[0].from: no node "nosuch")');
    expect(clabBlocker([error, error])).toMatch(/^fix 2 errors first: /);
  });
  it('lets a lab with warnings only be exported', () =>
    expect(clabBlocker([{ code: 'w', path: [], message: 'hm', severity: 'warning' }])).toBeNull());
});

describe('destroySummary', () => {
  it('names the namespaces and bridges on the host, and host settings going back', () => {
    expect(destroySummary(demo, ['host', 'ns1', 'ns2', 'br0'])).toBe(
      'Destroy lab demo: removes 2 namespaces (ns1, ns2), 1 bridge (br0) and every interface, route and rule it made; host settings it changed go back to what they were.',
    );
  });
  it('names namespaces as the host does, prefix and all', () => {
    expect(destroySummary({ ...demo, prefix: 'h14d-' }, ['ns1'])).toMatch(/^Destroy lab demo: removes 1 namespace \(h14d-ns1\) and/);
  });
  it('counts only what is there, and cuts a long list', () => {
    const big = lab(`name: big\nnodes:\n${Array.from({ length: 6 }, (_, i) => `  n${i}: { kind: netns }`).join('\n')}\nlinks: []\n`);
    expect(destroySummary(big, ['n0', 'n1', 'n2', 'n3', 'n4', 'gone'])).toBe(
      'Destroy lab big: removes 5 namespaces (n0, n1, n2, n3, …) and every interface, route and rule it made.',
    );
  });
  it('with nothing present, still says what kind of thing goes', () => {
    expect(destroySummary(demo, [])).toBe('Destroy lab demo: removes every interface, route and rule it made.');
  });
});

describe('onlyPositionsDiffer', () => {
  const at = (x: number) => `name: demo\nnodes:\n  ns1: { kind: netns, position: { x: ${x}, y: 10 } }\nlinks: []\n`;
  it('is true when only where the nodes are drawn changed', () => {
    expect(onlyPositionsDiffer(at(10), at(200))).toBe(true);
  });
  it('is false for the same text, a real change, or a text that does not parse', () => {
    expect(onlyPositionsDiffer(at(10), at(10))).toBe(false);
    expect(onlyPositionsDiffer(at(10), at(200).replace('netns', 'bridge'))).toBe(false);
    expect(onlyPositionsDiffer('nodes: [', at(10))).toBe(false);
  });
});

describe('importSummary', () => {
  const three = lab(`name: x
nodes:
  a: { kind: netns }
  b: { kind: netns }
  c: { kind: netns }
links:
  - endpoints: [{ node: a, name: eth1 }, { node: b, name: eth1 }]
  - endpoints: [{ node: b, name: eth2 }, { node: c, name: eth1 }]
checks:
  - { from: a, ping: 10.0.0.2 }
`);
  const error: TopologyIssue = { code: 'x', path: ['links', 0], message: 'no' };
  const warning: TopologyIssue = { code: 'w', path: [], message: 'hm', severity: 'warning' };
  it('counts the nodes, links and checks, the errors of the lab and the warnings, each in the right number', () =>
    expect(importSummary(three, [error, error, warning], 5)).toBe(
      '3 nodes, 2 links, 1 check; 2 errors in the lab; 5 warnings: what nslab leaves out or cannot do.',
    ));
  it('one of each is singular', () =>
    expect(importSummary({ ...three, nodes: { a: three.nodes.a! }, links: three.links.slice(0, 1) }, [error], 1)).toBe(
      '1 node, 1 link, 1 check; 1 error in the lab; 1 warning: what nslab leaves out or cannot do.',
    ));
  it('says nothing of checks or errors when there are none, and no warnings plainly', () =>
    expect(importSummary({ ...three, checks: undefined }, [warning], 0)).toBe('3 nodes, 2 links; 0 warnings.'));
});
