/**
 * npm run upstream [-- --force]
 *
 * Downloads every pinned upstream Go module (src/core/versions.ts) with
 * `go mod download -json MOD@VER` and extracts into .upstream-cache/ (git-ignored):
 *
 *   crds/<component>/<file>.yaml                  CRDs as published upstream (installed by the integration tests)
 *   schemas/crd/<group>/<version>/<Kind>.json     { scope, plural, schema } per served CRD version (offline validation)
 *   schemas/k8s/<file>.json                       Kubernetes OpenAPI v3 documents of the pinned release (core kinds)
 *   argocd/resource_customizations/<group>/<Kind>/health.lua
 *                                                 Argo CD's built-in health checks at the pinned Argo CD version
 *   installs/<operator>.json                      each operator's install, rendered from its pinned module
 *                                                 (scripts/render: recipes, and the aip-render tool built once
 *                                                 from the Go module proxy into ~/.cache/cdk8s-ai-platform/bin)
 *
 * Idempotent: a component whose stamp matches its pin is not touched, so once cached it
 * works offline. Nothing from upstream is committed to the repository.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { renderInstalls } from './render/render';
import { UPSTREAM_PINS, UpstreamPinSpec, upstreamPin } from '../src/core/versions';
import { UPSTREAM_CACHE_DIR } from '../src/validation/cache';

/** Bump when the extracted layout changes, so caches are rebuilt. */
const FORMAT = 3;

function fail(message: string): never {
  process.stderr.write(`\nupstream: ${message}\n`);
  process.exit(1);
}

function checkGo(): void {
  try {
    execFileSync('go', ['version'], { stdio: 'pipe' });
  } catch {
    fail('the Go toolchain is required to download the pinned upstream modules, but `go` was not found on PATH.\n' +
      'Install Go (https://go.dev/doc/install) and re-run `npm run upstream`.');
  }
}

interface Download { readonly Dir?: string; readonly Error?: string }

function download(pin: UpstreamPinSpec): string | undefined {
  const spec = `${pin.goModule}@${pin.goModuleVersion}`;
  let out: string;
  try {
    out = execFileSync('go', ['mod', 'download', '-json', spec], {
      stdio: ['ignore', 'pipe', 'pipe'],
      // run outside any module so the repository's own files never matter
      cwd: fs.mkdtempSync(path.join(os.tmpdir(), 'aip-upstream-')),
      env: { ...process.env, GOFLAGS: '-mod=mod' },
      maxBuffer: 16 * 1024 * 1024,
    }).toString();
  } catch (e: any) {
    out = String(e.stdout ?? '');
    if (!out.trim()) {
      return reportDownloadError(pin, String(e.stderr ?? e.message));
    }
  }
  const info = JSON.parse(out) as Download;
  if (info.Error || !info.Dir) {
    return reportDownloadError(pin, info.Error ?? 'no module directory returned');
  }
  return info.Dir;
}

function reportDownloadError(pin: UpstreamPinSpec, error: string): undefined {
  const spec = `${pin.goModule}@${pin.goModuleVersion}`;
  if (pin.notServedReason) {
    process.stdout.write(`  ! ${pin.name} ${pin.version}: not extracted — ${pin.notServedReason}\n`);
    return undefined;
  }
  return fail(`could not download ${spec} (${pin.name}) from the Go module proxy.\n` +
    `  go said: ${error.trim()}\n` +
    `  Check that the proxy is reachable (GOPROXY=${process.env.GOPROXY ?? 'default'}) and that the version pinned in src/core/versions.ts exists.`);
}

function stampFile(pin: UpstreamPinSpec): string {
  return path.join(UPSTREAM_CACHE_DIR, 'stamps', `${pin.id}.json`);
}

function stampOf(pin: UpstreamPinSpec): string {
  return JSON.stringify({ format: FORMAT, module: pin.goModule, version: pin.goModuleVersion, crdDirs: pin.crdDirs });
}

function isCurrent(pin: UpstreamPinSpec): boolean {
  const f = stampFile(pin);
  return fs.existsSync(f) && fs.readFileSync(f, 'utf-8') === stampOf(pin);
}

function writeJson(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(value));
}

