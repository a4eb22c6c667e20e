// Public API of src/operators/ (one export line per construct file).
export type { IOperatorInstall } from './operator-install';
