#!/usr/bin/env bash
# Builds the library's Python binding with jsii-pacmak and installs it, with the cdk8s, cdk8s-plus-28 and constructs
# bindings from PyPI, into a virtualenv cached under ~/.cache/cdk8s-ai-platform/python/<key of the assembly>
# (scripts/binding-package.sh).
# Prints the virtualenv's python interpreter on the last line. A warm run (same assembly) does nothing.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
CACHE="${AIP_PYTHON_CACHE:-$HOME/.cache/cdk8s-ai-platform/python}"

# The package directory of the current sources (jsii assembly + data files), shared with the other bindings.
pkg=$(bash scripts/binding-package.sh | tail -1)
hash=$(basename "$pkg")
venv="$CACHE/$hash"
if [ ! -x "$venv/bin/python" ] || [ ! -f "$venv/.installed" ]; then
  rm -rf "$venv" "$CACHE/dist-$hash"
  mkdir -p "$CACHE"
  echo "python-binding: generating the Python package" >&2
  nice -n 10 "$ROOT/node_modules/.bin/jsii-pacmak" "$pkg" --targets python -o "$CACHE/dist-$hash" >&2
  python3 -m venv "$venv"
  cdk8s_version=$(node -p "require('cdk8s/package.json').version")
  plus_version=$(node -p "require('cdk8s-plus-28/package.json').version")
  constructs_version=$(node -p "require('constructs/package.json').version")
  echo "python-binding: installing cdk8s $cdk8s_version, cdk8s-plus-28 $plus_version, constructs $constructs_version" >&2
  "$venv/bin/pip" install -q --disable-pip-version-check "cdk8s==$cdk8s_version" "cdk8s-plus-28==$plus_version" "constructs==$constructs_version" >&2
  "$venv/bin/pip" install -q --disable-pip-version-check --no-deps "$CACHE/dist-$hash"/python/*.whl >&2
  touch "$venv/.installed"
  # Keep the 3 newest virtualenvs and their wheels.
  ls -1dt "$CACHE"/*/ | grep -v '/dist-' | tail -n +4 | while read -r old; do rm -rf "${old%/}" "$CACHE/dist-$(basename "$old")"; done
fi
echo "$venv/bin/python"
