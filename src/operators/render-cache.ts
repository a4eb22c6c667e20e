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
 * Folders that may hold the renders, in order: the CDK8S_AI_PLATFORM_UPSTREAM_CACHE environment variable's
 * `installs/`, the repository's `.upstream-cache/installs` (development), the `upstream-installs/` folder shipped
 * in the npm package (users of every language: no Go needed to synthesize).
 * @internal
 */
export function renderDirs(): string[] {
  // src/operators/render-cache.ts and lib/operators/render-cache.js both sit two levels below the package root.
  const packageRoot = path.resolve(__dirname, '..', '..');
  const dirs = [path.join(packageRoot, '.upstream-cache', 'installs'), path.join(packageRoot, 'upstream-installs')];
  const fromEnv = process.env.CDK8S_AI_PLATFORM_UPSTREAM_CACHE;
  return fromEnv ? [path.join(path.resolve(fromEnv), 'installs'), ...dirs] : dirs;
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
