#!/usr/bin/env bash
# Builds the library's Go binding with jsii-pacmak, together with the cdk8s and cdk8s-plus-28 Go bindings generated
# locally from node_modules (the Go module proxy reachable here does not serve cdk8s-core-go nor cdk8s-plus-go;
# github.com/aws/jsii-runtime-go and github.com/aws/constructs-go come from the proxy).
#
# Prints, on the last line, a folder holding the three Go modules, each in its own folder (cdk8s, cdk8splus28,
# cdk8saiplatform), for `replace` directives. Cached under ~/.cache/cdk8s-ai-platform/go:
#   deps-<versions>/go     the dependency bindings (rebuilt only when cdk8s, cdk8s-plus-28 or jsii-pacmak change)
#   <assembly key>/go      the library's binding, with links to the dependency modules
# --deps-only prints the dependency folder instead; --deps-into DIR copies it into DIR (package:go).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${AIP_GO_CACHE:-$HOME/.cache/cdk8s-ai-platform/go}"
mkdir -p "$CACHE"
pacmak="$ROOT/node_modules/.bin/jsii-pacmak"
v() { node -p "require('$ROOT/node_modules/$1/package.json').version"; }
deps="$CACHE/deps-cdk8s-$(v cdk8s)-plus-$(v cdk8s-plus-28)-pacmak-$(v jsii-pacmak)"

exec 9>"$CACHE/.lock"
flock 9

if [ ! -f "$deps/.done" ]; then
  echo "go-binding: generating the cdk8s and cdk8s-plus-28 Go bindings from node_modules (once per version)" >&2
  rm -rf "$deps"
  # The generated code is compiled where it is used (the library's binding and the examples), not here.
  JSII_BUILD_GO=0 nice -n 10 "$pacmak" "$ROOT/node_modules/cdk8s" "$ROOT/node_modules/cdk8s-plus-28" --targets go -o "$deps" >&2
  touch "$deps/.done"
fi
if [ "${1:-}" = "--deps-only" ]; then
  echo "$deps/go"
  exit 0
fi
if [ "${1:-}" = "--deps-into" ]; then
  # package:go: the dependency bindings beside the library's, where jsii-pacmak resolves them
  mkdir -p "$2"
  cp -r "$deps/go/." "$2/"
  echo "$2"
  exit 0
fi

pkg=$(bash "$ROOT/scripts/binding-package.sh" | tail -1)
key=$(basename "$pkg")
out="$CACHE/$key"
if [ ! -f "$out/.done" ]; then
  echo "go-binding: generating the library's Go binding ($key)" >&2
  rm -rf "$out"
  mkdir -p "$out/go"
  # jsii-pacmak replaces dependencies found in the same output folder with their local copies.
  for m in "$deps"/go/*/; do ln -s "${m%/}" "$out/go/$(basename "$m")"; done
  nice -n 10 "$pacmak" "$pkg" --targets go -o "$out" >&2
  touch "$out/.done"
  ls -1dt "$CACHE"/*/ | grep -v -e '/deps-' -e '/run/' | tail -n +4 | xargs -r rm -rf
  ls -1dt "$CACHE"/run/*/ 2>/dev/null | tail -n +4 | xargs -r rm -rf
fi
echo "$out/go"
