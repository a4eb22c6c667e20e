import * as fs from 'fs';
import * as path from 'path';

function findCacheDir(): string {
  const fromEnv = process.env.CDK8S_AI_PLATFORM_UPSTREAM_CACHE;
  if (fromEnv) {
    return path.resolve(fromEnv);
  }
  // src/validation/cache.ts and lib/validation/cache.js both sit two levels below the package root.
  const packageRoot = path.resolve(__dirname, '..', '..');
  const candidates = [path.join(packageRoot, '.upstream-cache'), path.join(packageRoot, 'upstream-schemas')];
  return candidates.find(c => fs.existsSync(c)) ?? candidates[0];
}

/**
 * Where `npm run upstream` extracts CRDs and schemas of the pinned upstream versions.
 * Override with the CDK8S_AI_PLATFORM_UPSTREAM_CACHE environment variable.
 */
export const UPSTREAM_CACHE_DIR = findCacheDir();
