/**
 * What the server's API and websockets send, shared by the server and the
 * web app so both sides agree by construction. Types only.
 */
import type { TopologyIssue } from './issues.js';

export type DeployState = 'not-deployed' | 'deploying' | 'destroying' | 'deployed' | 'drift' | 'failed' | 'unknown';
export type ElementState = 'not-deployed' | 'deploying' | 'deployed' | 'drift' | 'failed';

export interface LabStatus {
  state: DeployState;
  /** Plain words for the page: "Deployed", "Drift", … */
  label: string;
  nodes: Record<string, ElementState>;
  links: Record<number, ElementState>;
  differences: Array<{ reason: string; command: string }>;
  conflicts: TopologyIssue[];
  error?: string;
  checkedAt: string;
}

export interface PlannedStep {
  kind: string;
  netns: string | null;
  argv: string[];
  reason: string;
  node?: string;
  link?: number;
}

export interface Hop {
  node: string;
  dev?: string;
  via?: string;
  src?: string;
  note?: string;
}

export interface PingMatrix {
  from: string[];
  to: Array<{ node: string; address: string }>;
  /** results[i][j]: from[i] reached to[j]. */
  results: boolean[][];
  elapsedMs: number;
}

export interface LinkCounters {
  at: number;
  /** Per link index: packets and bytes each end has sent and received. */
  links: Record<number, Array<{ rxPackets: number; txPackets: number; rxBytes: number; txBytes: number } | null>>;
}
