import {
  LIST_KINDS,
  listed,
  NODE_NAME,
  renameNode,
  updateEndpoint,
  updateLink,
  updateNode,
  type NamespaceNode,
  type NodeSpec,
  type Topology,
  type TopologyIssue,
} from '@nslab/topology';
import { useLayoutEffect, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { nodeIsLive, shownIssues, useStore } from '../store';
import { ClashFixes } from './ClashFixes';
import { LabSettings } from './LabSettings';
import { Welcome } from './Welcome';
import { CheckField, issuesAt, listText, NumberField, Section, SelectField, TextField, textList } from './fields';
import { ImpairFields } from './ImpairFields';
import { NamespaceSettings } from './NamespaceSettings';
import { ToolsSection } from '../live/ToolsSection';
import { useDock } from '../live/dock';

/** Edits whatever is selected: a node, a link, or a summary of a multi-selection. */
export function Inspector() {
  const selection = useStore((s) => s.selection);
  const topology = useStore((s) => s.topology);
  // Host-name clashes show on their node's Name field too.
  const issues = useStore(useShallow(shownIssues));
  const { nodes, links } = selection;
  // Another node or link selected: its inspector starts at its top, not where the last one was scrolled to.
  const panel = useRef<HTMLElement>(null);
  const shown = `${nodes.join('\n')}|${links.join(',')}`;
  useLayoutEffect(() => {
    if (panel.current) panel.current.scrollTop = 0;
  }, [shown]);
  let body;
  if (nodes.length + links.length === 0)
    body = (
      <>
        <p className="hint">
          Select a node or a link to edit it. Drag items from the palette; connect two nodes by dragging from one's handle to another's.
        </p>
        <Welcome />
        <LabSettings />
      </>
    );
  else if (nodes.length === 1 && links.length === 0 && topology.nodes[nodes[0]!])
    body = <NodeInspector key={nodes[0]} name={nodes[0]!} t={topology} issues={issues} />;
  else if (links.length === 1 && nodes.length === 0 && topology.links[links[0]!])
    body = <LinkInspector key={links[0]} index={links[0]!} t={topology} issues={issues} />;
  else
    body = (
      <p className="hint">
        {nodes.length} node(s) and {links.length} link(s) selected. Press Delete to remove them, Ctrl+C to copy.
      </p>
    );
  return (
    <aside className="inspector" aria-label="Inspector" ref={panel}>
      <h2>Inspector</h2>
      {body}
    </aside>
  );
}

function NodeInspector({ name, t, issues }: { name: string; t: Topology; issues: TopologyIssue[] }) {
  const apply = useStore((s) => s.apply);
  const select = useStore((s) => s.select);
  const say = useStore((s) => s.say);
  const node = t.nodes[name]!;
  const base = ['nodes', name];
  const patch = (p: Partial<NodeSpec>, field: string) =>
    apply(updateNode(useStore.getState().topology, name, p), { coalesce: `${name}.${field}` });
  const rename = (to: string) => {
    if (!NODE_NAME.test(to) || (node.kind === 'bridge' && to.length > 15))
      return say(`"${to}" is not a valid ${node.kind === 'bridge' ? 'bridge' : 'node'} name yet`);
    if (useStore.getState().topology.nodes[to]) return say(`a node named "${to}" already exists`);
    say(null);
    apply(renameNode(useStore.getState().topology, name, to));
    select({ nodes: [to], links: [] });
  };
  const containers = Object.entries(t.nodes).filter(([, n]) => n.kind !== 'bridge');
  return (
    <form className="node-inspector" aria-label={`${name} settings`} onSubmit={(e) => e.preventDefault()}>
      <TextField label="Name" value={name} onChange={rename} issues={issuesAt(issues, base).filter((i) => i.path.length === 2)} mono />
      <ClashFixes node={name} />
      <TextField label="Label" value={node.label ?? ''} onChange={(v) => patch({ label: v || undefined }, 'label')} />
      {node.kind === 'bridge' ? (
        <>
          <TextField
            label="Addresses"
            value={listText(node.addresses)}
            onChange={(v) => patch({ addresses: textList(v) }, 'addresses')}
            issues={issuesAt(issues, [...base, 'addresses'])}
            placeholder="e.g. 10.0.0.1/24"
            mono
          />
          <CheckField label="STP (spanning tree)" checked={!!node.stp} onChange={(v) => patch({ stp: v || undefined }, 'stp')} />
          <SelectField
            label="Lives in"
            value={node.netns ?? ''}
            options={[['', 'the host (root)'], ...containers.map(([n]) => [n, n] as [string, string])]}
            onChange={(v) => patch({ netns: v || undefined, ...(v ? { position: { x: 24, y: 70 } } : {}) }, 'netns')}
            issues={issuesAt(issues, [...base, 'netns'])}
          />
        </>
      ) : (
        <>
          <ToolsSection name={name} />
          <Interfaces name={name} t={t} issues={issues} />
          <NamespaceSettings name={name} node={node as NamespaceNode} t={t} issues={issues} />
        </>
      )}
    </form>
  );
}

/** A namespace's interfaces (its link ends), with their addresses editable here. */
function Interfaces({ name, t, issues }: { name: string; t: Topology; issues: TopologyIssue[] }) {
  const apply = useStore((s) => s.apply);
  const ends = t.links.flatMap((l, i) =>
    l.endpoints.map((e, end) => ({ e, i, end: end as 0 | 1, peer: l.endpoints[1 - end]! })).filter((x) => x.e.node === name),
  );
  if (ends.length === 0)
    return (
      <Section title="Interfaces">
        <p className="hint">
          No links yet: drag from this node's handle to another node.
          {LIST_KINDS.some((k) => listed(t, k.list!.field).some((x) => x.node === name)) &&
            ' Its other interfaces are in the sections below.'}
        </p>
      </Section>
    );
  return (
    <Section title="Interfaces">
      {ends.map(({ e, i, end, peer }) => (
        <div className="inspector-iface" key={`${i}-${end}`}>
          <div className="iface-title mono">
            {e.name} ↔ {peer.name} ({peer.node})
          </div>
          <TextField
            label="Addresses"
            value={listText(e.addresses)}
            onChange={(v) =>
              apply(updateEndpoint(useStore.getState().topology, i, end, { addresses: textList(v) }), {
                coalesce: `l${i}.${end}.addresses`,
              })
            }
            issues={issuesAt(issues, ['links', i, 'endpoints', end])}
            placeholder="e.g. 10.0.0.1/24"
            mono
          />
        </div>
      ))}
    </Section>
  );
}

function LinkInspector({ index, t, issues }: { index: number; t: Topology; issues: TopologyIssue[] }) {
  const apply = useStore((s) => s.apply);
  const link = t.links[index]!;
  const edit = (end: 0 | 1, p: Parameters<typeof updateEndpoint>[3], field: string) =>
    apply(updateEndpoint(useStore.getState().topology, index, end, p), { coalesce: `l${index}.${end}.${field}` });
  return (
    <form aria-label={`link ${link.endpoints[0].node} – ${link.endpoints[1].node}`} onSubmit={(e) => e.preventDefault()}>
      <p className="hint">
        A veth pair: a virtual cable between {link.endpoints[0].node} and {link.endpoints[1].node}.
      </p>
      <Section title="Impairments (both ends)">
        <ImpairFields
          impair={link.impair}
          up={link.up ?? true}
          path={['links', index]}
          issues={issuesAt(issues, ['links', index]).filter((i) => i.path[2] !== 'endpoints')}
          onImpair={(impair) => apply(updateLink(useStore.getState().topology, index, { impair }), { coalesce: `l${index}.impair` })}
          onUp={(v) => apply(updateLink(useStore.getState().topology, index, { up: v ? undefined : false }))}
        />
      </Section>
      {link.endpoints.map((ep, end) => {
        const base = ['links', index, 'endpoints', end];
        const e = end as 0 | 1;
        return (
          <Section key={end} title={`${ep.node} end`}>
            <TextField
              label="Name"
              value={ep.name}
              onChange={(v) => edit(e, { name: v }, 'name')}
              issues={issuesAt(issues, [...base, 'name'])}
              mono
            />
            <TextField
              label="Addresses"
              value={listText(ep.addresses)}
              onChange={(v) => edit(e, { addresses: textList(v) }, 'addresses')}
              issues={issuesAt(issues, [...base, 'addresses'])}
              placeholder="e.g. 10.0.0.1/24"
              mono
            />
            <TextField
              label="MAC"
              value={ep.mac ?? ''}
              onChange={(v) => edit(e, { mac: v || undefined }, 'mac')}
              issues={issuesAt(issues, [...base, 'mac'])}
              placeholder="(kernel picks one)"
              mono
            />
            <NumberField
              label="MTU"
              value={ep.mtu}
              onChange={(v) => edit(e, { mtu: v }, 'mtu')}
              issues={issuesAt(issues, [...base, 'mtu'])}
              placeholder="(default 1500)"
            />
            <ImpairFields
              impair={ep.impair}
              inherited={link.impair}
              up={ep.up ?? link.up ?? true}
              path={base}
              issues={issues}
              onImpair={(impair) => edit(e, { impair }, 'impair')}
              onUp={(v) => edit(e, { up: v === (link.up ?? true) ? undefined : v }, 'up')}
            />
            <CaptureButton node={ep.node} iface={ep.name} />
          </Section>
        );
      })}
    </form>
  );
}

/** tcpdump on this link end, in a dock tab. A bridge port is captured in the bridge's namespace. */
function CaptureButton({ node, iface }: { node: string; iface: string }) {
  const lab = useStore((s) => s.lab);
  const t = useStore((s) => s.topology);
  const spec = t.nodes[node];
  const where = spec?.kind === 'bridge' ? (spec.netns ?? Object.entries(t.nodes).find(([, n]) => n.kind === 'host')?.[0]) : node;
  const live = useStore(nodeIsLive(where ?? node));
  if (!lab || !where) return null;
  return (
    <button
      type="button"
      disabled={!live}
      onClick={() => useDock.getState().open({ kind: 'capture', lab, node: where, iface, filter: '' })}
    >
      Capture on {iface}
    </button>
  );
}
