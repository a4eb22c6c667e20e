import * as fs from 'fs';
import * as YAML from 'yaml';
import { SchemaValidator } from './schema-validator';

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
 */
export class AiPlatformValidation {
  private readonly failOnUnchecked: boolean;

  constructor(properties: { failOnUnchecked?: boolean } = {}) {
    this.failOnUnchecked = properties.failOnUnchecked ?? false;
  }

  public async validate(context: any): Promise<void> {
    const validator = SchemaValidator.default();
    let failed = false;
    for (const manifestPath of context.manifests as string[]) {
      const docs = YAML.parseAllDocuments(fs.readFileSync(manifestPath, 'utf-8')).map(d => d.toJSON()).filter(Boolean);
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
