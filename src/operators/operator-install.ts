import { ApiObject, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { configImages, mirrorImage, podImages, replaceImages } from './images';
import { loadRender, OperatorRender } from './render-cache';
import { clusterScoped } from '../core/api-objects';
import { PlatformContext } from '../core/context';
import { checkInteger, invalid } from '../core/errors';
import { checkDns1123Label } from '../core/names';
import { ComputeResources, renderResources } from '../core/resources';

/**
 * An operator installed from the install manifests its pinned upstream release ships (rendered by
 * `npm run upstream` from the pinned Go module and shipped in this package), with typed settings applied after
 * loading. Every install construct of `src/operators` implements it; compositions (GitOps tiers, sync waves,
 * health checks) read installs only through this interface.
 */
export interface IOperatorInstall extends IConstruct {
  /** Short id of the operator, the id of its pin (e.g. `kserve`, `kueue`, `argo-workflows`). */
  readonly operatorName: string;
  /** Upstream version installed (the pin of `UpstreamVersions`). */
  readonly version: string;
  /** Namespace the operator's controllers run in. */
  readonly namespace: string;
  /**
   * Every object of the install, CRDs included, in the order they are synthesized. The Namespace, when the install
   * emits it, is the same object in every install of the chart that shares the namespace.
   */
  readonly objects: ApiObject[];
  /** The CustomResourceDefinitions of the install (a subset of `objects`). */
  readonly crds: ApiObject[];
  /** Every container image the install's pods run, as synthesized (registry override applied). */
  readonly images: string[];
  /** Installs this one needs in the cluster first (KServe needs cert-manager), in the same app. */
  readonly prerequisites: IOperatorInstall[];
}

/** Settings every operator install has. */
export interface OperatorInstallProps {
  /**
   * Namespace of the operator's controllers. Every object of the upstream namespace moves there, with the
   * references to it (RBAC subjects, webhook and APIService services, certificate DNS names, CA injection).
   * @default - the namespace of the upstream install
   */
  readonly namespace?: string;
  /**
   * Whether the install emits its Namespace. Set false when the namespace is declared elsewhere (e.g. with Pod
   * Security labels by the platform composition) or shared with another install in the same chart.
   * @default true
   */
  readonly createNamespace?: boolean;
  /**
   * Registry that mirrors every image of the install (air-gapped clusters): a host with an optional path, e.g.
   * `registry.example.com/mirror`. The image's registry host is replaced and its repository path kept
   * (`quay.io/argoproj/argocli:v4.1.4` → `registry.example.com/mirror/argoproj/argocli:v4.1.4`; Docker Hub images
   * keep their full path: `mysql:8.0.29` → `registry.example.com/mirror/library/mysql:8.0.29`). It applies to the
   * images the operator's pods run and to those its configuration names for workloads (storage initializers,
   * metrics collectors, suggestion services ...).
   * @default - the upstream registries
   */
  readonly imageRegistry?: string;
  /**
   * Replicas of the operator's controller Deployments (the controllers elect a leader).
   * @default - upstream's (1 for most operators)
   */
  readonly replicas?: number;
  /**
   * Resources of the operator's controller containers (replacing upstream's).
   * @default - upstream's
   */
  readonly resources?: ComputeResources;
}

/** A controller the common `replicas` (Deployments only) and `resources` settings apply to. @internal */
export interface ControllerRef {
  readonly kind: 'Deployment' | 'DaemonSet';
  readonly name: string;
  readonly container: string;
}

/** PlatformContext key every install registers under. @internal */
export const OPERATOR_INSTALLS = 'operator-install';

const REGISTRY = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;

/**
 * Base of the operator installs: loads the render of the pinned upstream release, applies the settings every
 * install has (namespace, images, replicas, resources), lets the operator's construct apply its own, and emits
 * the objects.
 */
export abstract class OperatorInstall extends Construct implements IOperatorInstall {
  /** The operator installs declared in the app of `scope`, in declaration order. */
  public static installsOf(scope: IConstruct): IOperatorInstall[] {
    return [...PlatformContext.of(scope).list<IOperatorInstall>(OPERATOR_INSTALLS)];
  }

  public readonly operatorName: string;
  public readonly version: string;
  public readonly namespace: string;
  public readonly objects: ApiObject[] = [];
  public readonly crds: ApiObject[] = [];
  public readonly images: string[] = [];
  public readonly prerequisites: IOperatorInstall[] = [];
  /** Whether the install emits its Namespace (shared with the other installs of the chart in the same namespace). */
  public readonly createNamespace: boolean;
  /** The install's objects as JSON, changed by the settings until they are emitted. @internal */
  protected readonly _json: any[];
  /** @internal */
  protected readonly _render: OperatorRender;
  /** Registry mirror of every image, if any. */
  public readonly imageRegistry?: string;
  private emitted = false;

  /**
   * @param scope scope
   * @param id id
   * @param renderId id of the render (`installs/<renderId>.json` of `npm run upstream`)
   * @param props settings every install has
   */
  constructor(scope: Construct, id: string, renderId: string, props: OperatorInstallProps = {}) {
    super(scope, id);
    this._render = loadRender(renderId);
    this.operatorName = this._render.id;
    this.version = this._render.version;
    this.namespace = props.namespace ?? this._render.namespace;
    checkDns1123Label(this, 'namespace', this.namespace);
    checkInteger(this, 'replicas', props.replicas, 0, 100);
    if (props.imageRegistry !== undefined && (typeof props.imageRegistry !== 'string' || !REGISTRY.test(props.imageRegistry))) {
      invalid(this, 'imageRegistry', props.imageRegistry, "must be a registry host with an optional path, such as 'registry.example.com/mirror'");
    }
    const resources = renderResources(this, 'resources', props.resources);

    this.createNamespace = props.createNamespace ?? true;
    this.imageRegistry = props.imageRegistry;
    this._json = this.prepare(this._render, this._render.objects.filter(o => o.kind !== 'Namespace'));

    for (const c of this._controllers()) {
      const obj = this._find(c.kind, c.name);
      if (props.replicas !== undefined) {
        if (c.kind !== 'Deployment') {
          invalid(this, 'replicas', props.replicas, `${this.operatorName} runs as a ${c.kind} (one pod per node); remove replicas`);
        }
        obj.spec.replicas = props.replicas;
      }
      if (resources) this._container(obj, c.container).resources = resources;
    }

    PlatformContext.of(this).register(OPERATOR_INSTALLS, this);
    PlatformContext.of(this).check(() => {
      const same = OperatorInstall.installsOf(this).filter(i => i.operatorName === this.operatorName);
      if (same.length > 1 && same[0] !== this) {
        invalid(this, 'operatorName', this.operatorName, `the app already installs it at '${same[0].node.path}'; install each operator once`);
      }
    });
  }

  /**
   * The emitted object of `kind` named `name` (in the install's namespace, or cluster-scoped).
   * @returns undefined when the install has none
   */
  public tryFindObject(kind: string, name: string): ApiObject | undefined {
    return this.objects.find(o => o.kind === kind && o.name === name);
  }

  /**
   * Adds the objects of another render of the same release (e.g. Trainer's built-in runtimes), with the
   * namespace and image settings applied.
   * @internal
   */
  protected _include(renderId: string): void {
    const render = loadRender(renderId);
    this._json.push(...this.prepare(render, render.objects.filter(o => o.kind !== 'Namespace')));
  }

  /** Controllers the common settings apply to. @internal */
  protected abstract _controllers(): ControllerRef[];

  /** The JSON object of `kind` and `name`; fails when the render has none (the recipe changed). @internal */
  protected _find(kind: string, name: string): any {
    const found = this._json.find(o => o.kind === kind && o.metadata?.name === name);
    if (!found) throw new Error(`${this.node.path}: the ${this.operatorName} ${this.version} render has no ${kind} '${name}'`);
    return found;
  }

  /** The container `name` of a workload object's pod template. @internal */
  protected _container(obj: any, name: string): any {
    const c = (obj.spec?.template?.spec?.containers ?? []).find((x: any) => x.name === name);
    if (!c) throw new Error(`${this.node.path}: ${obj.kind} '${obj.metadata.name}' of ${this.operatorName} has no container '${name}'`);
    return c;
  }

  /**
   * Emits the objects (after the operator's own settings): cluster-scoped objects keep no namespace.
   * @internal
   */
  protected _emit(): void {
    if (this.emitted) throw new Error(`${this.node.path}: emitted twice`);
    this.emitted = true;
    if (this.createNamespace) {
      // one Namespace per chart and name, shared by the installs of the chart in that namespace (Katib and the
      // Training Operator both default to `kubeflow`), synthesized before the objects of the first of them
      const chart = Chart.of(this);
      const shared = namespacesOf(chart);
      let ns = shared.get(this.namespace);
      if (!ns) {
        ns = clusterScoped(new ApiObject(this, 'Namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: this.namespace } }));
        shared.set(this.namespace, ns);
      }
      this.objects.push(ns);
    }
    const ids = new Set<string>();
    for (const o of this._json) {
      let id = `${o.kind}-${o.metadata.namespace ? `${o.metadata.namespace}-` : ''}${o.metadata.name}`;
      for (let n = 2; ids.has(id); n++) id = `${id}-${n}`;
      ids.add(id);
      const { apiVersion, kind, metadata, ...rest } = o;
      const obj = new ApiObject(this, id, { apiVersion, kind, metadata, ...rest });
      if (metadata.namespace === undefined) clusterScoped(obj);
      this.objects.push(obj);
      if (kind === 'CustomResourceDefinition') this.crds.push(obj);
    }
    const images = new Set<string>();
    const workloads = this._json.filter(o => o.kind !== 'CustomResourceDefinition');
    podImages(workloads, images);
    configImages(workloads, images);
    this.images.push(...[...images].sort());
  }

  private prepare(render: OperatorRender, objects: any[]): any[] {
    let json = objects;
    if (this.namespace !== render.namespace) json = json.map(o => relocate(o, render.namespace, this.namespace));
    if (this.imageRegistry) {
      const map = new Map<string, string>();
      for (const image of [...render.images, ...render.configImages]) map.set(image, mirrorImage(image, this.imageRegistry));
      json.filter(o => o.kind !== 'CustomResourceDefinition').forEach(o => replaceImages(o, map));
    }
    return json;
  }

  /** Sets `data[key]` of a ConfigMap object (a JSON patch on the emitted object would do the same). @internal */
  protected _setConfigData(name: string, key: string, value: string): void {
    const cm = this._find('ConfigMap', name);
    cm.data = { ...(cm.data ?? {}), [key]: value };
  }
}

const NAMESPACES = new WeakMap<Chart, Map<string, ApiObject>>();

/** The Namespaces emitted by installs of `chart`, by name. */
function namespacesOf(chart: Chart): Map<string, ApiObject> {
  let m = NAMESPACES.get(chart);
  if (!m) NAMESPACES.set(chart, m = new Map());
  return m;
}

/** Moves an object of namespace `from` to `to`, with every reference to a service or object of `from`. @internal */
export function relocate(obj: any, from: string, to: string): any {
  const svc = new RegExp(`\\.${from.replace(/[.-]/g, '\\$&')}\\.svc\\b`, 'g');
  const walk = (v: any, key?: string): any => {
    if (typeof v === 'string') {
      if (key === 'namespace' && v === from) return to;
      if (key === 'cert-manager.io/inject-ca-from' && v.startsWith(`${from}/`)) return `${to}/${v.slice(from.length + 1)}`;
      // controller flags naming the namespace of its own lock, secret or service (`--webhook-secret-namespace=x`)
      const flag = /^(--[a-z-]*namespace=)(.*)$/.exec(v);
      if (flag && flag[2] === from) return `${flag[1]}${to}`;
      return v.includes(`.${from}.svc`) ? v.replace(svc, `.${to}.svc`) : v;
    }
    if (Array.isArray(v)) return v.map(x => walk(x));
    if (v && typeof v === 'object' && v.key === 'kubernetes.io/metadata.name' && Array.isArray(v.values)) {
      // a namespace selector that names the namespace (Kueue's webhooks skip their own namespace)
      return { ...v, values: v.values.map((x: any) => x === from ? to : x) };
    }
    if (v && typeof v === 'object') {
      // a CRD's schema is large and names no namespace: only its metadata and conversion webhook may
      if (v.kind === 'CustomResourceDefinition') {
        return { ...v, metadata: walk(v.metadata), spec: { ...v.spec, conversion: walk(v.spec?.conversion) } };
      }
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
    }
    return v;
  };
  const out = walk(obj);
  if (obj.kind === 'CustomResourceDefinition' && obj.spec?.conversion === undefined) delete out.spec.conversion;
  return out;
}
