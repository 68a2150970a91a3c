/**
 * The wire contract: every body the server's REST API answers, every event
 * its `/api/ws` pushes, every frame of its `/api/stream` and `/api/term`
 * websockets, and the list of live tools. Declared here once and imported by
 * apps/server and apps/web, so a change breaks the build on both sides.
 * Types only.
 */
import type { CheckResult } from './checks.js';
import type { ClabNote } from './clab/types.js';
import type { ImportResult } from './importScript.js';
import type { TopologyIssue } from './issues.js';
import type { Topology } from './schema.js';

/** Every error reply of the API, with a fitting status. */
export interface ApiErrorBody {
  error: string;
  issues?: TopologyIssue[];
  /** Places in a sent file that is refused, by its own YAML path and line (POST /api/import-clab: every error of a containerlab file). */
  notes?: ClabNote[];
}

/** A reply that only says it worked. */
export interface Ok {
  ok: true;
}

/** GET /api/health */
export interface Health {
  ok: true;
  root: boolean;
  mode: 'full' | 'plan-only';
  /** Whether the server asks for its token (false only with `--no-token`). */
  token: boolean;
}

/** GET /api/labs: one per saved lab. */
export interface LabSummary {
  name: string;
  rev: number;
  updatedAt: string;
  createdAt: string;
}

/** GET /api/labs/NAME (and the reply to a save, rename, duplicate, restore). */
export interface LabView extends LabSummary {
  text: string;
  /** The parse of exactly `text`; null when it does not parse. */
  topology: Topology | null;
  issues: TopologyIssue[];
  busy: boolean;
}

/** GET /api/view/NAME?key=K: a shared lab, to look at — its design and nothing else (no text history, no status). */
export interface SharedLab {
  name: string;
  /** Null when the saved text does not parse. */
  topology: Topology | null;
}

/** GET, POST and DELETE /api/labs/NAME/share: the lab's view key, or null when it is not shared. */
export interface ShareState {
  key: string | null;
  /**
   * The view link at each address other machines reach the server at (as a
   * workshop's `joinUrls`); empty when it is not shared, or the server listens
   * on loopback only.
   */
  urls: string[];
}

/** GET /api/labs/NAME/revisions */
export interface RevisionSummary {
  rev: number;
  createdAt: string;
  message: string;
  /** The newest revision whose design (positions aside) is the one deployed on the host now; on one revision at most. */
  deployed?: boolean;
}

/** GET /api/labs/NAME/revisions/REV */
export interface RevisionText extends RevisionSummary {
  text: string;
}

/** POST /api/labs/NAME/plan and /api/plan */
export interface PlanView {
  steps: PlannedStep[];
  conflicts: TopologyIssue[];
  /** Planned against the live host (false in plan-only mode). */
  live: boolean;
}

/** GET /api/templates: the seed labs, then the break-it/fix-it exercises (`exercises/NAME`). */
export interface Template {
  id: string;
  name: string;
  description: string;
  text: string;
  /** A lab with one deliberate fault: its checks fail until the learner fixes it. */
  exercise?: boolean;
}

/** GET /api/discover: the host as a lab, with the script it read (POST /api/import-script answers a `DocumentImport`). */
export type DiscoverResult = ImportResult & { script: string };

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

/** GET /api/labs/NAME/nodes/NODE/show/WHAT: `ip -json …` parsed, or with `?raw=1` its text. */
export type ShowResult = { json: unknown; argv: string[] } | { text: string; argv: string[] };

/** GET /api/labs/NAME/nodes/NODE/path?to=IP */
export interface PathResult {
  hops: Hop[];
}

/** POST /api/labs/NAME/check */
export interface CheckReply {
  results: CheckResult[];
}

/** What the server pushes to browsers following a lab (`/api/ws?lab=`). */
export type LabEvent =
  | {
      type: 'step';
      lab: string;
      opId: string;
      op: OperationKind;
      index: number;
      total: number;
      kind: string;
      argv: string[];
      reason: string;
      status: string;
      elapsedMs: number;
      node?: string;
      link?: number;
      error?: string;
    }
  | { type: 'operation'; lab: string; opId: string; op: OperationKind; state: 'started' }
  | {
      type: 'operation';
      lab: string;
      opId: string;
      op: OperationKind;
      state: 'finished';
      ok: boolean;
      error?: string;
      elapsedMs?: number;
      steps?: number;
    }
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

