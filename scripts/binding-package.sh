#!/usr/bin/env bash
# The package directory every language binding is generated from: the jsii assembly of the current sources
# (scripts/jsii-assembly.sh, cached by a hash of src/) with the package's data files (the pinned schemas and the
# rendered operator installs, scripts/package-assets.sh), so that jsii-pacmak embeds the same tarball that
# `npm pack` makes. Prints the directory on the last line; a warm run does nothing.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir=$(bash "$ROOT/scripts/jsii-assembly.sh" --dir | tail -1)
if [ ! -f "$dir/.assets" ]; then
  exec 9>"$dir.assets.lock"
  flock 9
  if [ ! -f "$dir/.assets" ]; then
    bash "$ROOT/scripts/package-assets.sh" "$dir"
    touch "$dir/.assets"
  fi
fi
echo "$dir"