function extractCrds(pin: UpstreamPinSpec, moduleDir: string): number {
  const outDir = path.join(UPSTREAM_CACHE_DIR, 'crds', pin.id);
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  let kinds = 0;
  for (const dir of pin.crdDirs) {
    const abs = path.join(moduleDir, dir);
    if (!fs.existsSync(abs)) {
      fail(`${pin.goModule}@${pin.goModuleVersion} has no folder '${dir}'; fix crdDirs in src/core/versions.ts`);
    }
    for (const file of fs.readdirSync(abs).filter(f => f.endsWith('.yaml') || f.endsWith('.yml')).sort()) {
      const text = fs.readFileSync(path.join(abs, file), 'utf-8');
      const docs = YAML.parseAllDocuments(text).map(d => d.toJSON()).filter(d => d && d.kind === 'CustomResourceDefinition' && d.spec?.group && d.spec?.names);
      // kustomize patches (e.g. *_conversion_webhook_patch.yaml) are partial CRDs: not CRDs to install
      if (docs.length === 0) continue;
      fs.writeFileSync(path.join(outDir, file), text);
      for (const crd of docs) {
        const { group, names, scope, versions } = crd.spec;
        for (const v of versions ?? []) {
          if (!v.served) continue;
          writeJson(path.join(UPSTREAM_CACHE_DIR, 'schemas', 'crd', group, v.name, `${names.kind}.json`), {
            component: pin.id,
            componentVersion: pin.version,
            scope,
            plural: names.plural,
            schema: v.schema?.openAPIV3Schema ?? { 'type': 'object', 'x-kubernetes-preserve-unknown-fields': true },
          });
          kinds++;
        }
      }
    }
  }
  return kinds;
}

function extractKubernetes(moduleDir: string): number {
  const src = path.join(moduleDir, 'api', 'openapi-spec', 'v3');
  const outDir = path.join(UPSTREAM_CACHE_DIR, 'schemas', 'k8s');
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  let docs = 0;
  for (const file of fs.readdirSync(src)) {
    // one document per group version, e.g. api__v1_openapi.json, apis__apps__v1_openapi.json
    if (!/^(api__v1|apis__.+__v[0-9a-z]+)_openapi\.json$/.test(file)) continue;
    fs.copyFileSync(path.join(src, file), path.join(outDir, file));
    docs++;
  }
  return docs;
}

/** Argo CD's built-in health checks (resource_customizations/<group>/<Kind>/health.lua), for GitOps output. */
function extractArgoCdHealth(moduleDir: string): number {
  const src = path.join(moduleDir, 'resource_customizations');
  const outDir = path.join(UPSTREAM_CACHE_DIR, 'argocd', 'resource_customizations');
  fs.rmSync(outDir, { recursive: true, force: true });
  let n = 0;
  for (const group of fs.readdirSync(src)) {
    if (!fs.statSync(path.join(src, group)).isDirectory()) continue;
    for (const kind of fs.readdirSync(path.join(src, group))) {
      const file = path.join(src, group, kind, 'health.lua');
      if (!fs.existsSync(file)) continue;
      fs.mkdirSync(path.join(outDir, group, kind), { recursive: true });
      fs.copyFileSync(file, path.join(outDir, group, kind, 'health.lua'));
      n++;
    }
  }
  return n;
}

function main(): void {
  const force = process.argv.includes('--force');
  const pending = UPSTREAM_PINS.filter(p => force || !isCurrent(p));
  if (pending.length === 0) {
    process.stdout.write(`upstream: all ${UPSTREAM_PINS.length} pinned components are cached in ${path.relative(process.cwd(), UPSTREAM_CACHE_DIR) || '.'}\n`);
  } else {
    checkGo();
  }
  for (const pin of pending) {
    const started = Date.now();
    const dir = download(pin);
    if (!dir) continue;
    const n = pin.id === 'kubernetes' ? extractKubernetes(dir) : extractCrds(pin, dir);
    if (pin.id === 'argo-cd') {
      process.stdout.write(`  ✓ Argo CD ${pin.version}: ${extractArgoCdHealth(dir)} built-in health checks\n`);
    }
    const what = pin.id === 'kubernetes' ? 'OpenAPI documents' : 'CRD versions';
    fs.mkdirSync(path.dirname(stampFile(pin)), { recursive: true });
    fs.writeFileSync(stampFile(pin), stampOf(pin));
    process.stdout.write(`  ✓ ${pin.name} ${pin.version}: ${n} ${what} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  }
  const modules = new Map<string, string>();
  renderInstalls({
    cacheDir: UPSTREAM_CACHE_DIR,
    force,
    moduleDir: id => {
      if (!modules.has(id)) {
        checkGo();
        const dir = download(upstreamPin(id));
        if (!dir) fail(`${id} is not served, so its install cannot be rendered`);
        modules.set(id, dir);
      }
      return modules.get(id)!;
    },
  });
}

main();
