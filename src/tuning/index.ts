// Public API of src/tuning/ (one export line per construct file).
export {};
