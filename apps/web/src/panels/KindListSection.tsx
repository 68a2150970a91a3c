/**
 * The inspector section of a link kind declared as a list in a netns or host
 * node (VXLAN, macvlan), drawn from the kind module's form description: a new
 * list kind needs no code here.
 */
import {
  HOST_KEY,
  interfacesOf,
  resolveTopology,
  type FormField,
  type NamespaceList,
  type NamespaceNode,
  type Topology,
  type TopologyIssue,
} from '@nslab/topology';
import { issuesAt, listText, NumberField, Section, SelectField, TextField, textList } from './fields';

type Item = Record<string, unknown>;

export function KindListSection(props: {
  list: NamespaceList;
  name: string;
  node: NamespaceNode;
  t: Topology;
  issues: TopologyIssue[];
  ifnames: string[];
  patch: (items: Item[] | undefined, field: string) => void;
}) {
  const { list, name, node, t, issues, patch } = props;
  const items = ((node as Record<string, unknown>)[list.field] as Item[] | undefined) ?? [];
  const replace = (i: number, value: Item | undefined) => {
    const next = value === undefined ? items.filter((_, k) => k !== i) : items.map((x, k) => (k === i ? value : x));
    patch(next.length ? next : undefined, `${list.field}.${i}`);
  };
  const options = (f: FormField): Array<[string, string]> => {
    const source = f.options;
    const names =
      source === 'interfaces'
        ? props.ifnames
        : source === 'bridges'
          ? Object.entries(t.nodes)
              .filter(([, n]) => n.kind === 'bridge' && n.netns === name)
              .map(([b]) => b)
          : source === 'host-interfaces'
            ? hostInterfaces(t)
            : [...(source ?? [])];
    return [['', f.none ?? '(none)'], ...names.map((n) => [n, n] as [string, string])];
  };
  return (
    <Section
      title={list.title}
      action={
        <button type="button" onClick={() => patch([...items, list.newItem(items.length)], `${list.field}.add`)}>
          {list.addLabel}
        </button>
      }
    >
      {items.map((item, i) => {
        const p = ['nodes', name, list.field, i];
        const set = (key: string, v: unknown) => replace(i, { ...item, [key]: v === '' ? undefined : v });
        return (
          <div className="row" key={i} role="group" aria-label={`${list.rowLabel} ${i + 1}`}>
            {list.form.map((f) => {
              const at = issuesAt(issues, [...p, f.key]);
              const value = item[f.key];
              if (f.type === 'number')
                return (
                  <NumberField
                    key={f.key}
                    label={f.label}
                    value={value as number | undefined}
                    onChange={(x) => set(f.key, x ?? f.empty)}
                    issues={at}
                  />
                );
              if (f.type === 'list')
                return (
                  <TextField
                    key={f.key}
                    label={f.label}
                    mono={f.mono}
                    value={listText(value as string[] | undefined)}
                    onChange={(x) => set(f.key, textList(x))}
                    issues={at}
                  />
                );
              if (f.type === 'select')
                return (
                  <SelectField
                    key={f.key}
                    label={f.label}
                    value={String(value ?? '')}
                    options={withCurrent(options(f), value)}
                    onChange={(x) => set(f.key, x)}
                    issues={at}
                  />
                );
              return (
                <TextField
                  key={f.key}
                  label={f.label}
                  mono={f.mono}
                  value={String(value ?? '')}
                  onChange={(x) => set(f.key, x)}
                  issues={at}
                />
              );
            })}
            <button type="button" className="remove" onClick={() => replace(i, undefined)} aria-label={`remove ${list.rowLabel} ${i + 1}`}>
              ×
            </button>
          </div>
        );
      })}
    </Section>
  );
}

/** Interfaces the lab makes in the host namespace (its bridges there, host veth ends, …), except macvlans: a macvlan stands on none. */
function hostInterfaces(t: Topology): string[] {
  const host = resolveTopology(t).scopes.get(HOST_KEY);
  return host ? interfacesOf(host).flatMap((i) => (i.kind === 'macvlan' ? [] : [i.name])) : [];
}

/** A value typed in the YAML that the list does not offer (a host's own eth0) stays choosable. */
function withCurrent(options: Array<[string, string]>, value: unknown): Array<[string, string]> {
  const v = String(value ?? '');
  return v === '' || options.some(([o]) => o === v) ? options : [...options, [v, v]];
}
