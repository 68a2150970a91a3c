/**
 * What a live tool is. A tool either streams (a program inside a node, its
 * lines over the `/api/stream?tool=NAME` websocket) or runs once (a REST
 * request answered with JSON). Each declares its parameters, checked before
 * anything runs. The list is in toolList.ts; http/liveEndpoints.ts serves it.
 */
import type { ToolInfo, Topology } from '@nslab/topology';
import type { Runner } from '../runner.js';
import type { LiveLimits } from './limits.js';
import type { NodeScope } from './scope.js';
import type { ParamSpecs, ParamValues } from './toolParams.js';

interface ToolBase<P extends ParamSpecs> {
  /** `tool=NAME` on the websocket; the last part of a REST tool's default path. */
  name: string;
  /** The page's button ("Ping"). */
  label: string;
  /** One line: what it shows. */
  description: string;
  params: P;
}

export interface StreamTool<P extends ParamSpecs = ParamSpecs> extends ToolBase<P> {
  mode: 'stream';
  /** `node`: the page offers it on a namespace; `interface`: on a link end. */
  on: 'node' | 'interface';
  /** The limit it counts against (live/limits.ts). */
  limit: 'stream' | 'capture';
  /** It writes a pcap: `argv` gets the file, and the socket stays open after the program ends, for the download. */
  capture?: boolean;
  /** The program, run inside the node's namespace; user values after `--`. */
  argv(v: ParamValues<P>, captureFile: string | undefined): string[];
  /** It is stopped after this long, and the page told why. */
  maxMs(v: ParamValues<P>, caps: LiveLimits): number;
}

/** What a one-shot tool gets, by where it runs. */
export interface OnceContexts {
  node: { runner: Runner; topology: Topology; scope: NodeScope };
  lab: { runner: Runner; topology: Topology };
  host: { runner: Runner };
}

export interface OnceTool<
  On extends keyof OnceContexts = keyof OnceContexts,
  P extends ParamSpecs = ParamSpecs,
  R = unknown,
> extends ToolBase<P> {
  mode: 'once';
  on: On;
  method: 'get' | 'post';
  /** Under /api: `/labs/:name/nodes/:node/PATH` (node), `/labs/:name/PATH` (lab), `/PATH` (host); default the name. Path parameters are parameters too. */
  path?: string;
  run(ctx: OnceContexts[On], v: ParamValues<P>): Promise<R>;
}

export type Tool = StreamTool | OnceTool;

/** A streaming tool, its parameter types checked against its argv. */
export function streamTool<P extends ParamSpecs>(t: Omit<StreamTool<P>, 'mode'>): StreamTool {
  return { ...t, mode: 'stream' } as unknown as StreamTool;
}

/** A one-shot tool, its parameter types and context checked against `run`. */
export function onceTool<On extends keyof OnceContexts, P extends ParamSpecs, R>(t: Omit<OnceTool<On, P, R>, 'mode'>): OnceTool {
  return { ...t, mode: 'once' } as unknown as OnceTool;
}

/** The REST path of a one-shot tool, under /api. */
export function routeOf(t: OnceTool): string {
  const tail = t.path ?? t.name;
  return t.on === 'node' ? `/labs/:name/nodes/:node/${tail}` : t.on === 'lab' ? `/labs/:name/${tail}` : `/${tail}`;
}

/** What GET /api/tools says of a tool. */
export function toolInfo(t: Tool): ToolInfo {
  return {
    name: t.name,
    label: t.label,
    mode: t.mode,
    on: t.on,
    description: t.description,
    params: Object.entries(t.params).map(([name, p]) => ({ name, ...p.info })),
  };
}
