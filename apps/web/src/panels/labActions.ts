/** Lab actions shared by the lab bar, the import dialogs and the first screen: a lab from a text (a template, a file) or an import, a blank lab, a containerlab download. */
import { exportClab, formatTopology, parseTopology, setLabName, type Topology } from '@nslab/topology';
import { canvasView } from '../canvas/canvasView';
import { autoLayout } from '../layout';
import { clabFileName, saveFile } from '../share/labFile';
import { useStore } from '../store';
import { clabBlocker, freeName } from './labWords';

/** A free lab name near `base`, among the labs there are now. */
export function freeLabName(base: string): string {
  return freeName(
    base,
    useStore.getState().labs.map((l) => l.name),
  );
}

/** Makes a lab of `text` (under a free name: its own, or `fallbackName`), laid out for the canvas if it has no positions, and opens it. */
export async function importLab(text: string, fallbackName: string): Promise<void> {
  const r = parseTopology(text);
  if (!r.topology) throw new Error(r.issues.map((i) => i.message).join('; '));
  const name = freeLabName(r.topology.name || fallbackName);
  const laid = await autoLayout(r.topology, { view: canvasView() });
  await useStore.getState().createLab(laid === r.topology ? setLabName(text, name) : formatTopology({ ...laid, name }));
}

/** Makes an empty lab named `name` and opens it. */
export function createBlankLab(name: string): Promise<void> {
  return useStore.getState().createLab(formatTopology({ name, nodes: {}, links: [] }));
}

/** Makes a lab of an imported topology under `name`, laid out for the canvas as Auto layout lays it out, and opens it. */
export async function createImportedLab(t: Topology, name: string): Promise<void> {
  await useStore.getState().createLab(formatTopology(await autoLayout({ ...t, name }, { view: canvasView() })));
}

/** Downloads the open lab as a containerlab topology file, and says what such a file cannot carry; a lab with errors is not exported, and says why. */
export function downloadClab(): void {
  const { lab, topology, issues, say } = useStore.getState();
  if (!lab) return;
  const blocked = clabBlocker(issues);
  if (blocked) return say(blocked);
  const { yaml, warnings } = exportClab(topology);
  saveFile(yaml, 'application/yaml', clabFileName(lab));
  if (warnings.length > 0) say(`${clabFileName(lab)} leaves out what containerlab cannot carry: ${warnings.join(' ')}`);
}
