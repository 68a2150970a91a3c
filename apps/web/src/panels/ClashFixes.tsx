import { useState } from 'react';
import { renameNode } from '@nslab/topology';
import { hostConflicts, useStore } from '../store';
import { clashNode, clashPrefix, freeNodeName, nodeNameProblem } from './labWords';
import { NameDialog } from './NameDialog';
import './labs.css';

/**
 * Names this lab needs that another lab (or the host) holds, each with its
 * fix in one click: give the lab a prefix of its own, or rename the node.
 * `node` shows only the clashes of that node.
 */
export function ClashFixes({ node }: { node?: string }) {
  const lab = useStore((s) => s.lab);
  const topology = useStore((s) => s.topology);
  const all = useStore(hostConflicts);
  const [renaming, setRenaming] = useState<string | null>(null);
  const conflicts = node === undefined ? all : all.filter((c) => clashNode(c, topology) === node);
  if (!lab || conflicts.length === 0) return null;
  const prefix = conflicts.some((c) => c.code === 'conflict.netns') ? clashPrefix(lab, topology.prefix) : undefined;
  const setPrefix = (p: string) => {
    const { apply, topology: t } = useStore.getState();
    apply({ ...t, prefix: p });
  };
  const renameButton = (n: string) => (
    <button type="button" aria-label={`Rename node ${n}`} onClick={() => setRenaming(n)}>
      Rename node
    </button>
  );
  return (
    <div className="clash-fixes" role="group" aria-label="Name clashes">
      {/* On a node's own inspector its Name field says what clashes: only the fixes here. */}
      {node === undefined && (
        <ul>
          {conflicts.map((c) => {
            const n = clashNode(c, topology);
            return (
              <li key={c.message}>
                {c.message} {n !== undefined && renameButton(n)}
              </li>
            );
          })}
        </ul>
      )}
      <div className="clash-actions">
        {prefix && (
          <button type="button" className="primary" onClick={() => setPrefix(prefix)}>
            Set prefix {prefix}
          </button>
        )}
        {node !== undefined && renameButton(node)}
      </div>
      {prefix && <p className="hint">With it, every namespace of this lab is made as {prefix}NODE on the host: names of its own.</p>}
      {renaming && (
        <NameDialog
          title={`Rename node ${renaming}`}
          label="New name"
          submit="Rename"
          initial={freeNodeName(renaming, topology)}
          problem={(to) => nodeNameProblem(to, renaming, useStore.getState().topology)}
          action={async (to) => {
            const s = useStore.getState();
            s.apply(renameNode(s.topology, renaming, to));
            s.select({ nodes: [to], links: [] });
          }}
          close={() => setRenaming(null)}
        />
      )}
    </div>
  );
}
