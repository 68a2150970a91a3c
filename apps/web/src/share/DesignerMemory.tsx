import { useEffect } from 'react';
import { useOnViewportChange } from '@xyflow/react';
import { useStore } from '../store';
import { memorize, recall } from './designerMemory';

/**
 * Keeps the designer's state across reloads (designerMemory.ts): writes the
 * selection and the view as they change, and selects again what was
 * selected when a lab opens. The view itself is restored by the canvas,
 * where it would otherwise fit the drawing. Renders nothing.
 */
export function DesignerMemory() {
  useOnViewportChange({
    onEnd: (viewport) => {
      const { lab, topology } = useStore.getState();
      // An empty lab's view is always the origin: nothing worth remembering.
      if (lab && Object.keys(topology.nodes).length > 0) memorize(lab, { viewport });
    },
  });
  useEffect(
    () =>
      useStore.subscribe((s, prev) => {
        if (!s.lab) return;
        if (s.lab !== prev.lab) {
          const had = recall(s.lab);
          const nodes = had?.nodes.filter((n) => n in s.topology.nodes) ?? [];
          const links = had?.links.filter((i) => i < s.topology.links.length) ?? [];
          if (nodes.length + links.length > 0) s.select({ nodes, links });
        } else if (s.selection !== prev.selection) memorize(s.lab, { nodes: s.selection.nodes, links: s.selection.links });
      }),
    [],
  );
  return null;
}
