import { formatTopology, parseTopologyData, type Topology } from '@nslab/topology';
import type { EditingSlice } from './editing';

/** The editing state that shows `t`: its formatted YAML and what validation says of it. */
export function showing(t: Topology): Pick<EditingSlice, 'topology' | 'text' | 'textIssues' | 'issues'> {
  return { topology: t, text: formatTopology(t), textIssues: [], issues: validate(t) };
}

export function validate(t: Topology): EditingSlice['issues'] {
  return parseTopologyData(t).issues;
}