/**
 * What a websocket sends before it closes when the server will not serve it
 * after all (a limit reached, a bad parameter, a namespace the lab does not own).
 */
export interface SocketError {
  type: 'error';
  message: string;
}

/** Every text frame of `/api/ws`. */
export type FollowMessage = LabEvent | SocketError;

/**
 * Every text frame of `/api/stream?tool=NAME`: `start`, then the program's
 * lines (dropped ones counted under a flood), then `exit`. A terminal
 * (`/api/term`, whose output is binary frames) sends only `exit` and `error`.
 */
export type StreamMessage =
  | { type: 'start'; argv: string[]; /** A capture's id, for GET /api/captures/ID. */ capture?: string }
  | { type: 'line'; stream: 'out' | 'err'; text: string }
  | { type: 'dropped'; count: number }
  | { type: 'exit'; code: number | null; signal?: string | null; dropped?: number }
  | SocketError;

/** What the page sends on `/api/stream`: stop the program (a capture's socket stays open for its download). */
export type StreamCommand = { type: 'stop' };

/** What the page sends on `/api/term`; `ack` acknowledges output bytes drawn (flow control). */
export type TerminalCommand =
  { type: 'input'; data: string } | { type: 'resize'; cols: number; rows: number } | { type: 'ack'; bytes: number };

/**
 * The live tools, as GET /api/tools describes them: the page renders its
 * tool buttons from this list. `stream` tools run over `/api/stream?tool=NAME`
 * and send `StreamMessage`s; `once` tools answer one REST request with JSON.
 */
export interface ToolInfo {
  name: string;
  /** The button's name on the page ("Ping", "Traceroute"). */
  label: string;
  mode: 'stream' | 'once';
  /** Where it runs and where the page offers it: inside a node, on a node's interface (a link end), over the whole lab, or on the host. */
  on: 'node' | 'interface' | 'lab' | 'host';
  /** One line for a tooltip: what it shows. */
  description: string;
  params: ToolParamInfo[];
}

export interface ToolParamInfo {
  name: string;
  /** `ip`: an IPv4/IPv6 address (the page's "Target"); `interface`: one of the node's interfaces; `target`: an address or a node of the lab. */
  kind: 'ip' | 'integer' | 'interface' | 'filter' | 'choice' | 'flag' | 'lab' | 'target';
  required: boolean;
  default?: string | number;
  min?: number;
  max?: number;
  choices?: string[];
}

// ---- Workshops (docs/workshops.md) ----

/** A shipped workshop (workshops/*.yaml) an instructor can start from. */
export interface WorkshopTemplate {
  id: string;
  title: string;
  description: string;
  steps: number;
}

export interface WorkshopStepView {
  title: string;
  /** Markdown. */
  text: string;
  /** Each check as a sentence (describeCheck). */
  checks: string[];
  hint?: string;
  /** The lab template this step starts from (`exercises/forward-drop`): the participant loads it into their lab (POST /api/me/steps/N/load). */
  template?: string;
}

/** A step's result for one participant: passed when every check passed. */
export interface StepResult {
  step: number;
  ok: boolean;
  /** One line per check: "PASS red can ping 10.0.0.2: reachable, TTL 64" / "FAIL …: why". */
  detail: string[];
  /** When the checks ran (ISO time). */
  at: string;
}

export interface ParticipantView {
  id: string;
  name: string;
  /** The sandbox their labs live in. */
  sandbox: string;
  joinedAt: string;
  /** Their last request (ISO time). */
  lastSeen: string;
  /** Their lab's status label, as the designer shows it ("Deployed", "Drift", "Not deployed", …). */
  status: string;
  results: StepResult[];
}

export interface WorkshopSummary {
  id: string;
  title: string;
  /** The lab each participant gets (its name in their store). */
  lab: string;
  /** The join link's path: /join/CODE. Only the instructor sees it. */
  joinPath: string;
  /** Full join links at the addresses this server listens on, other machines' first (empty when listening on loopback only). */
  joinUrls: string[];
  createdAt: string;
  participants: number;
}

