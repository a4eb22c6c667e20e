#!/usr/bin/env bash
# The package's prepack step (and, for installs from git, its prepare step): every tarball, however it is made,
# carries the compiled library and the pinned upstream schemas and operator installs.
#
#   prepack: `npm pack`, `npm publish`, jsii-pacmak (it packs the module for every language binding)
#   prepare: an install from git (`npm install github:...`): npm clones the repository, installs its dev
#            dependencies and runs `prepare` there, then packs it. A plain `npm install`/`npm ci` in a checkout also
#            runs `prepare`: there this step does nothing (the test and build tasks make what they need).
#
# lib/ is compiled (scripts/jsii-assembly.sh, cached by a hash of the sources) when it is missing or older than
# src/; the data files are copied by scripts/package-assets.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

if [ "${1:-}" = "--prepare" ] && [ -z "${_PACOTE_NO_PREPARE_:-}" ]; then
  exit 0  # a local install in a checkout, not an install from git
fi

if [ ! -f .jsii ] || [ ! -f lib/index.js ] || [ -n "$(find src -type f -newer .jsii | head -1)" ]; then
  echo "prepack: compiling lib/" >&2
  dir=$(bash scripts/jsii-assembly.sh --dir | tail -1)
  rm -rf lib.prepack && cp -r "$dir/lib" lib.prepack
  rm -rf lib && mv lib.prepack lib
  cp "$dir/.jsii" .jsii
fi
bash scripts/package-assets.sh "$ROOT"
