#!/usr/bin/env bash
# Builds the library's Java binding with jsii-pacmak, together with the cdk8s and cdk8s-plus-28 Java bindings
# generated locally from node_modules (the Maven repositories reachable here do not serve org.cdk8s:cdk8s 2.70.x nor
# cdk8s-plus-28; software.constructs:constructs and software.amazon.jsii:jsii-runtime come from Maven Central).
#
# Prints, on the last line, a Maven repository folder holding org.cdk8s:cdk8s, org.cdk8s:cdk8s-plus-28 and
# io.github.cdk8s-ai-platform:cdk8s-ai-platform. Cached under ~/.cache/cdk8s-ai-platform/java:
#   deps-<versions>/java   the dependency bindings (rebuilt only when cdk8s, cdk8s-plus-28 or jsii-pacmak change)
#   <assembly key>/java    the library's binding beside them
#   m2/                    Maven's local repository for these builds
# --deps-only prints the dependency repository instead; --deps-into DIR copies it into DIR (package:java).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${AIP_JAVA_CACHE:-$HOME/.cache/cdk8s-ai-platform/java}"
M2="$CACHE/m2"
mkdir -p "$CACHE" "$M2"
pacmak="$ROOT/node_modules/.bin/jsii-pacmak"
v() { node -p "require('$ROOT/node_modules/$1/package.json').version"; }
deps="$CACHE/deps-cdk8s-$(v cdk8s)-plus-$(v cdk8s-plus-28)-pacmak-$(v jsii-pacmak)"
# javadoc jars are not needed to compile and run against the bindings
mvn_args=(--maven-local-repository "$M2" --mvn-define=maven.javadoc.skip=true)

exec 9>"$CACHE/.lock"
flock 9

if [ ! -f "$deps/.done" ]; then
  echo "java-binding: generating the cdk8s and cdk8s-plus-28 Java bindings from node_modules (once per version)" >&2
  rm -rf "$deps"
  nice -n 10 "$pacmak" "$ROOT/node_modules/cdk8s" "$ROOT/node_modules/cdk8s-plus-28" --targets java -o "$deps" "${mvn_args[@]}" >&2
  touch "$deps/.done"
fi
if [ "${1:-}" = "--deps-only" ]; then
  echo "$deps/java"
  exit 0
fi
if [ "${1:-}" = "--deps-into" ]; then
  # package:java: the dependency bindings beside the library's, where jsii-pacmak resolves them
  mkdir -p "$2"
  cp -r "$deps/java/." "$2/"
  echo "$2"
  exit 0
fi

pkg=$(bash "$ROOT/scripts/binding-package.sh" | tail -1)
key=$(basename "$pkg")
out="$CACHE/$key"
if [ ! -f "$out/.done" ]; then
  echo "java-binding: generating the library's Java binding ($key)" >&2
  rm -rf "$out"
  mkdir -p "$out/java"
  # jsii-pacmak resolves dependencies built into the same output folder: put the dependency bindings there.
  cp -rl "$deps/java/." "$out/java/"
  nice -n 10 "$pacmak" "$pkg" --targets java -o "$out" "${mvn_args[@]}" >&2
  touch "$out/.done"
  ls -1dt "$CACHE"/*/ | grep -v -e '/deps-' -e '/m2/' -e '/run/' | tail -n +4 | xargs -r rm -rf
  ls -1dt "$CACHE"/run/*/ 2>/dev/null | tail -n +4 | xargs -r rm -rf
fi
echo "$out/java"
