import { assemblyFile, resetAssemblies } from '../../src/controller/spec-assembly';

/**
 * The controller's schemas are read from the jsii assembly of the current sources (scripts/jsii-assembly.sh, cached
 * by a hash of src/; see `assemblyFile`). Compiling it may take a minute the first time: done here, at import, outside
 * any test's timeout.
 */
resetAssemblies();
export const ASSEMBLY_FILE = assemblyFile();
