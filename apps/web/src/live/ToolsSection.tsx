import { useEffect, useState } from 'react';
import { resolveTopology, interfacesOf, type Topology } from '@nslab/topology';
import { tools, type Hop, type ToolInfo } from '../api';
import { Section } from '../panels/fields';
import { nodeIsLive, useStore } from '../store';
import { useDock } from './dock';
import { useStream, type StreamRequest } from './useStream';
import { useTools } from './useTools';
import { useStickToBottom } from './useStickToBottom';
import { useTrace } from '../trace/useTrace';
import { memorize, recall } from '../share/designerMemory';
import { usePath } from './pathLights';

/** Every IPv4 address of the lab, with whose it is: targets to pick for ping and path. */
export function labAddresses(t: Topology): Array<{ label: string; ip: string }> {
  const out: Array<{ label: string; ip: string }> = [];
  for (const scope of resolveTopology(t).scopes.values()) {
    for (const i of interfacesOf(scope))
      for (const a of i.addresses)
        if (a.cidr?.family === 4) out.push({ label: `${scope.node ?? 'host'} ${i.name} ${a.cidr.ip}`, ip: a.cidr.ip });
  }
  return out;
}

/**
 * The streaming tools a namespace offers with only a target to give (ping,
 * traceroute, …): the server's list, so a new tool there is a new button here.
 */
function targetTools(list: ToolInfo[]): ToolInfo[] {
  return list.filter((t) => t.mode === 'stream' && t.on === 'node' && t.params.every((p) => p.kind === 'ip' || !p.required));
}

/** A tool's parameters from the Target field; the others take the server's defaults. */
function paramsFor(tool: ToolInfo, target: string): Record<string, string> {
  return Object.fromEntries(tool.params.filter((p) => p.kind === 'ip').map((p) => [p.name, target]));
}

/** Terminal, the streaming tools (ping, traceroute), path and ip views for a deployed namespace. */
export function ToolsSection({ name }: { name: string }) {
  const lab = useStore((s) => s.lab)!;
  const topology = useStore((s) => s.topology);
  const deployed = useStore(nodeIsLive(name));
  const root = useStore((s) => s.health?.root ?? false);
  const targets = labAddresses(topology);
  const [target, setTarget] = useState(targets.find((x) => !x.label.startsWith(`${name} `))?.ip ?? '');
  const [hops, setHops] = useState<Hop[] | null>(null);
  // An ip view: readable text (`ip addr`) unless JSON is asked for.
  const [view, setView] = useState<{ what: string; json: boolean; body: string } | null>(null);
  const disabled = !root || !deployed;
  const streamTools = targetTools(useTools());
  // One tool at a time: a new run, or leaving the section, closes the last socket (the server ends the program).
  const [request, setRequest] = useState<(StreamRequest & { label: string }) | null>(null);
  const stream = useStream(request);
  const run = (tool: ToolInfo) =>
    setRequest({ lab, node: name, tool: tool.name, label: tool.label, params: paramsFor(tool, target), run: Date.now() });
  const out = [...stream.lines, ...(stream.error ? [`error: ${stream.error}`] : [])].join('\n');
  const follow = useStickToBottom<HTMLPreElement>(out);
  const say = (e: Error) => useStore.getState().say(e.message); // the server's reason (a 403, a limit)
  // The path is lit on the canvas too, while this node's tools are shown.
  const path = () =>
    tools.path(lab, name, target).then((r) => {
      setHops(r.hops);
      usePath.getState().show(lab, name, useStore.getState().topology, r.hops);
    }, say);
  useEffect(() => () => usePath.getState().clear(), [lab, name]);
  const showIt = (what: string, json: boolean) =>
    tools.show(lab, name, what, !json).then((r) => {
      setView({ what, json, body: 'text' in r ? r.text : JSON.stringify(r.json, null, 1) });
      memorize(lab, { tool: { node: name, what, json } }); // open again after a reload
    }, say);
  // The ip view this node had open before a reload.
  useEffect(() => {
    const had = recall(lab)?.tool;
    if (had?.node === name && !disabled) void showIt(had.what, had.json);
  }, [lab, name, disabled]); // eslint-disable-line react-hooks/exhaustive-deps -- once per node, when its tools work
  return (
    <Section title="Tools">
      {disabled && <p className="hint">{root ? 'Deploy the lab to use these.' : 'Plan-only mode: no tools.'}</p>}
      <div className="actions">
        <button type="button" disabled={disabled} onClick={() => useDock.getState().open({ kind: 'terminal', lab, node: name })}>
          Open terminal
        </button>
        {['addr', 'route', 'neigh', 'link'].map((w) => (
          <button type="button" key={w} disabled={disabled} onClick={() => void showIt(w, view?.json ?? false)}>
            ip {w}
          </button>
        ))}
      </div>
      <div className="field">
        <label htmlFor={`target-${name}`}>Target</label>
        <input id={`target-${name}`} list={`targets-${name}`} className="mono" value={target} onChange={(e) => setTarget(e.target.value)} />
        <datalist id={`targets-${name}`}>
          {targets.map((x) => (
            <option key={x.label} value={x.ip}>
              {x.label}
            </option>
          ))}
        </datalist>
      </div>
      <div className="actions">
        {streamTools.map((t) => (
          <button type="button" key={t.name} title={t.description} disabled={disabled || !target} onClick={() => run(t)}>
            {t.label}
          </button>
        ))}
        <button type="button" disabled={disabled || !target} onClick={() => void path()}>
          Path
        </button>
        <button
          type="button"
          disabled={disabled}
          title="Follow one packet from here, hop by hop, on the canvas"
          onClick={() => useTrace.getState().start(lab, name, target.trim())}
        >
          Trace
        </button>
      </div>
      {request && out && (
        <pre className="tool-out" ref={follow.ref} onScroll={follow.onScroll} aria-label={`${request.label} output`}>
          {out}
        </pre>
      )}
      {hops && (
        <ol className="hops" aria-label="Path" title="lit on the canvas: each namespace numbered in order">
          {hops.map((h, i) => (
            <li key={i}>
              <strong>{h.node}</strong> {h.dev ? `out ${h.dev}` : ''} {h.via ? `via ${h.via}` : ''} {h.note ?? ''}
            </li>
          ))}
        </ol>
      )}
      {view && (
        <div>
          <label className="field check">
            <input
              type="checkbox"
              checked={view.json}
              onChange={(e) => {
                setView({ ...view, json: e.target.checked }); // the box follows the click; the text when it comes
                void showIt(view.what, e.target.checked);
              }}
            />{' '}
            JSON
          </label>
          <pre className="tool-out" aria-label={`ip ${view.what}`}>
            {view.body}
          </pre>
        </div>
      )}
    </Section>
  );
}
