// Public API of src/pipeline/ (one export line per construct file).
export {};
