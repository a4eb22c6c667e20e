/**
 * Renders every operator install of scripts/render/recipes.ts into .upstream-cache/installs/<id>.json, with
 * aip-render (scripts/render/main.go: kustomize's krusty and Helm's install action linked into one program,
 * built once from the Go module proxy into ~/.cache/cdk8s-ai-platform/bin and reused while its sources are
 * unchanged).
 *
 * Output of one render:
 *   { id, pin, version, namespace, images: string[], configImages: string[], objects: object[] }
 * (`images`: of the pod specs; `configImages`: named in ConfigMaps, run by the operator for its workloads)
 * Namespaced objects carry the render's namespace; cluster-scoped objects carry none (the loader relies on it).
 */
import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { ImageFix, RECIPES, RenderPart, RenderRecipe } from './recipes';
import { KUBERNETES_VERSION, upstreamPin } from '../../src/core/versions';
import { configImages, podImages } from '../../src/operators/images';

/** Bump when the render output changes for the same recipes. */
const RENDER_FORMAT = 2;

const SOURCES = ['go.mod', 'go.sum', 'main.go'];

/** Kinds of the Kubernetes API that are cluster-scoped (the CRDs' scopes come from the extracted schemas). */
const CLUSTER_SCOPED_CORE = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition',
  'StorageClass', 'PriorityClass', 'APIService', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration',
  'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'MutatingAdmissionPolicy',
  'MutatingAdmissionPolicyBinding', 'CSIDriver', 'CSINode', 'IngressClass', 'RuntimeClass', 'VolumeAttachment',
  'FlowSchema', 'PriorityLevelConfiguration', 'CertificateSigningRequest', 'PodSecurityPolicy', 'DeviceClass',
]);

export interface RenderOptions {
  readonly cacheDir: string;
  readonly force: boolean;
  /** Downloads a pin's module and returns its folder. */
  readonly moduleDir: (pinId: string) => string;
}

function toolsDir(): string {
  return process.env.AIP_TOOLS_CACHE ?? path.join(os.homedir(), '.cache', 'cdk8s-ai-platform', 'bin');
}

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Where the build of aip-render's current sources is (or goes): named after a hash of its sources. */
function rendererPath(): string {
  const hash = createHash('sha256');
  for (const f of SOURCES) hash.update(fs.readFileSync(path.join(__dirname, f)));
  return path.join(toolsDir(), `aip-render-${hash.digest('hex').slice(0, 12)}`);
}

/** Builds aip-render unless a build of the same sources is cached; returns its path. */
export function buildRenderer(): string {
  const src = __dirname;
  const bin = rendererPath();
  if (fs.existsSync(bin)) return bin;
  fs.mkdirSync(path.dirname(bin), { recursive: true });
  const started = Date.now();
  log('  … building aip-render (kustomize krusty + Helm action) from the Go module proxy; ~10 min on a cold Go build cache');
  const tmp = `${bin}.tmp-${process.pid}`;
  execFileSync('go', ['build', '-trimpath', '-ldflags=-s -w', '-o', tmp, '.'], {
    cwd: src,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, GOFLAGS: '-mod=readonly' },
  });
  fs.renameSync(tmp, bin);
  log(`  ✓ aip-render built (${((Date.now() - started) / 1000).toFixed(0)} s): ${bin}`);
  return bin;
}

function run(bin: string, args: string[]): string {
  try {
    return execFileSync(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 }).toString();
  } catch (e: any) {
    throw new Error(`aip-render ${args.join(' ')} failed: ${String(e.stderr ?? e.message).trim()}`);
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Applies `fix` to every string of `value`; counts the replacements in `hits`. */
function fixImages(value: any, fixes: ImageFix[], hits: number[]): any {
  if (typeof value === 'string') {
    let s = value;
    fixes.forEach((fix, i) => {
      // the name, then an optional tag and digest, not followed by more of an image path
      const re = new RegExp(`${escapeRegExp(fix.name)}(?::[A-Za-z0-9_][A-Za-z0-9_.-]*)?(?:@sha256:[0-9a-f]{64})?(?![A-Za-z0-9_./-])`, 'g');
      s = s.replace(re, () => {
        hits[i]++;
        return `${fix.newName ?? fix.name}:${fix.newTag}`;
      });
    });
    return s;
  }
  if (Array.isArray(value)) return value.map(v => fixImages(v, fixes, hits));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fixImages(v, fixes, hits)]));
  }
  return value;
}

/** `<group>/<Kind>` → scope of every CRD version extracted from the pinned modules. */
function crdScopes(cacheDir: string): Map<string, string> {
  const scopes = new Map<string, string>();
  const root = path.join(cacheDir, 'schemas', 'crd');
  if (!fs.existsSync(root)) return scopes;
  for (const group of fs.readdirSync(root)) {
    for (const version of fs.readdirSync(path.join(root, group))) {
      for (const file of fs.readdirSync(path.join(root, group, version))) {
        const { scope } = JSON.parse(fs.readFileSync(path.join(root, group, version, file), 'utf-8'));
        scopes.set(`${group}/${file.replace(/\.json$/, '')}`, scope);
      }
    }
  }
  return scopes;
}

