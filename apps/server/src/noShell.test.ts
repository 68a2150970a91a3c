/** No command anywhere is built as a shell string: every spawn takes an argv array. */
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
  return fs.readdirSync(abs, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && /\.(ts|tsx|mjs|js)$/.test(d.name) && !d.parentPath.includes('node_modules') && !d.parentPath.includes('dist'))
    .map((d) => path.join(d.parentPath, d.name));
}

describe('no shell strings', () => {
  const all = DIRS.flatMap(files).filter((f) => !f.endsWith('noShell.test.ts'));

  it('scans the sources', () => expect(all.length).toBeGreaterThan(50));

  it('finds no spawn through a shell', () => {
    const hits: string[] = [];
    for (const f of all) {
      fs.readFileSync(f, 'utf8').split('\n').forEach((line, i) => {
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
