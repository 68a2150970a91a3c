/**
 * What the designer remembers across reloads, per lab, in localStorage:
 * the selection, the view (pan and zoom) and the ip view open in Tools.
 * Not terminals or captures (their processes end with the page). Whatever
 * is stored is read as untrusted: a hand-edited or old entry, a `__proto__`
 * key, a huge list or a NaN zoom is dropped, field by field. At most
 * `MAX_LABS` labs are kept (the most recently used), so it stays small.
 */
import { LAB_NAME, NODE_NAME } from '@nslab/topology';

export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

export interface ToolView {
  node: string;
  what: string;
  json: boolean;
}

export interface LabMemory {
  nodes: string[];
  links: number[];
  viewport?: Viewport;
  tool?: ToolView;
  /** When it was last written (ms): the oldest lab is forgotten first. */
  at: number;
}

export type Memory = Map<string, LabMemory>;

export const MAX_LABS = 30;
const MAX_SELECTED = 200;
const KEY = 'nslab.designer';
const IP_VIEWS = /^[a-z]{1,12}$/;

const isNumber = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max;

function readViewport(v: unknown): Viewport | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const { x, y, zoom } = v as Record<string, unknown>;
  return isNumber(x, -1e6, 1e6) && isNumber(y, -1e6, 1e6) && isNumber(zoom, 0.05, 4) ? { x, y, zoom } : undefined;
}

function readTool(v: unknown): ToolView | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const { node, what, json } = v as Record<string, unknown>;
  return typeof node === 'string' && NODE_NAME.test(node) && typeof what === 'string' && IP_VIEWS.test(what)
    ? { node, what, json: json === true }
    : undefined;
}

function readLab(v: unknown): LabMemory | undefined {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const r = v as Record<string, unknown>;
  const nodes = Array.isArray(r.nodes) ? r.nodes.filter((n): n is string => typeof n === 'string' && NODE_NAME.test(n)) : [];
  const links = Array.isArray(r.links) ? r.links.filter((i): i is number => Number.isInteger(i) && isNumber(i, 0, 100_000)) : [];
  const viewport = readViewport(r.viewport);
  const tool = readTool(r.tool);
  return {
    nodes: [...new Set(nodes)].slice(0, MAX_SELECTED),
    links: [...new Set(links)].slice(0, MAX_SELECTED),
    ...(viewport ? { viewport } : {}),
    ...(tool ? { tool } : {}),
    at: isNumber(r.at, 0, Number.MAX_SAFE_INTEGER) ? r.at : 0,
  };
}

/**
 * The memory in a stored string; anything that is not one is an empty memory.
 *
 * @example readMemory('{"labs":{"pods":{"nodes":["a"],"links":[],"at":1}}}').get('pods')?.nodes // → ['a']
 */
export function readMemory(raw: string | null): Memory {
  const out: Memory = new Map();
  if (raw === null || raw.length > 1_000_000) return out;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return out;
  }
  const labs = parsed && typeof parsed === 'object' ? (parsed as { labs?: unknown }).labs : undefined;
  if (!labs || typeof labs !== 'object' || Array.isArray(labs)) return out;
  for (const [name, v] of Object.entries(labs)) {
    const lab = LAB_NAME.test(name) ? readLab(v) : undefined;
    if (lab) out.set(name, lab);
  }
  return out;
}

/** The string to store: the `MAX_LABS` most recently used labs. */
export function writeMemory(memory: Memory): string {
  const kept = [...memory].sort(([, a], [, b]) => b.at - a.at).slice(0, MAX_LABS);
  return JSON.stringify({ labs: Object.fromEntries(kept) });
}

/** `memory` with `lab`'s entry changed by `patch` (the entry made if there is none), stamped `at`. */
export function remember(memory: Memory, lab: string, patch: Partial<Omit<LabMemory, 'at'>>, at: number): Memory {
  const next = new Map(memory);
  const was = next.get(lab) ?? { nodes: [], links: [], at };
  const lab2 = readLab({ ...was, ...patch, at });
  if (lab2) next.set(lab, lab2);
  return next;
}

const storage = (): Storage | undefined => (typeof localStorage === 'undefined' ? undefined : localStorage);

/** What is remembered of `lab`, if anything. */
export function recall(lab: string): LabMemory | undefined {
  return readMemory(storage()?.getItem(KEY) ?? null).get(lab);
}

/** Remembers `patch` for `lab` (a full storage is not an error: the page works without memory). */
export function memorize(lab: string, patch: Partial<Omit<LabMemory, 'at'>>): void {
  const s = storage();
  if (!s) return;
  try {
    s.setItem(KEY, writeMemory(remember(readMemory(s.getItem(KEY)), lab, patch, Date.now())));
  } catch {
    /* quota exceeded or storage disabled */
  }
}
