/** The containerlab import and export: what they return. */
import type { TopologyIssue } from '../issues.js';
import type { Topology } from '../schema.js';
import type { HostInterfaces } from '../importScript/hostInterfaces.js';
import type { ParseLimits } from '../parseTopology/limits.js';

/** A note about one place in the containerlab file: its YAML path (`topology.nodes.r1.image`) and line (1-based; 0 when unknown). */
export interface ClabNote {
  path: string;
  line: number;
  message: string;
}

export interface ClabImport {
  /** The lab; undefined when the file is not a containerlab topology (then `errors` says where). */
  topology?: Topology;
  /** What makes the file unreadable as a containerlab topology: nothing was built. */
  errors: ClabNote[];
  /** What nslab cannot do or left out (images, binds, the management network, exec lines it cannot map), by YAML path. */
  warnings: ClabNote[];
  /** Validation issues of the lab built. */
  issues: TopologyIssue[];
  /** The lab as nslab YAML ('' when there is no topology). */
  yaml: string;
}

export interface ClabImportOptions {
  /** The lab's name; default the file's `name`, made a lab name. */
  name?: string;
  /** The lab's name when the file has no `name` (a lab name; the CLI and the web give the file's name). */
  defaultName?: string;
  /** Bounds on the file (size, nesting, nodes, links, aliases); default the topology package's `LIMITS`. */
  limits?: Partial<ParseLimits>;
  /** This host's interfaces: `host:IF` endpoints naming an interface it lacks are warnings. */
  host?: HostInterfaces;
}

export interface ClabExport {
  /** A containerlab topology file that builds the lab. */
  yaml: string;
  /** What a containerlab file cannot carry (checks, impairments…): one sentence each. */
  warnings: string[];
}

export interface ClabExportOptions {
  /** The image of every linux node (default `DEFAULT_CLAB_IMAGE`). */
  image?: string;
}
