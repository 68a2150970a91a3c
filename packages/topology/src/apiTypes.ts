/**
 * What the server's API and websockets send, shared by the server and the
 * web app so both sides agree by construction. Types only.
 */
import type { TopologyIssue } from './issues.js';

export type DeployState = 'not-deployed' | 'deploying' | 'destroying' | 'deployed' | 'drift' | 'failed' | 'unknown';
export type ElementState = 'not-deployed' | 'deploying' | 'deployed' | 'drift' | 'failed';

export type OperationKind = 'deploy' | 'destroy';

/** A deploy or destroy under way on the server. */
export interface OperationInfo {
  /** Unique for the server's lifetime and across its restarts. */
  id: string;
  op: OperationKind;
  done: number;
  total: number;
}

export interface LabStatus {
  state: DeployState;
  /** Plain words for the page: "Deployed", "Drift", … */
  label: string;
  nodes: Record<string, ElementState>;
  links: Record<number, ElementState>;
  /** Nodes whose namespace is on the host now (terminals and tools work there), whatever the lab's state. */
  present: string[];
  /** The operation running now, if any: the server's word on whether the lab is busy. */
  operation?: OperationInfo;
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

/** What the server pushes to browsers following a lab (`/api/ws?lab=`). */
export type LabEvent =
  | { type: 'step'; lab: string; opId: string; op: OperationKind; index: number; total: number; kind: string; argv: string[]; reason: string; status: string; elapsedMs: number; node?: string; link?: number; error?: string }
  | { type: 'operation'; lab: string; opId: string; op: OperationKind; state: 'started' }
  | { type: 'operation'; lab: string; opId: string; op: OperationKind; state: 'finished'; ok: boolean; error?: string; elapsedMs?: number; steps?: number }
  | { type: 'status'; lab: string; status: LabStatus }
  | { type: 'saved'; lab: string; rev: number };

/** The reply to POST /api/labs/NAME/deploy and /destroy. */
export interface OperationResult {
  opId: string;
  ok: boolean;
  steps: number;
  applied: number;
  elapsedMs: number;
  failure?: { argv: readonly string[]; message: string };
  rollback?: { undone: number; errors: string[] };
}
