/**
 * Host settings (sysctls, chain policies) are shared by every lab and the
 * host itself. A hold records the value found before the first lab changed
 * a setting and which labs rely on it; the last lab to let go restores it.
 * The file is rewritten atomically (write + rename) before the change it
 * records is made, so a crash never loses an original value.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { HostHold, HoldChange } from '@nslab/topology';
import { runDir } from './paths.js';

export class HoldStore {
  constructor(private readonly file = path.join(runDir(), 'host-holds.json')) {}

  read(): Record<string, HostHold> {
    try {
      return JSON.parse(fs.readFileSync(this.file, 'utf8')) as Record<string, HostHold>;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new Error(`cannot read ${this.file}: ${(e as Error).message}`, { cause: e });
    }
  }

  /** Records that `lab` takes or releases `key`; `original` is the value before any lab. */
  change(key: string, lab: string, change: HoldChange, original: string | undefined): void {
    const all = this.read();
    const hold = all[key] ?? { original: original ?? '', labs: [] };
    if (change === 'take') {
      if (!hold.labs.includes(lab)) hold.labs.push(lab);
      all[key] = hold;
    } else {
      hold.labs = hold.labs.filter((l) => l !== lab);
      if (hold.labs.length === 0) delete all[key];
      else all[key] = hold;
    }
    this.write(all);
  }

  private write(all: Record<string, HostHold>): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify(all, null, 2)}\n`);
    fs.renameSync(tmp, this.file);
  }
}
