/**
 * No command anywhere is built as a shell string: every spawn takes an argv
 * array. And only runner.ts starts processes, so every one is audited.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const DIRS = ['apps/server/src', 'apps/server/test', 'packages/topology/src', 'apps/web/src', 'e2e', 'bin'];
const FORBIDDEN: Array<[RegExp, string]> = [
  [/shell\s*:\s*true/, 'shell: true'],
  [/\bexecSync\s*\(/, 'execSync (runs through a shell)'],
  [/(?<![.\w])exec\s*\(\s*[`'"]/, 'exec with a command string'],
  [/import\s*\{[^}]*\bexec\b[^}]*\}\s*from\s*['"](node:)?child_process['"]/, 'importing exec from child_process'],
  [/child_process['"]\)\s*\.exec\b/, 'child_process.exec'],
  [/spawn\s*\(\s*[`'"](?:sh|bash)['"`]\s*,\s*\[\s*['"]-c['"]/, 'spawning sh -c'],
];

function files(dir: string): string[] {
  const abs = path.join(root, dir);
  if (!fs.existsSync(abs)) return [];
  return fs
    .readdirSync(abs, { recursive: true, withFileTypes: true })
    .filter(
      (d) => d.isFile() && /\.(ts|tsx|mjs|js)$/.test(d.name) && !d.parentPath.includes('node_modules') && !d.parentPath.includes('dist'),
    )
    .map((d) => path.join(d.parentPath, d.name));
}

describe('no shell strings', () => {
  const all = DIRS.flatMap(files).filter((f) => !f.endsWith('noShell.test.ts'));

  it('scans the sources', () => expect(all.length).toBeGreaterThan(50));

  it('finds no spawn through a shell', () => {
    const hits: string[] = [];
    for (const f of all) {
      fs.readFileSync(f, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          for (const [re, what] of FORBIDDEN) if (re.test(line)) hits.push(`${path.relative(root, f)}:${i + 1}: ${what}`);
        });
    }
    expect(hits).toEqual([]);
  });

  it('would catch one', () => {
    const sample = "import { exec } from 'node:child_process';\nexec('ip netns add ' + name);\nspawn('ip', args, { shell: true });";
    const found = sample.split('\n').filter((l) => FORBIDDEN.some(([re]) => re.test(l)));
    expect(found).toHaveLength(3);
  });
});

/** Anything that can start a process: child_process (any of its functions) and node-pty, imported, required or loaded late. */
const SPAWNERS: Array<[RegExp, string]> = [
  [/^\s*import\s+(?!type\b)[^;]*from\s*['"](node:)?child_process['"]/, 'imports child_process'],
  [/^\s*import\s+(?!type\b)[^;]*from\s*['"]node-pty['"]/, 'imports node-pty'],
  [/(require|import)\s*\(\s*['"](node:)?child_process['"]\s*\)/, 'loads child_process'],
  [/\(\s*['"]node-pty['"]\s*\)/, 'loads node-pty'],
];
/** The product's sources, where a process may start only through runner.ts (tests and their helpers start fixtures as they like). */
const PRODUCT = ['apps/server/src', 'packages/topology/src', 'apps/web/src', 'bin'];

function spawnersIn(text: string): string[] {
  const found: string[] = [];
  text.split('\n').forEach((line, i) => {
    for (const [re, what] of SPAWNERS) if (re.test(line)) found.push(`${i + 1}: ${what}`);
  });
  return found;
}

describe('every process through the runner', () => {
  it('no source but runner.ts starts a process', () => {
    const runner = path.join(root, 'apps/server/src/runner.ts');
    const hits = PRODUCT.flatMap(files)
      .filter((f) => f !== runner && !/\.test\.tsx?$/.test(f))
      .flatMap((f) => spawnersIn(fs.readFileSync(f, 'utf8')).map((h) => `${path.relative(root, f)}:${h}`));
    expect(hits).toEqual([]);
    expect(spawnersIn(fs.readFileSync(runner, 'utf8')).length).toBeGreaterThanOrEqual(2); // the check still sees runner.ts's own
  });

  it('would catch one', () => {
    const sample = [
      "import { spawn } from 'node:child_process';",
      "import * as pty from 'node-pty';",
      "const cp = await import('child_process');",
      "const pty = createRequire(import.meta.url)('node-pty');",
      "import type { ChildProcess } from 'node:child_process';",
    ].join('\n');
    expect(spawnersIn(sample)).toHaveLength(4);
  });
});