export interface WorkshopView extends WorkshopSummary {
  description: string;
  steps: WorkshopStepView[];
  people: ParticipantView[];
}

/** GET /api/me: who the credential is. */
export type MeView =
  | { role: 'instructor' }
  | {
      role: 'participant';
      participant: { id: string; name: string; sandbox: string };
      workshop: { id: string; title: string; lab: string; description: string; steps: WorkshopStepView[] };
      results: StepResult[];
    };

/** POST /api/join/CODE { name } answers with the participant's own secret: the page uses it as its token. */
export interface JoinResult {
  secret: string;
  participant: { id: string; name: string };
  workshop: { id: string; title: string; lab: string };
}

/** Messages on /api/ws/workshop: the whole view again whenever anything in it changed. */
export type WorkshopMessage =
  { type: 'workshop'; workshop: WorkshopView } | { type: 'me'; me: MeView } | { type: 'error'; message: string };

/** GET /api/workshops/ID/people/PID/lab: a participant's lab, for the instructor's view of their canvas. */
export interface ParticipantLab {
  name: string;
  text: string;
  topology: Topology | null;
  /** Its status label ("Deployed", "Drift", "Not deployed", …, or "No lab"). */
  status: string;
}

/** What `nslab trace` and the canvas Trace follow: one packet from a node to an address. */
export type TraceProto = 'icmp' | 'tcp' | 'udp';

/**
 * One place the packet passes, in order. `kind`: `send` (leaves the source),
 * `forward` (routed by a namespace), `bridge` (switched by a bridge),
 * `encap`/`decap` (a VXLAN tunnel's ends), `deliver` (reaches its
 * destination), `drop` (dies here; `why` says how).
 */
export interface TraceHop {
  kind: 'send' | 'forward' | 'bridge' | 'encap' | 'decap' | 'deliver' | 'drop';
  /** The topology node (a bridge node for `bridge` hops; `?` outside the lab). */
  node: string;
  /** Interface it arrived on / leaves by. */
  in?: string;
  out?: string;
  /** The route the kernel chose, as `ip route` prints it. */
  route?: string;
  /** The next hop's neighbour entry as the kernel holds it, and who answers ARP for it. */
  neighbour?: { ip: string; state: string; answeredBy?: string };
  /** A NAT rewrite applied here (`DNAT 10.0.0.1:8080 → 10.244.1.2:80`). */
  nat?: string;
  /** The firewall rule or chain policy that decided here. */
  firewall?: string;
  /** The packet's headers as it leaves this hop (or arrives, for deliver/drop). */
  packet: { src: string; dst: string; ttl: number; sport?: number; dport?: number };
  /** Index in the topology's `links` of the link crossed after this hop (to light it up). */
  link?: number;
  /** For a drop: the sentence that says why. */
  why?: string;
  /** Anything else worth a line. */
  note?: string;
  /** A hop of the reply's way back (ping's echo reply, TCP's SYN-ACK). */
  reply?: boolean;
}

/** What one real packet did, from netfilter traces in every namespace it could reach. */
export interface TraceLive {
  verdict: 'delivered' | 'dropped' | 'unknown';
  sentence: string;
  /** Per node, in the order the packet met them: the chains it traversed and their verdicts. */
  seen: Array<{ node: string; events: string[] }>;
  /** The node where it was last seen. */
  lastNode?: string;
  /** The TTL it arrived with there. */
  ttl?: number;
  /** The probe's own output (ping or the TCP/UDP sender). */
  probe: string;
}

/** `nslab trace --json`, `POST /api/labs/NAME/nodes/NODE/trace`. */
export interface TraceResult {
  lab: string;
  from: string;
  /** The destination address (resolved from a node name if one was given). */
  to: string;
  toNode?: string;
  proto: TraceProto;
  port?: number;
  /** The model walk's verdict, from kernel state alone. */
  verdict: 'delivered' | 'dropped' | 'cannot-trace';
  sentence: string;
  hops: TraceHop[];
  /** The live probe, when asked for. */
  live?: TraceLive;
  /** Set when the model walk and the live probe disagree: what each said. */
  disagreement?: string;
  elapsedMs: { model: number; live?: number };
}
