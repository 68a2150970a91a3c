/**
 * A problem found in a topology: where (`path`), what (`message`) and a stable
 * `code` that tests and the canvas can key on.
 *
 * @example
 * formatIssue({ code: 'name.too-long', path: ['links', 2, 'endpoints', 0, 'name'], message: '…' })
 * // 'links[2].endpoints[0].name: …'
 */
export interface TopologyIssue {
  code: string;
  path: Path;
  message: string;
  /** Warnings are shown but do not block a deploy. */
  severity?: 'error' | 'warning';
}

export type Path = ReadonlyArray<string | number>;

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** `['links', 2, 'endpoints', 0, 'name']` → `links[2].endpoints[0].name`. */
export function formatPath(path: Path): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (IDENT.test(part)) out += out === '' ? part : `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out === '' ? '(top)' : out;
}

export function formatIssue(issue: TopologyIssue): string {
  const tag = issue.severity === 'warning' ? 'warning: ' : '';
  return `${formatPath(issue.path)}: ${tag}${issue.message}`;
}

export function isError(issue: TopologyIssue): boolean {
  return issue.severity !== 'warning';
}

/** Collects issues; rules call `add` and never throw. */
export class IssueList {
  readonly items: TopologyIssue[] = [];
  error(code: string, path: Path, message: string): void {
    this.items.push({ code, path, message });
  }
  warn(code: string, path: Path, message: string): void {
    this.items.push({ code, path, message, severity: 'warning' });
  }
}
