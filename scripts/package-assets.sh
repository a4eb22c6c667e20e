#!/usr/bin/env bash
# Puts the package's data files into a package directory (default: the repository root):
#   upstream-schemas/schemas   the pinned upstream CRDs and Kubernetes OpenAPI schemas (the validation plugin)
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
for d in upstream-schemas upstream-installs; do
  rm -rf "$DEST/$d.old"
  [ -e "$DEST/$d" ] && mv "$DEST/$d" "$DEST/$d.old"
  mv "$tmp/$d" "$DEST/$d"
  rm -rf "$DEST/$d.old"
done
