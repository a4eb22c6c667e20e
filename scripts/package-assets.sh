#!/usr/bin/env bash
# Puts the package's data files into a package directory (default: the repository root):
#   upstream-schemas/schemas   the pinned upstream CRDs and Kubernetes OpenAPI schemas (the validation plugin)
#   upstream-schemas/validators  the validators of every pinned schema, compiled ahead (gzipped ajv standalone code)
#   upstream-installs/         the operator installs rendered from the pinned modules and Argo CD's health checks
# It runs the upstream step first (cached in .upstream-cache: a no-op when nothing changed).
# Called by the prepack step (every `npm pack`/`npm publish`, jsii-pacmak's packing, installs from git) and by the
# language-binding scripts.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$(cd "${1:-$ROOT}" && pwd)"
cd "$ROOT"
"$ROOT/node_modules/.bin/ts-node" --transpile-only --project scripts/tsconfig.json scripts/upstream.ts >&2
for d in schemas installs argocd; do
  if [ ! -d ".upstream-cache/$d" ]; then
    echo "package-assets: .upstream-cache/$d is missing after the upstream step" >&2
    exit 1
  fi
done
# Build next to the destination, then swap, so a reader never sees a half-copied folder.
tmp=$(mktemp -d "$DEST/.assets-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/upstream-schemas" "$tmp/upstream-installs"
cp -r .upstream-cache/schemas "$tmp/upstream-schemas/schemas"
cp -r .upstream-cache/installs .upstream-cache/argocd "$tmp/upstream-installs/"
# The validation plugin's validators, compiled by the library that ships ($DEST/lib: their folder is keyed by that
# validator module and ajv's version, so the installed package finds them) for every pinned schema: the plugin loads
# those of the kinds present instead of compiling them on a machine's first synth. Compiled once into
# .upstream-cache/compiled-validators (about 12 s; a warm run only copies), shipped gzipped (50 MB of code, 6 MB).
lib="$DEST/lib/validation/schema-validator.js"
if [ ! -f "$lib" ]; then
  echo "package-assets: $lib is missing: compile lib/ first" >&2
  exit 1
fi
NODE_PATH="$ROOT/node_modules" node -e '
  const { SchemaValidator } = require(process.argv[1]);
  const [, cache, compiled, out] = process.argv.slice(1);
  const r = new SchemaValidator(cache, { compiledCacheDir: compiled, shippedValidatorsDir: null })._precompileAll();
  for (const f of r.failed) process.stderr.write(`package-assets: no validator (the plugin reports it when used): ${f}\n`);
  process.stderr.write(`package-assets: ${r.kinds} validators compiled ahead\n`);
  const fs = require("fs"), path = require("path"), zlib = require("zlib");
  const dest = path.join(out, path.basename(r.dir));
  fs.mkdirSync(dest, { recursive: true });
  for (const f of r.files) fs.writeFileSync(path.join(dest, `${f}.gz`), zlib.gzipSync(fs.readFileSync(path.join(r.dir, f)), { level: 9 }));
' "$lib" "$ROOT/.upstream-cache" "$ROOT/.upstream-cache/compiled-validators" "$tmp/upstream-schemas/validators"
for d in upstream-schemas upstream-installs; do
  rm -rf "$DEST/$d.old"
  [ -e "$DEST/$d" ] && mv "$DEST/$d" "$DEST/$d.old"
  mv "$tmp/$d" "$DEST/$d"
  rm -rf "$DEST/$d.old"
done
