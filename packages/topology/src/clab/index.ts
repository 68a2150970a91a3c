export { importClab } from './import.js';
export { exportClab, DEFAULT_CLAB_IMAGE } from './export.js';
export type { ClabExport, ClabExportOptions, ClabImport, ClabImportOptions, ClabNote } from './types.js';
