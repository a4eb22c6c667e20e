import { execFileSync } from 'child_process';
import * as path from 'path';
import { ASSEMBLY_ENV, resetAssemblies } from '../../src/controller/spec-assembly';

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * Points the controller's schema generation at the jsii assembly of the current sources (scripts/jsii-assembly.sh,
 * cached by a hash of src/). When the sources do not compile with jsii right now, the tree's last `.jsii` is used and
 * a warning says so. Returns the path used.
 */
export function useCurrentAssembly(): string {
  if (!process.env[ASSEMBLY_ENV]) {
    try {
      const out = execFileSync(path.join(ROOT, 'scripts', 'jsii-assembly.sh'), { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      process.env[ASSEMBLY_ENV] = out.trim().split('\n').pop()!;
    } catch (e) {
      // eslint-disable-next-line no-console
      console.warn(`scripts/jsii-assembly.sh failed (${String((e as any).stderr ?? e).split('\n').filter(l => /error/i.test(l)).slice(0, 3).join('; ')}); using ${path.join(ROOT, '.jsii')}`);
      process.env[ASSEMBLY_ENV] = path.join(ROOT, '.jsii');
    }
  }
  resetAssemblies();
  return process.env[ASSEMBLY_ENV]!;
}

useCurrentAssembly();
