import { useEffect, useState } from 'react';
import { parseTopology, formatIssue } from '@nslab/topology';

const SAMPLE = `name: demo
nodes:
  red: { kind: netns }
  blue: { kind: netns }
links:
  - endpoints:
      - { node: red, name: veth-red, addresses: [192.168.100.2/24] }
      - { node: blue, name: veth-blue, addresses: [192.168.100.3/24] }
`;

interface PlanStep {
  reason: string;
  argv: string[];
}

/** Placeholder until the canvas lands: edit YAML, see validation and the plan. */
export function App() {
  const [text, setText] = useState(SAMPLE);
  const [steps, setSteps] = useState<PlanStep[]>([]);
  const parsed = parseTopology(text);
  useEffect(() => {
    if (!parsed.ok || !parsed.topology) return setSteps([]);
    const ctl = new AbortController();
    fetch('/api/plan', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(parsed.topology), signal: ctl.signal })
      .then((r) => r.json())
      .then((body: { steps?: PlanStep[] }) => setSteps(body.steps ?? []))
      .catch(() => {});
    return () => ctl.abort();
  }, [text]);
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 16, padding: 16 }}>
      <section>
        <h1>nslab</h1>
        <label htmlFor="yaml">Lab (YAML)</label>
        <textarea id="yaml" value={text} onChange={(e) => setText(e.target.value)} rows={24} style={{ width: '100%', fontFamily: 'monospace' }} />
        <ul aria-label="Validation">
          {parsed.issues.map((i) => (
            <li key={formatIssue(i)}>{formatIssue(i)}</li>
          ))}
        </ul>
      </section>
      <section aria-label="Plan">
        <h2>Plan</h2>
        <pre>{steps.map((s) => `# ${s.reason}\n${s.argv.join(' ')}`).join('\n')}</pre>
      </section>
    </main>
  );
}
