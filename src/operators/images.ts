/**
 * Finding and rewriting container images in rendered install objects. Shared by the render step
 * (scripts/render/render.ts) and the install constructs.
 */

/** Every container image of the pod specs in `obj`. @internal */
export function podImages(obj: any, into: Set<string>): void {
  if (Array.isArray(obj)) {
    obj.forEach(o => podImages(o, into));
  } else if (obj && typeof obj === 'object') {
    for (const key of ['containers', 'initContainers', 'ephemeralContainers']) {
      if (Array.isArray(obj[key])) {
        for (const c of obj[key]) if (c && typeof c.image === 'string') into.add(c.image);
      }
    }
    for (const v of Object.values(obj)) podImages(v, into);
  }
}

/**
 * Images named in ConfigMap payloads (KServe's storage initializer and agent, Katib's suggestion services and
 * metrics collectors, Argo Events' NATS images): a value of a key ending in `image`, or an image path with a tag.
 * KServe's `_example` key is documentation the controller never reads.
 * @internal
 */
export function configImages(objects: any[], into: Set<string>): void {
  const byKey = /"?[A-Za-z]*[Ii]mage"?\s*:\s*"?([a-z0-9][^\s",']*)/g;
  const byPath = /(?:[a-z0-9-]+(?:\.[a-z0-9-]+)+(?::[0-9]+)?\/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)+:[A-Za-z0-9_][A-Za-z0-9_.-]*(?:@sha256:[0-9a-f]{64})?/g;
  for (const obj of objects) {
    if (obj.kind !== 'ConfigMap') continue;
    for (const [key, value] of Object.entries(obj.data ?? {})) {
      if (key === '_example') continue;
      for (const m of String(value).matchAll(byKey)) into.add(m[1]);
      for (const m of String(value).matchAll(byPath)) into.add(m[0]);
    }
  }
}

/**
 * The registry host of an image reference (`quay.io` of `quay.io/argoproj/argocli:v4.1.4`), or undefined for
 * Docker Hub references without one (`mysql:8.0.29`, `kserve/agent:v0.20.0`).
 * @internal
 */
export function registryOf(image: string): string | undefined {
  const slash = image.indexOf('/');
  if (slash < 0) return undefined;
  const first = image.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost' ? first : undefined;
}

/**
 * `image` pulled through the mirror `registry` (a host and optional path): the registry host is replaced and the
 * repository path kept; Docker Hub images keep their full path (`library/mysql`).
 * @internal
 */
export function mirrorImage(image: string, registry: string): string {
  const host = registryOf(image);
  const repo = host ? image.slice(host.length + 1) : image.includes('/') ? image : `library/${image}`;
  return `${registry.replace(/\/+$/, '')}/${repo}`;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * Replaces every whole occurrence of each key of `map` in the strings of `value` (in place for objects).
 * An occurrence is whole when no image-path character touches it on either side.
 * @internal
 */
export function replaceImages(value: any, map: Map<string, string>): any {
  if (map.size === 0) return value;
  const keys = [...map.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp);
  const re = new RegExp(`(?<![A-Za-z0-9_./-])(?:${keys.join('|')})(?![A-Za-z0-9_./:@-])`, 'g');
  const walk = (v: any): any => {
    if (typeof v === 'string') return v.replace(re, m => map.get(m) ?? m);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) v[i] = walk(v[i]);
      return v;
    }
    if (v && typeof v === 'object') {
      for (const k of Object.keys(v)) v[k] = walk(v[k]);
      return v;
    }
    return v;
  };
  return walk(value);
}
