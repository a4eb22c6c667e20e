// Public API of src/platform/ (one export line per construct file).
export {};
