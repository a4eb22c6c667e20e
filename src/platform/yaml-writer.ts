import * as fs from 'fs';
import { Yaml } from 'cdk8s';
import * as YAML from 'yaml';

/*
 * The YAML that PlatformApp writes: byte for byte what cdk8s's `Yaml.stringify` writes (the `yaml` module with YAML
 * 1.1, no line folding), without building `yaml`'s document model for every object, which is most of the cost of
 * writing a large app.
 *
 * The fast path writes the shape Kubernetes objects have after cdk8s's serialization: plain objects and arrays in
 * block style, single-line strings, integers, booleans. A string is written plain, single- or double-quoted by the same
 * rules `yaml` applies to such strings (its indicator characters, and the YAML 1.1 schema's own tests for what would
 * read back as another type: numbers, booleans, null, timestamps ...). Anything else in a document — a multi-line
 * string, a control character, a line starting like a document marker, a fraction, null, the same object twice (an
 * alias) — makes that whole document go through `Yaml.stringify`. `test/platform/yaml-writer.test.ts` compares both
 * on generated documents and on every example's objects.
 */

/**
 * The YAML 1.1 schema's tests for a plain scalar that would read back as something other than a string (`yaml`'s
 * merge key `<<` is written plain: the string `<<` is taken for a merge key when written).
 */
const NOT_A_STRING: RegExp[] = (() => {
  const schema: any = new YAML.Document(null, { version: '1.1' }).schema;
  return [...schema.tags, ...(schema.compat ?? [])]
    .filter((t: any) => t.default === true && t.tag !== 'tag:yaml.org,2002:str' && t.test instanceof RegExp)
    .map((t: any) => t.test as RegExp);
})();

/** `yaml`'s test for a string that cannot be written plain (indicators, `: `, ` #`, a trailing space or colon). */
const NEEDS_QUOTES = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
/**
 * Not fast-path: characters `yaml` writes double-quoted with escapes, line breaks (block scalars), and the line
 * separators after which `yaml`'s document-marker test (a multi-line regular expression) matches.
 */
const SPECIAL = /[\x00-\x1f\x7f-\x9f\u2028\u2029\u{D800}-\u{DFFF}]/u;
/** A line that starts like a document marker or directive. */
const DOCUMENT_MARKER = /^(%|---|\.\.\.)/;

/** Raised inside the fast path for a value it does not write: the document goes through `Yaml.stringify`. */
class NotFastPath extends Error {}
const NOT_FAST_PATH = new NotFastPath();

/** How many documents took each path (read by the tests: the generated cases must reach the fast path). */
export const yamlWriterStats = { fast: 0, fallback: 0 };

/** Writes objects as a multi-document YAML file, as `Yaml.save` does. */
export function saveYaml(filePath: string, docs: any[]): void {
  fs.writeFileSync(filePath, stringifyYaml(docs), { encoding: 'utf8' });
}

/** What `Yaml.stringify(...docs)` returns. */
export function stringifyYaml(docs: any[]): string {
  const out: string[] = [];
  for (const doc of docs) out.push(stringifyDocument(doc));
  return out.join('---\n');
}

function stringifyDocument(doc: any): string {
  if (doc === undefined) return '\n';
  if (isPlainObject(doc) && !isEmpty(doc)) {
    try {
      const lines: string[] = [];
      writeMap(doc, '', lines, new Set());
      yamlWriterStats.fast++;
      return `${lines.join('\n')}\n`;
    } catch (e) {
      if (e !== NOT_FAST_PATH) throw e;
    }
  }
  yamlWriterStats.fallback++;
  return Yaml.stringify(doc);
}

/** Appends the lines of a non-empty map at `indent`. */
function writeMap(map: any, indent: string, lines: string[], seen: Set<object>): void {
  enter(map, seen);
  for (const key of Object.keys(map)) {
    const k = scalarString(key);
    if (k.length > 1024) throw NOT_FAST_PATH;
    const value = map[key];
    if (isCollection(value) && !isEmpty(value)) {
      lines.push(`${indent}${k}:`);
      if (Array.isArray(value)) writeSeq(value, `${indent}  `, lines, seen);
      else writeMap(value, `${indent}  `, lines, seen);
    } else {
      lines.push(`${indent}${k}: ${leaf(value, seen)}`);
    }
  }
}

/** Appends the lines of a non-empty sequence at `indent` (`- ` items; a collection item starts on the dash's line). */
function writeSeq(seq: any[], indent: string, lines: string[], seen: Set<object>): void {
  enter(seq, seen);
  for (let i = 0; i < seq.length; i++) {
    const item = seq[i];
    if (isCollection(item) && !isEmpty(item)) {
      const first = lines.length;
      if (Array.isArray(item)) writeSeq(item, `${indent}  `, lines, seen);
      else writeMap(item, `${indent}  `, lines, seen);
      lines[first] = `${indent}- ${lines[first].slice(indent.length + 2)}`;
    } else {
      lines.push(`${indent}- ${leaf(item, seen)}`);
    }
  }
}

/** A scalar or an empty collection, as written after `key: ` or `- `. */
function leaf(value: any, seen: Set<object>): string {
  switch (typeof value) {
    case 'string':
      return scalarString(value);
    case 'number':
      if (!Number.isInteger(value) || Object.is(value, -0)) throw NOT_FAST_PATH;
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      if (Array.isArray(value)) {
        enter(value, seen);
        return '[]';
      }
      if (isPlainObject(value)) {
        enter(value, seen);
        return '{}';
      }
      throw NOT_FAST_PATH;
  }
}

/** Strings already written (keys and values repeat across objects: `name`, `image`, `IfNotPresent` ...). */
const written = new Map<string, string>();
const MAX_REMEMBERED = 100_000;

/** A single-line string as `yaml` writes it (a key or a value: the same rules for such strings). */
function scalarString(value: string): string {
  let out = written.get(value);
  if (out === undefined) {
    out = quoteAsYaml(value);
    if (written.size >= MAX_REMEMBERED) written.clear();
    written.set(value, out);
  }
  return out;
}

function quoteAsYaml(value: string): string {
  if (SPECIAL.test(value) || DOCUMENT_MARKER.test(value)) throw NOT_FAST_PATH;
  if (!NEEDS_QUOTES.test(value) && !NOT_A_STRING.some(t => t.test(value))) return value;
  // quoted: single quotes for a string with double quotes and no single ones, else double quotes (JSON's escapes
  // are YAML's for a string without control characters)
  return value.includes('"') && !value.includes("'") ? `'${value}'` : JSON.stringify(value);
}

/** `yaml` writes an object met twice as an anchor and an alias: such documents are not fast-path. */
function enter(value: object, seen: Set<object>): void {
  if (seen.has(value)) throw NOT_FAST_PATH;
  seen.add(value);
}

function isCollection(value: any): boolean {
  return Array.isArray(value) || isPlainObject(value);
}

function isPlainObject(value: any): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function isEmpty(value: any): boolean {
  if (Array.isArray(value)) return value.length === 0;
  for (const _ in value) return false;
  return true;
}
