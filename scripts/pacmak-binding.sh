#!/usr/bin/env bash
# Builds the library's Java or Go binding with jsii-pacmak, together with the cdk8s and cdk8s-plus-28 bindings of that
# language generated locally from node_modules (neither Maven Central nor the Go module proxy reachable here serves
# them; constructs and the jsii runtime do come from there). Called by scripts/java-binding.sh and go-binding.sh.
#
# Usage: scripts/pacmak-binding.sh java|go [--deps-only | --deps-into DIR]
# Prints, on the last line, the output folder of the language (see the callers). Cached under
# ~/.cache/cdk8s-ai-platform/<language>:
#   deps-<versions>/<language>   the dependency bindings (rebuilt only when cdk8s, cdk8s-plus-28 or jsii-pacmak change)
#   <assembly key>/<language>    the library's binding beside them
# --deps-only prints the dependency folder instead; --deps-into DIR copies it into DIR (package:java, package:go).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lang="$1"
shift
pacmak="$ROOT/node_modules/.bin/jsii-pacmak"
v() { node -p "require('$ROOT/node_modules/$1/package.json').version"; }
case "$lang" in
  java)
    CACHE="${AIP_JAVA_CACHE:-$HOME/.cache/cdk8s-ai-platform/java}"
    mkdir -p "$CACHE/m2"
    # Maven's local repository for these builds; javadoc jars are not needed to compile and run against the bindings
    pacmak_args=(--maven-local-repository "$CACHE/m2" --mvn-define=maven.javadoc.skip=true)
    keep=(-e '/m2/') ;;
  go)
    CACHE="${AIP_GO_CACHE:-$HOME/.cache/cdk8s-ai-platform/go}"
    # The generated Go code is compiled where it is used (the library's binding and the examples), not here.
    export JSII_BUILD_GO=0
    pacmak_args=()
    keep=() ;;
  *) echo "pacmak-binding: unknown language '$lang' (java or go)" >&2; exit 2 ;;
esac
mkdir -p "$CACHE"
deps="$CACHE/deps-cdk8s-$(v cdk8s)-plus-$(v cdk8s-plus-28)-pacmak-$(v jsii-pacmak)"

exec 9>"$CACHE/.lock"
flock 9

if [ ! -f "$deps/.done" ]; then
  echo "$lang-binding: generating the cdk8s and cdk8s-plus-28 $lang bindings from node_modules (once per version)" >&2
  rm -rf "$deps"
  nice -n 10 "$pacmak" "$ROOT/node_modules/cdk8s" "$ROOT/node_modules/cdk8s-plus-28" --targets "$lang" -o "$deps" "${pacmak_args[@]}" >&2
  touch "$deps/.done"
fi
case "${1:-}" in
  --deps-only)
    echo "$deps/$lang"
    exit 0 ;;
  --deps-into)
    # the dependency bindings beside the library's, where jsii-pacmak resolves them
    mkdir -p "$2"
    cp -r "$deps/$lang/." "$2/"
    echo "$2"
    exit 0 ;;
esac

pkg=$(bash "$ROOT/scripts/binding-package.sh" | tail -1)
key=$(basename "$pkg")
out="$CACHE/$key"
if [ ! -f "$out/.done" ]; then
  echo "$lang-binding: generating the library's $lang binding ($key)" >&2
  rm -rf "$out"
  mkdir -p "$out/$lang"
  # jsii-pacmak replaces dependencies found in the same output folder with their local copies
  if [ "$lang" = go ]; then
    for m in "$deps"/go/*/; do ln -s "${m%/}" "$out/go/$(basename "$m")"; done
  else
    cp -rl "$deps/java/." "$out/java/"
  fi
  nice -n 10 "$pacmak" "$pkg" --targets "$lang" -o "$out" "${pacmak_args[@]}" >&2
  touch "$out/.done"
  # keep the 3 newest library bindings and test runs
  { ls -1dt "$CACHE"/*/ | grep -v -e '/deps-' -e '/run/' "${keep[@]}" | tail -n +4 | xargs -r rm -rf; } || true
  { ls -1dt "$CACHE"/run/*/ 2>/dev/null | tail -n +4 | xargs -r rm -rf; } || true
fi
echo "$out/$lang"
