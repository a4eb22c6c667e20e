// Public API of src/operators/ (one export line per construct file).
export * from './operator-install';
export * from './kueue-install';
