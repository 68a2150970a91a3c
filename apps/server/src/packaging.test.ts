/** The container contract of shared/DESIGN.md: privileged, host network and pid, /var/run/netns shared, data on a volume. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

describe('docker-compose.yml', () => {
  const compose = parse(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'));
  const svc = compose.services.nslab;

  it('runs nslab serve privileged, in the host network and pid namespaces', () => {
    expect(svc).toMatchObject({ privileged: true, network_mode: 'host', pid: 'host' });
    expect(fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8')).toMatch(/CMD \["serve"\]/);
  });

  it('shares /var/run/netns with the host, with mount propagation', () => {
    expect(svc.volumes).toContain('/var/run/netns:/var/run/netns:rshared');
  });

  it('keeps the data directory on a volume', () => {
    expect(svc.volumes).toContain('nslab-data:/var/lib/nslab');
    expect(compose.volumes).toHaveProperty('nslab-data');
  });

  it('passes `docker compose config` (or docker-compose) where one is installed', () => {
    for (const cmd of [['docker', 'compose'], ['docker-compose']]) {
      try {
        execFileSync(cmd[0]!, [...cmd.slice(1), 'version'], { stdio: 'pipe' });
      } catch {
        continue; // not installed here
      }
      execFileSync(cmd[0]!, [...cmd.slice(1), 'config', '-q'], { cwd: root, stdio: 'pipe' });
      return;
    }
    console.warn('no docker compose here: checked the file structurally only');
  });
});
