/** The instructor's dashboard table, as data: one row per participant, one cell per step. */
import type { WorkshopStepView, WorkshopView } from '@nslab/topology';
import { passedCount, relativeTime, stepStatus, type StepStatus } from './stepStatus';

export interface DashboardRow {
  id: string;
  name: string;
  /** Their lab's status label ("Deployed", "Not deployed", …). */
  status: string;
  /** "3 min ago" */
  lastSeen: string;
  /** The exact time, for the tooltip. */
  lastSeenAt: string;
  steps: StepStatus[];
  /** How many steps are passed. */
  passed: number;
}

/** A step's column header: its number (from 1) and title. */
export function stepHeader(step: WorkshopStepView, index: number): string {
  return `${index + 1}. ${step.title}`;
}

/** Rows in the order the server gives (the order people joined). */
export function dashboardRows(view: Pick<WorkshopView, 'steps' | 'people'>, now: number): DashboardRow[] {
  return view.people.map((p) => ({
    id: p.id,
    name: p.name,
    status: p.status,
    lastSeen: relativeTime(p.lastSeen, now),
    lastSeenAt: p.lastSeen,
    steps: view.steps.map((_, i) => stepStatus(p.results, i)),
    passed: passedCount(p.results, view.steps.length),
  }));
}

/** The join link as people type it: this page's origin and the workshop's join path. */
export function joinLink(origin: string, joinPath: string): string {
  return `${origin.replace(/\/+$/, '')}${joinPath.startsWith('/') ? '' : '/'}${joinPath}`;
}
