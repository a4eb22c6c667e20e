// Loads the bench's TypeScript modules from the JavaScript the bench's parent process transpiled for its children
// ($AIP_BENCH_MODULES: file name -> code), so that a child process measures the library without the TypeScript
// compiler in it: as a compiled app runs it (and as the jsii bindings run it, in a Node.js process of compiled code).
const fs = require('fs');

const modules = JSON.parse(fs.readFileSync(process.env.AIP_BENCH_MODULES, 'utf-8'));
require.extensions['.ts'] = (module, filename) => {
  const code = modules[filename];
  if (code === undefined) throw new Error(`not transpiled for the bench: ${filename}`);
  delete modules[filename];
  module._compile(code, filename);
};
