#!/usr/bin/env bash
# Compiles the library's current sources with jsii in a private copy of the package (the working tree's lib/ and
# .jsii are left alone), cached under ~/.cache/cdk8s-ai-platform/jsii/<key>, where the key is a hash of every file
# under src/, package.json, tsconfig.json, README.md (jsii embeds it) and the jsii version.
#
# The cached directory is a package directory: package.json (without lifecycle scripts), .npmignore, README.md,
# LICENSE, lib/ and .jsii. Language bindings are generated from it (scripts/*-binding.sh), and the CRD generation
# reads its .jsii.
#
# Usage: scripts/jsii-assembly.sh            prints the path of the .jsii on the last line
#        scripts/jsii-assembly.sh --dir      prints the package directory on the last line
# Env:   AIP_JSII_CACHE overrides the cache folder.
# A warm run (same sources) does nothing but hash. Concurrent runs for the same key wait for each other.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
CACHE="${AIP_JSII_CACHE:-$HOME/.cache/cdk8s-ai-platform/jsii}"
mode="${1:-}"

jsii_version=$(node -p "require('jsii/package.json').version")
key=$( {
  echo "jsii $jsii_version"
  find src -type f | LC_ALL=C sort | xargs sha256sum
  sha256sum package.json tsconfig.json README.md LICENSE
} | sha256sum | cut -c1-16)
dir="$CACHE/$key"

print() {
  if [ "$mode" = "--dir" ]; then echo "$dir"; else echo "$dir/.jsii"; fi
}

if [ -f "$dir/.done" ]; then
  print
  exit 0
fi

mkdir -p "$CACHE"
exec 9>"$CACHE/$key.lock"
flock 9
if [ ! -f "$dir/.done" ]; then
  echo "jsii-assembly: compiling the sources ($key)" >&2
  tmp=$(mktemp -d "$CACHE/.build-$key-XXXXXX")
  cp -r src tsconfig.json README.md LICENSE .npmignore "$tmp/"
  # Lifecycle scripts are dropped: this copy is packed by jsii-pacmak (npm pack), and its assets are added by the
  # binding scripts, not by the project's prepack step (which needs the whole repository).
  node -e '
    const fs = require("fs");
    const pkg = JSON.parse(fs.readFileSync("package.json", "utf-8"));
    delete pkg.scripts;
    fs.writeFileSync(process.argv[1], JSON.stringify(pkg, null, 2) + "\n");
  ' "$tmp/package.json"
  ln -s "$ROOT/node_modules" "$tmp/node_modules"
  if ! (cd "$tmp" && nice -n 10 "$ROOT/node_modules/.bin/jsii" --silence-warnings=reserved-word >&2); then
    echo "jsii-assembly: jsii failed on the current sources" >&2
    rm -rf "$tmp"
    exit 1
  fi
  rm -rf "$dir"
  mv "$tmp" "$dir"
  touch "$dir/.done"
  # Keep the cache small: the 5 newest assemblies.
  ls -1dt "$CACHE"/*/ 2>/dev/null | tail -n +6 | while read -r old; do
    old="${old%/}"
    [ "$old" != "$dir" ] && rm -rf "$old" "$old.lock"
  done
fi
print
