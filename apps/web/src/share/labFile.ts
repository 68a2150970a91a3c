/**
 * A lab as one file: `NAME.nslab.yaml` is the lab's YAML as saved — nodes
 * with their positions, descriptions, checks — so uploading it draws the
 * same diagram. Upload is the one import of a lab file (YAML or JSON).
 */
import { formatIssue, isError, labNameFromFile, parseTopology, setLabName } from '@nslab/topology';

/** The file name a lab downloads as. */
export function labFileName(lab: string): string {
  return `${lab}.nslab.yaml`;
}

/** The file name a lab downloads as for containerlab (`containerlab deploy -t NAME.clab.yml`). */
export function clabFileName(lab: string): string {
  return `${lab}.clab.yml`;
}

/** Saves `text` as a file called `file` (the browser's download). */
export function saveFile(text: string, type: string, file: string): void {
  saveBlob(new Blob([text], { type }), file);
}

/** Hands a blob to the browser as a download. The object URL is revoked once the download has it. */
export function saveBlob(blob: Blob, name: string): void {
  const href = URL.createObjectURL(blob);
  const a = Object.assign(document.createElement('a'), { href, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  // The click starts the download from the blob; revoking in the same task can cancel it in some browsers.
  setTimeout(() => URL.revokeObjectURL(href), 0);
}

export interface Upload {
  /** The text to create the lab from, under `name`. */
  text: string;
  name: string;
  /** What to tell the user: the name it got and why, and what validation says. */
  message: string;
}

/**
 * What uploading `text` (from `file`) creates: under its own name, or a free
 * one (`free`) when that is taken; refused with every problem when it does not parse.
 *
 * @example readUpload('name: a\nnodes: {}\nlinks: []\n', 'a.nslab.yaml', (n) => `${n}-2`).name // → 'a-2'
 */
export function readUpload(text: string, file: string, free: (base: string) => string): Upload {
  const r = parseTopology(text);
  if (!r.topology) throw new Error(`${file} is not a lab: ${r.issues.map(formatIssue).join('; ')}`);
  const wanted = r.topology.name || labNameFromFile(file, 'uploaded');
  const name = free(wanted);
  const errors = r.issues.filter(isError);
  const renamed = name !== wanted ? ` (a lab named "${wanted}" exists)` : '';
  const verdict = errors.length
    ? `; it has ${errors.length} error${errors.length > 1 ? 's' : ''} to fix before it can be deployed: ${errors.slice(0, 3).map(formatIssue).join('; ')}`
    : '; it is valid';
  return {
    text: name === r.topology.name ? text : setLabName(text, name),
    name,
    message: `uploaded ${file} as lab "${name}"${renamed}${verdict}`,
  };
}
