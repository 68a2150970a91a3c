/** Routes, sysctls, NAT, firewall and the list kinds (VXLANs, macvlans) of a netns or host node. */
import { LIST_KINDS, updateNode, type NamespaceNode, type NatSpec, type Topology, type TopologyIssue } from '@nslab/topology';
import { useStore } from '../store';
import { KindListSection } from './KindListSection';
import { RouteDraft } from './RouteDraft';
import { CheckField, issuesAt, NumberField, Section, SelectField, TextField } from './fields';

type Node = NamespaceNode;

export function NamespaceSettings({ name, node, t, issues }: { name: string; node: Node; t: Topology; issues: TopologyIssue[] }) {
  const apply = useStore((s) => s.apply);
  const base = ['nodes', name];
  const patch = (p: Partial<Node>, field: string) =>
    apply(updateNode(useStore.getState().topology, name, p), { coalesce: `${name}.${field}` });
  const ifnames = t.links.flatMap((l) => l.endpoints.filter((e) => e.node === name).map((e) => e.name));
  const sysctls = node.sysctls ?? {};
  const setSysctl = (key: string, on: boolean) => {
    const next = { ...sysctls };
    if (on) next[key] = 1;
    else delete next[key];
    patch({ sysctls: Object.keys(next).length ? next : undefined }, `sysctl.${key}`);
  };
  const otherSysctls = Object.entries(sysctls).filter(
    ([k]) => k !== 'net.ipv4.ip_forward' && !/^net\.ipv4\.conf\.[^.]+\.proxy_arp$/.test(k),
  );
  const routes = node.routes ?? [];
  const nat = node.nat ?? [];
  const fw = node.firewall ?? {};
  const list = <T,>(items: T[], i: number, value: T | undefined): T[] | undefined => {
    const next = value === undefined ? items.filter((_, k) => k !== i) : items.map((x, k) => (k === i ? value : x));
    return next.length ? next : undefined;
  };

  return (
    <>
      <Section title="Sysctls">
        <CheckField
          label="IP forwarding"
          hint="net.ipv4.ip_forward: route packets between interfaces"
          checked={sysctls['net.ipv4.ip_forward'] === 1}
          onChange={(v) => setSysctl('net.ipv4.ip_forward', v)}
        />
        {ifnames.map((i) => (
          <CheckField
            key={i}
            label={`Proxy ARP on ${i}`}
            hint={`net.ipv4.conf.${i}.proxy_arp: answer ARP for addresses reachable through other interfaces`}
            checked={sysctls[`net.ipv4.conf.${i}.proxy_arp`] === 1}
            onChange={(v) => setSysctl(`net.ipv4.conf.${i}.proxy_arp`, v)}
          />
        ))}
        <TextField
          label="Other sysctls"
          mono
          placeholder="net.ipv4.conf.all.rp_filter=0"
          value={otherSysctls.map(([k, v]) => `${k}=${v}`).join(', ')}
          issues={issuesAt(issues, [...base, 'sysctls'])}
          onChange={(v) => {
            const kept = Object.fromEntries(Object.entries(sysctls).filter(([k]) => !otherSysctls.some(([o]) => o === k)));
            for (const pair of v.split(/[\s,]+/).filter(Boolean)) {
              const [k, val] = pair.split('=');
              if (k && val !== undefined && /^-?\d+$/.test(val)) kept[k] = Number(val);
            }
            patch({ sysctls: Object.keys(kept).length ? kept : undefined }, 'sysctls.other');
          }}
        />
      </Section>

      <Section
        title="Routes"
        action={<RouteDraft name={name} node={node} t={t} add={(r) => patch({ routes: [...routes, r] }, 'routes.add')} />}
      >
        {routes.map((r, i) => {
          const p = [...base, 'routes', i];
          const set = (v: typeof r | undefined) => patch({ routes: list(routes, i, v) }, `routes.${i}`);
          return (
            <div className="row" key={i} role="group" aria-label={`route ${i + 1}`}>
              <TextField label="To" mono value={r.to} onChange={(v) => set({ ...r, to: v })} issues={issuesAt(issues, [...p, 'to'])} />
              <TextField
                label="Via"
                mono
                value={r.via ?? ''}
                onChange={(v) => set({ ...r, via: v || undefined })}
                issues={issuesAt(issues, [...p, 'via'])}
              />
              <TextField
                label="Dev"
                mono
                value={r.dev ?? ''}
                onChange={(v) => set({ ...r, dev: v || undefined })}
                issues={issuesAt(issues, [...p, 'dev'])}
              />
              <NumberField
                label="Metric"
                value={r.metric}
                onChange={(v) => set({ ...r, metric: v })}
                issues={issuesAt(issues, [...p, 'metric'])}
              />
              <button type="button" className="remove" onClick={() => set(undefined)} aria-label={`remove route ${i + 1}`}>
                ×
              </button>
              <div className="row-issues">
                {issuesAt(issues, p)
                  .filter((x) => x.path.length === p.length)
                  .map((x) => (
                    <span key={x.message}>{x.message}</span>
                  ))}
              </div>
            </div>
          );
        })}
      </Section>

      <Section
        title="NAT"
        action={
          <span className="actions">
            <button type="button" onClick={() => patch({ nat: [...nat, { type: 'masquerade', source: '10.0.0.0/24' }] }, 'nat.add')}>
              Add masquerade
            </button>
            <button
              type="button"
              onClick={() => patch({ nat: [...nat, { type: 'dnat', proto: 'tcp', port: 8080, to: '10.0.0.2:80' }] }, 'nat.add')}
            >
              Add port publishing
            </button>
          </span>
        }
      >
        {nat.map((r, i) => {
          const p = [...base, 'nat', i];
          const set = (v: NatSpec | undefined) => patch({ nat: list(nat, i, v) }, `nat.${i}`);
          return r.type === 'masquerade' ? (
            <div className="row" key={i} role="group" aria-label={`masquerade ${i + 1}`}>
              <TextField
                label="Source"
                mono
                value={r.source}
                onChange={(v) => set({ ...r, source: v })}
                issues={issuesAt(issues, [...p, 'source'])}
              />
              <TextField
                label="Out interface"
                mono
                value={r.outInterface ?? ''}
                onChange={(v) => set({ ...r, outInterface: v || undefined })}
                issues={issuesAt(issues, [...p, 'outInterface'])}
              />
              <TextField
                label="Except out interface"
                mono
                value={r.notOutInterface ?? ''}
                onChange={(v) => set({ ...r, notOutInterface: v || undefined })}
                issues={issuesAt(issues, [...p, 'notOutInterface'])}
              />
              <button type="button" className="remove" onClick={() => set(undefined)} aria-label={`remove masquerade ${i + 1}`}>
                ×
              </button>
            </div>
          ) : (
            <div className="row" key={i} role="group" aria-label={`port publishing ${i + 1}`}>
              <SelectField
                label="Protocol"
                value={r.proto}
                options={[
                  ['tcp', 'tcp'],
                  ['udp', 'udp'],
                ]}
                onChange={(v) => set({ ...r, proto: v as 'tcp' | 'udp' })}
              />
              <NumberField
                label="Port"
                value={r.port}
                onChange={(v) => set({ ...r, port: v ?? 0 })}
                issues={issuesAt(issues, [...p, 'port'])}
              />
              <TextField
                label="Forward to"
                mono
                value={r.to}
                onChange={(v) => set({ ...r, to: v })}
                issues={issuesAt(issues, [...p, 'to'])}
                placeholder="10.0.0.2:80"
              />
              <TextField
                label="Only for destination"
                mono
                value={r.destination ?? ''}
                onChange={(v) => set({ ...r, destination: v || undefined })}
                issues={issuesAt(issues, [...p, 'destination'])}
              />
              <button type="button" className="remove" onClick={() => set(undefined)} aria-label={`remove port publishing ${i + 1}`}>
                ×
              </button>
            </div>
          );
        })}
      </Section>

      <Section
        title="Firewall"
        action={
          <button
            type="button"
            onClick={() => patch({ firewall: { ...fw, forward: [...(fw.forward ?? []), { action: 'accept' }] } }, 'fw.add')}
          >
            Add forward rule
          </button>
        }
      >
        <SelectField
          label="FORWARD policy"
          value={fw.forwardPolicy ?? ''}
          options={[
            ['', '(leave as is)'],
            ['accept', 'accept'],
            ['drop', 'drop'],
          ]}
          onChange={(v) => patch({ firewall: { ...fw, forwardPolicy: (v || undefined) as 'accept' | 'drop' | undefined } }, 'fw.policy')}
        />
        {(fw.forward ?? []).map((r, i) => {
          const p = [...base, 'firewall', 'forward', i];
          const set = (v: typeof r | undefined) => patch({ firewall: { ...fw, forward: list(fw.forward ?? [], i, v) } }, `fw.${i}`);
          return (
            <div className="row" key={i} role="group" aria-label={`forward rule ${i + 1}`}>
              <TextField
                label="In"
                mono
                value={r.in ?? ''}
                onChange={(v) => set({ ...r, in: v || undefined })}
                issues={issuesAt(issues, [...p, 'in'])}
              />
              <TextField
                label="Out"
                mono
                value={r.out ?? ''}
                onChange={(v) => set({ ...r, out: v || undefined })}
                issues={issuesAt(issues, [...p, 'out'])}
              />
              <TextField
                label="From"
                mono
                value={r.source ?? ''}
                onChange={(v) => set({ ...r, source: v || undefined })}
                issues={issuesAt(issues, [...p, 'source'])}
              />
              <TextField
                label="To subnet"
                mono
                value={r.destination ?? ''}
                onChange={(v) => set({ ...r, destination: v || undefined })}
                issues={issuesAt(issues, [...p, 'destination'])}
              />
              <SelectField
                label="Action"
                value={r.action}
                options={[
                  ['accept', 'accept'],
                  ['drop', 'drop'],
                ]}
                onChange={(v) => set({ ...r, action: v as 'accept' | 'drop' })}
              />
              <button type="button" className="remove" onClick={() => set(undefined)} aria-label={`remove forward rule ${i + 1}`}>
                ×
              </button>
            </div>
          );
        })}
      </Section>

      {LIST_KINDS.map((k) => (
        <KindListSection
          key={k.kind}
          list={k.list!}
          name={name}
          node={node}
          t={t}
          issues={issues}
          ifnames={ifnames}
          patch={(items, field) => patch({ [k.list!.field]: items } as Partial<Node>, field)}
        />
      ))}
    </>
  );
}
