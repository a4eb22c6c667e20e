#!/usr/bin/env bash
# Builds the pinned operators' controllers (and their webhooks) from their Go modules, for the operator
# end-to-end tests (test/operators-e2e): the controllers run as local processes against the test kube-apiserver.
#
#   scripts/operator-binaries.sh [name ...]       build the named operators (default: the tested ones, see TESTED)
#   scripts/operator-binaries.sh all              build every operator below
#   scripts/operator-binaries.sh --list           print "<name> <module>@<version>" for every operator
#
# Versions are read from src/core/versions.ts (the single source of truth, shared with `npm run upstream`).
# Each operator is built into
#   ${AIP_OPERATORS_CACHE:-$HOME/.cache/cdk8s-ai-platform/operators}/<name>-<version>/bin/
# and skipped when its binaries are already there (a warm run is a no-op). The Go module and build caches live under
# the same directory (gomod/, gocache/) so a machine's second run reuses them.
#
# Each module is built as the *main* module (`cd <module dir> && go build ./cmd/...`), so upstream's own go.mod,
# go.sum and replace directives (KServe and the Spark operator pin k8s.io/* with `replace`) apply exactly as in
# upstream's Dockerfiles. Modules are fetched one version at a time with `go mod download -json MOD@VER`; the proxy's
# version list and @latest are not used (they are unreliable on filtered mirrors).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERSIONS_FILE="$ROOT/src/core/versions.ts"
CACHE="${AIP_OPERATORS_CACHE:-$HOME/.cache/cdk8s-ai-platform/operators}"
export GOMODCACHE="${AIP_OPERATORS_GOMODCACHE:-$CACHE/gomod}"
export GOCACHE="${AIP_OPERATORS_GOCACHE:-$CACHE/gocache}"
export GOFLAGS="-mod=readonly -buildvcs=false"
export GOTOOLCHAIN=local
export CGO_ENABLED=0

die() {
  echo "operator-binaries: ERROR: $*" >&2
  exit 1
}
log() {
  echo "operator-binaries: $*"
}

# Reads goModule/goModuleVersion of the pin with the given id from versions.ts.
pin() {
  local id="$1" field="$2"
  awk -v id="$id" -v field="$field" '
    $0 ~ "id: '\''" id "'\''" { found = 1 }
    found && $0 ~ "^ *" field ": " { sub("^ *" field ": '\''", ""); sub("'\'',? *$", ""); print; exit }
  ' "$VERSIONS_FILE"
}

# name | versions.ts id | binaries as "<binary>=<package>" (space-separated). Priority order.
OPERATORS=(
  "training-operator|training-operator|training-operator=./cmd/training-operator.v1"
  "kueue|kueue|kueue=./cmd/kueue"
  "kserve|kserve|kserve-manager=./cmd/manager"
  "jobset|jobset|jobset=."
  "trainer|trainer|trainer-controller-manager=./cmd/trainer-controller-manager"
  "katib|katib|katib-controller=./cmd/katib-controller/v1beta1"
  "argo-workflows|argo-workflows|workflow-controller=./cmd/workflow-controller"
  "spark-operator|spark-operator|spark-operator=./cmd/operator"
)

# The operators test/operators-e2e runs (what `npm test` builds; today every operator above). An operator without a
# test belongs in OPERATORS only, so `npm test` does not pay its cold build; `all` builds every one.
TESTED=(training-operator kueue kserve jobset trainer katib argo-workflows spark-operator)

find_op() {
  local want="$1" o
  for o in "${OPERATORS[@]}"; do
    if [ "${o%%|*}" = "$want" ]; then
      echo "$o"
      return 0
    fi
  done
  return 1
}

[ -f "$VERSIONS_FILE" ] || die "version file not found: $VERSIONS_FILE"

if [ "${1:-}" = "--list" ]; then
  for o in "${OPERATORS[@]}"; do
    IFS='|' read -r name id _ <<<"$o"
    echo "$name $(pin "$id" goModule)@$(pin "$id" goModuleVersion)"
  done
  exit 0
fi

SELECTED=()
if [ "${1:-}" = "all" ]; then
  for o in "${OPERATORS[@]}"; do SELECTED+=("${o%%|*}"); done
elif [ $# -gt 0 ]; then
  for n in "$@"; do
    find_op "$n" >/dev/null || die "unknown operator '$n' (known: $(for o in "${OPERATORS[@]}"; do printf '%s ' "${o%%|*}"; done))"
    SELECTED+=("$n")
  done
else
  SELECTED=("${TESTED[@]}")
fi

command -v go >/dev/null 2>&1 || die "Go is not installed or not on PATH (Go >= 1.26 is needed to build the operators)."
mkdir -p "$CACHE" "$GOMODCACHE" "$GOCACHE"

# One build at a time per cache (a test run and a manual run may race).
exec 9>"$CACHE/.build.lock"
if ! flock -n 9; then
  log "another build is running in $CACHE; waiting for it"
  flock 9
fi

START_ALL=$SECONDS
for name in "${SELECTED[@]}"; do
  IFS='|' read -r _ id bins <<<"$(find_op "$name")"
  mod="$(pin "$id" goModule)"
  ver="$(pin "$id" goModuleVersion)"
  [ -n "$mod" ] && [ -n "$ver" ] || die "cannot read the pin '$id' from $VERSIONS_FILE"
  out="$CACHE/$name-${ver#v}"
  bin="$out/bin"
  stamp="$bin/.module"
  want="$mod@$ver"
  missing=0
  for b in $bins; do
    [ -x "$bin/${b%%=*}" ] || missing=1
  done
  if [ "$missing" = 0 ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    log "reusing $name ($want) in $bin"
    continue
  fi
  mkdir -p "$bin"
  logf="$out/build.log"
  : >"$logf"
  t=$SECONDS
  log "downloading $want"
  if ! dl="$(cd "$CACHE" && GOFLAGS= go mod download -json "$want" 2>>"$logf")"; then
    tail -n 20 "$logf" >&2
    die "cannot download $want from the Go module proxy ($(go env GOPROXY))"
  fi
  dir="$(echo "$dl" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
  [ -d "$dir" ] || die "go mod download did not report a directory for $want: $dl"
  for b in $bins; do
    bname="${b%%=*}"
    pkg="${b#*=}"
    tb=$SECONDS
    log "building $name: $bname ($pkg) ..."
    echo "+ (cd $dir && go build -trimpath -ldflags '-s -w' -o $bin/.$bname.tmp $pkg)" >>"$logf"
    if ! (cd "$dir" && nice -n 10 go build -trimpath -ldflags "-s -w" -o "$bin/.$bname.tmp" "$pkg") >>"$logf" 2>&1; then
      echo "operator-binaries: ERROR: building $bname of $want failed. Last lines of $logf:" >&2
      tail -n 40 "$logf" >&2
      exit 1
    fi
    mv -f "$bin/.$bname.tmp" "$bin/$bname"
    log "built $bname in $((SECONDS - tb))s"
  done
  echo "$want" >"$stamp"
  log "$name done in $((SECONDS - t))s"
done
log "all requested operators ready in $((SECONDS - START_ALL))s"
