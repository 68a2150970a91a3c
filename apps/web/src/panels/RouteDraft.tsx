import { useId, useState } from 'react';
import { isError, parseTopologyData, updateNode, type NamespaceNode, type Topology } from '@nslab/topology';
import { issuesAt, SelectField, TextField } from './fields';
import { gateways } from './gateways';

type Route = NonNullable<NamespaceNode['routes']>[number];

/**
 * "Add route": a draft beside the lab, with the gateway suggested (the peer
 * on the chosen interface, or the bridge's address); it joins the lab only
 * when it is complete and valid, so a half-filled route never makes the lab
 * invalid. Its problems are shown on the draft, as the lab's are on its fields.
 */
export function RouteDraft({ name, node, t, add }: { name: string; node: NamespaceNode; t: Topology; add: (r: Route) => void }) {
  const [draft, setDraft] = useState<{ to: string; via: string; dev: string } | null>(null);
  const listId = useId();
  if (!draft)
    return (
      <button
        type="button"
        onClick={() => {
          const first = gateways(t, name)[0];
          setDraft({ to: 'default', via: first?.ip ?? '', dev: '' });
        }}
      >
        Add route
      </button>
    );
  const routes = node.routes ?? [];
  const route: Route = {
    to: draft.to.trim(),
    ...(draft.via.trim() ? { via: draft.via.trim() } : {}),
    ...(draft.dev ? { dev: draft.dev } : {}),
  };
  const path = ['nodes', name, 'routes', routes.length];
  const complete = route.to !== '' && (route.via !== undefined || route.dev !== undefined);
  const problems = complete
    ? issuesAt(parseTopologyData(updateNode(t, name, { routes: [...routes, route] })).issues, path).filter(isError)
    : [];
  const at = (field: string) => problems.filter((i) => i.path[path.length] === field);
  const suggested = gateways(t, name, draft.dev || undefined);
  const ifnames = [...new Set(t.links.flatMap((l) => l.endpoints.filter((e) => e.node === name).map((e) => e.name)))];
  return (
    <div className="row route-draft" role="group" aria-label="new route">
      <TextField label="To" mono value={draft.to} onChange={(to) => setDraft({ ...draft, to })} issues={at('to')} />
      <SelectField
        label="Dev"
        value={draft.dev}
        options={[['', '(by the gateway)'], ...ifnames.map((i): [string, string] => [i, i])]}
        onChange={(dev) => {
          // A gateway suggested for the interface chosen, unless one was typed that is on it.
          const on = gateways(t, name, dev || undefined);
          setDraft({ ...draft, dev, via: on.some((g) => g.ip === draft.via) ? draft.via : (on[0]?.ip ?? draft.via) });
        }}
        issues={at('dev')}
      />
      <div className="field">
        <label htmlFor={`${listId}-via`}>Via</label>
        <input
          id={`${listId}-via`}
          className="mono"
          list={listId}
          value={draft.via}
          placeholder={suggested[0]?.ip ?? 'gateway address'}
          onChange={(e) => setDraft({ ...draft, via: e.target.value })}
          spellCheck={false}
        />
        <datalist id={listId}>
          {suggested.map((g) => (
            <option key={g.ip} value={g.ip}>
              {g.label}
            </option>
          ))}
        </datalist>
        {suggested[0] && draft.via === suggested[0].ip && <span className="hint">suggested: {suggested[0].label}</span>}
      </div>
      <div className="row-issues">
        {!complete && <span className="hint">A route needs a destination, and a gateway (Via) or an interface (Dev).</span>}
        {problems
          .filter((i) => !['to', 'dev'].includes(String(i.path[path.length])))
          .map((i) => (
            <span key={i.message}>{i.message}</span>
          ))}
      </div>
      <span className="actions">
        <button
          type="button"
          className="primary"
          disabled={!complete || problems.length > 0}
          onClick={() => {
            add(route);
            setDraft(null);
          }}
        >
          Add
        </button>
        <button type="button" onClick={() => setDraft(null)}>
          Cancel
        </button>
      </span>
    </div>
  );
}
