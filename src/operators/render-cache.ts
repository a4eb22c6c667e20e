import * as fs from 'fs';
import * as path from 'path';

/**
 * One operator install as `npm run upstream` rendered it from the pinned module (scripts/render/render.ts).
 * @internal
 */
export interface OperatorRender {
  readonly id: string;
  readonly pin: string;
  readonly version: string;
  readonly namespace: string;
  /** Images of the pod specs. */
  readonly images: string[];
  /** Images named in ConfigMaps (run by the operator for workloads: storage initializers, collectors ...). */
  readonly configImages: string[];
  readonly objects: any[];
}

/**
 * Folders that may hold what `npm run upstream` renders (`installs/`, `argocd/`), in order: the
 * CDK8S_AI_PLATFORM_UPSTREAM_CACHE environment variable, the repository's `.upstream-cache` (development), the
 * `upstream-installs/` folder shipped in the npm package (users of every language: no Go needed to synthesize).
 * @internal
 */
export function upstreamRoots(): string[] {
  // src/operators/render-cache.ts and lib/operators/render-cache.js both sit two levels below the package root.
  const packageRoot = path.resolve(__dirname, '..', '..');
  const dirs = [path.join(packageRoot, '.upstream-cache'), path.join(packageRoot, 'upstream-installs')];
  const fromEnv = process.env.CDK8S_AI_PLATFORM_UPSTREAM_CACHE;
  return fromEnv ? [path.resolve(fromEnv), ...dirs] : dirs;
}

/** Folders that may hold the operator renders (`<root>/installs`), in the order of {@link upstreamRoots}. @internal */
export function renderDirs(): string[] {
  return upstreamRoots().map(r => path.join(r, 'installs'));
}

/**
 * Argo CD's built-in health checks of the pinned Argo CD version, `<dir>/<group>/<Kind>/health.lua`.
 * @returns undefined when neither the cache nor the package holds them
 * @internal
 */
export function argoCdHealthChecksDir(): string | undefined {
  return upstreamRoots().map(r => path.join(r, 'argocd', 'resource_customizations')).find(d => fs.existsSync(d));
}

const PARSED = new Map<string, string>();

/**
 * The render `id`, as a fresh copy the caller may change.
 * @internal
 */
export function loadRender(id: string): OperatorRender {
  let text = PARSED.get(id);
  if (text === undefined) {
    const file = renderDirs().map(d => path.join(d, `${id}.json`)).find(f => fs.existsSync(f));
    if (!file) {
      throw new Error(`cdk8s-ai-platform: the rendered install of '${id}' is missing (looked in ${renderDirs().join(', ')}); ` +
        'in a checkout of the repository run `npm run upstream`');
    }
    text = fs.readFileSync(file, 'utf-8');
    PARSED.set(id, text);
  }
  return JSON.parse(text);
}
