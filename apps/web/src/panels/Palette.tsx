import type { DragEvent } from 'react';
import { useReactFlow } from '@xyflow/react';
import type { NodeKind } from '@nslab/topology';
import { addAt, DRAG_MIME } from '../canvas/Canvas';

const ITEMS: Array<{ kind: NodeKind; title: string; hint: string }> = [
  { kind: 'netns', title: 'Namespace', hint: 'a network namespace: a pod or container' },
  { kind: 'bridge', title: 'Bridge', hint: 'a Linux bridge: a virtual switch (drop it on a namespace to put it inside)' },
  { kind: 'host', title: 'Host', hint: 'the root namespace of this machine' },
];

/** Drag an item onto the canvas (or click it) to add a node. */
export function Palette() {
  const flow = useReactFlow();
  const onDragStart = (e: DragEvent, kind: NodeKind) => {
    e.dataTransfer.setData(DRAG_MIME, kind);
    e.dataTransfer.effectAllowed = 'copy';
  };
  const addCentered = (kind: NodeKind) => {
    const box = document.querySelector('.canvas')!.getBoundingClientRect();
    const at = flow.screenToFlowPosition({
      x: box.left + box.width / 2 + (Math.random() - 0.5) * 120,
      y: box.top + box.height / 2 + (Math.random() - 0.5) * 120,
    });
    addAt(kind, at);
  };
  return (
    <nav className="palette" aria-label="Palette">
      {ITEMS.map((i) => (
        <button
          key={i.kind}
          type="button"
          draggable
          className={`palette-item kind-${i.kind}`}
          title={i.hint}
          onDragStart={(e) => onDragStart(e, i.kind)}
          onClick={() => addCentered(i.kind)}
        >
          {i.title}
        </button>
      ))}
    </nav>
  );
}
