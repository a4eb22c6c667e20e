import * as fs from 'fs';
import * as path from 'path';
import * as jsyaml from 'js-yaml';
import * as YAML from 'yaml';
import { UPSTREAM_CACHE_DIR } from './cache';
import { SchemaValidator } from './schema-validator';

/**
 * What an app author reads when the package holds no schemas (a tarball or copy made without the package's prepack
 * step): where the plugin looked and how to get them.
 * @internal
 */
export function missingSchemasMessage(cacheDir: string = UPSTREAM_CACHE_DIR): string {
  const packageRoot = path.resolve(__dirname, '..', '..');
  return [
    `cdk8s-ai-platform validation plugin: the pinned upstream schemas are missing (looked in ${path.join(cacheDir, 'schemas')}).`,
    'Every published release and every tarball made with `npm pack` carries them in upstream-schemas/ (added by the',
    'package\'s prepack step); this copy of cdk8s-ai-platform at ' + packageRoot + ' was installed without them.',
    'To fix: reinstall cdk8s-ai-platform from the registry or from a tarball made with `npm pack` in its repository',
    '(an install from git runs the same step), or set CDK8S_AI_PLATFORM_UPSTREAM_CACHE to a folder that holds',
    '`schemas/` (`npm run upstream` in a checkout of the repository writes one: .upstream-cache/).',
  ].join('\n');
}

/**
 * The objects of a synthesized manifest. js-yaml reads cdk8s's output about 8x faster than `yaml`'s document model
 * (6,000 objects: 0.25 s against 2 s), with the same YAML 1.2 core schema, so the same values (cdk8s writes YAML 1.1
 * and quotes every string a YAML 1.1 reader would take for another type); a manifest js-yaml refuses is read by
 * `yaml` as before.
 * @internal
 */
export function readManifest(text: string): any[] {
  try {
    const docs: any[] = [];
    jsyaml.loadAll(text, doc => docs.push(doc), { schema: jsyaml.CORE_SCHEMA });
    return docs.filter(Boolean);
  } catch {
    return YAML.parseAllDocuments(text).map(d => d.toJSON()).filter(Boolean);
  }
}

/**
 * A cdk8s CLI validation plugin: checks every synthesized object against the schemas of the
 * upstream versions this library pins (CRD openAPIV3Schema for custom resources, the Kubernetes
 * OpenAPI schema for core kinds). Add it to `cdk8s.yaml`:
 *
 * ```yaml
 * validations:
 *   - package: ./node_modules/cdk8s-ai-platform/lib/validation/cdk8s-plugin.js
 *     version: 0.0.0
 *     class: AiPlatformValidation
 * ```
 *
 * Properties (`properties:` in cdk8s.yaml): `failOnUnchecked` (default false) also fails on
 * objects of kinds that have no pinned schema.
 *
 * The schemas are read from `$CDK8S_AI_PLATFORM_UPSTREAM_CACHE`, else the repository's `.upstream-cache/`
 * (development), else the `upstream-schemas/` folder shipped in the package.
 */
export class AiPlatformValidation {
  private readonly failOnUnchecked: boolean;

  constructor(properties: { failOnUnchecked?: boolean } = {}) {
    this.failOnUnchecked = properties.failOnUnchecked ?? false;
  }

  public async validate(context: any): Promise<void> {
    if (!fs.existsSync(path.join(UPSTREAM_CACHE_DIR, 'schemas'))) {
      throw new Error(missingSchemasMessage());
    }
    const validator = SchemaValidator.default();
    let failed = false;
    for (const manifestPath of context.manifests as string[]) {
      const docs = readManifest(fs.readFileSync(manifestPath, 'utf-8'));
      for (const obj of docs) {
        const { violations, unchecked } = validator.validate(obj);
        for (const v of violations) {
          failed = true;
          context.report.addViolation({
            ruleName: `schema: ${v.gvk}`,
            recommendation: `${v.field || '/'}: ${v.message}`,
            fix: `Fix the construct's props so that ${v.field || 'the object'} matches the ${v.gvk} schema of the pinned upstream version.`,
            violatingResources: [{ resourceName: obj.metadata?.name, manifestPath, locations: [v.field || '/'] }],
          });
        }
        for (const u of unchecked) {
          context.logger.log(`not validated: ${u.gvk} ${u.name}: ${u.reason}`);
          if (this.failOnUnchecked) {
            failed = true;
            context.report.addViolation({
              ruleName: `schema: ${u.gvk}`,
              recommendation: u.reason,
              violatingResources: [{ resourceName: obj.metadata?.name, manifestPath, locations: ['/'] }],
            });
          }
        }
      }
    }
    context.report.submit(failed ? 'failure' : 'success');
  }
}