function isClusterScoped(obj: any, scopes: Map<string, string>): boolean {
  const apiVersion = String(obj.apiVersion);
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  const crd = scopes.get(`${group}/${obj.kind}`);
  if (crd) return crd === 'Cluster';
  return CLUSTER_SCOPED_CORE.has(obj.kind);
}

function renderPart(bin: string, recipe: RenderRecipe, part: RenderPart, opts: RenderOptions): string {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), `aip-render-${recipe.id}-`));
  try {
    const work = path.join(scratch, 'work');
    fs.cpSync(path.join(opts.moduleDir(part.pin), part.copy), work, { recursive: true });
    // the module cache is read-only; the scratch copy must be writable for `prepare`
    execFileSync('chmod', ['-R', 'u+w', scratch]);
    part.prepare?.({
      work,
      moduleDir: opts.moduleDir,
      kustomize: dir => {
        execFileSync('chmod', ['-R', 'u+w', scratch]);
        return run(bin, ['kustomize', dir]);
      },
    });
    const dir = path.join(work, part.dir);
    if (part.tool === 'kustomize') return run(bin, ['kustomize', dir]);
    const args = ['helm', dir, '-name', part.release ?? recipe.id, '-namespace', recipe.namespace, '-kube-version', `v${KUBERNETES_VERSION}`];
    for (const s of part.set ?? []) args.push('-set', s);
    return run(bin, args);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

function stampOf(recipe: RenderRecipe, bin: string): string {
  const pins = [...new Set([recipe.pin, ...recipe.parts.map(p => p.pin)])].map(id => upstreamPin(id).goModuleVersion);
  const source = JSON.stringify(recipe, (_k, v) => typeof v === 'function' ? v.toString() : v);
  return JSON.stringify({ format: RENDER_FORMAT, renderer: path.basename(bin), kube: KUBERNETES_VERSION, pins, source });
}

export function renderInstalls(opts: RenderOptions): void {
  const outDir = path.join(opts.cacheDir, 'installs');
  const stampDir = path.join(opts.cacheDir, 'stamps', 'installs');
  let pending = RECIPES;
  if (!opts.force) {
    // a render is current when its stamp names the renderer of the current sources (built or not: renders stay
    // usable offline without the tool)
    const expected = rendererPath();
    pending = RECIPES.filter(r => {
      const stamp = path.join(stampDir, `${r.id}.json`);
      return !(fs.existsSync(stamp) && fs.existsSync(path.join(outDir, `${r.id}.json`)) &&
        fs.readFileSync(stamp, 'utf-8') === stampOf(r, expected));
    });
  }
  if (pending.length === 0) {
    log(`upstream: all ${RECIPES.length} operator installs are rendered in ${path.relative(process.cwd(), outDir)}`);
    return;
  }
  const bin = buildRenderer();
  const scopes = crdScopes(opts.cacheDir);
  fs.mkdirSync(outDir, { recursive: true });
  fs.mkdirSync(stampDir, { recursive: true });
  for (const recipe of pending) {
    const started = Date.now();
    const texts = recipe.parts.map(p => renderPart(bin, recipe, p, opts));
    let objects: any[] = [];
    // uniqueKeys: Fluid v1.0.8 repeats `imagePullPolicy` (same value) in one container; the last one wins, as in Go
    for (const text of texts) {
      for (const doc of YAML.parseAllDocuments(text, { uniqueKeys: false })) {
        if (doc.errors.length) throw new Error(`${recipe.id}: YAML error in the render: ${doc.errors[0].message}`);
        const obj = doc.toJS({ maxAliasCount: -1 });
        if (obj && typeof obj === 'object' && obj.kind) objects.push(obj);
      }
    }
    const hits = recipe.images.map(() => 0);
    objects = fixImages(objects, recipe.images, hits);
    recipe.images.forEach((fix, i) => {
      if (hits[i] === 0) throw new Error(`${recipe.id}: the image fix for '${fix.name}' matched nothing; update scripts/render/recipes.ts`);
    });
    for (const obj of objects) {
      obj.metadata = obj.metadata ?? {};
      if (isClusterScoped(obj, scopes)) delete obj.metadata.namespace;
      else obj.metadata.namespace = obj.metadata.namespace ?? recipe.namespace;
    }
    const images = new Set<string>();
    podImages(objects, images);
    const inConfig = new Set<string>();
    configImages(objects, inConfig);
    images.forEach(i => inConfig.delete(i));
    const pin = upstreamPin(recipe.pin);
    const out = {
      id: recipe.id,
      pin: pin.id,
      version: pin.version,
      namespace: recipe.namespace,
      images: [...images].sort(),
      configImages: [...inConfig].sort(),
      objects,
    };
    fs.writeFileSync(path.join(outDir, `${recipe.id}.json`), JSON.stringify(out));
    fs.writeFileSync(path.join(stampDir, `${recipe.id}.json`), stampOf(recipe, bin));
    const size = fs.statSync(path.join(outDir, `${recipe.id}.json`)).size;
    log(`  ✓ install ${recipe.id} ${pin.version}: ${objects.length} objects, ${images.size} images, ` +
      `${(size / 1024).toFixed(0)} KiB (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
}
