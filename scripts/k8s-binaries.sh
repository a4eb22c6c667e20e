#!/usr/bin/env bash
# Builds the Kubernetes control-plane binaries used by the integration tests from the Go module proxy:
#   kube-apiserver, kube-controller-manager, kubectl  (k8s.io/kubernetes@v$KUBERNETES_VERSION)
#   etcd                                              (go.etcd.io/etcd/server/v3@v$ETCD_VERSION)
#
# Versions are read from src/core/versions.ts (the single source of truth).
# Everything is written to a cache directory outside the repository:
#   ${AIP_K8S_CACHE:-$HOME/.cache/cdk8s-ai-platform/k8s}/v<kubernetes>/{src-k8s,src-etcd,bin}
# If all binaries already exist for the pinned versions, nothing is built.
#
# k8s.io/kubernetes cannot be consumed as a normal module: its go.mod requires every staging module
# (k8s.io/api, k8s.io/apiserver, ...) at v0.0.0 and maps them to ./staging with `replace`. A wrapper
# module therefore replaces each staging module with its published v0.<minor>.<patch> tag. The list
# is generated from the exact upstream go.mod, so it never drifts from the pinned release.
# etcd is built in a separate wrapper module so that its dependency versions cannot influence the
# Kubernetes build (and vice versa).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERSIONS_FILE="$ROOT/src/core/versions.ts"

die() {
  echo "k8s-binaries: ERROR: $*" >&2
  exit 1
}
log() {
  echo "k8s-binaries: $*"
}

read_version() {
  local name="$1" value
  [ -f "$VERSIONS_FILE" ] || die "version file not found: $VERSIONS_FILE"
  value="$(sed -n "s/^export const $name = '\([0-9][0-9.]*\)';[[:space:]]*\$/\1/p" "$VERSIONS_FILE" | head -n1)"
  [ -n "$value" ] || die "cannot read \"export const $name = '<x.y.z>';\" from $VERSIONS_FILE"
  echo "$value"
}

K8S_VERSION="$(read_version KUBERNETES_VERSION)"
ETCD_VERSION="$(read_version ETCD_VERSION)"
[[ "$K8S_VERSION" =~ ^1\.([0-9]+)\.([0-9]+)$ ]] || die "unexpected KUBERNETES_VERSION '$K8S_VERSION' (want 1.<minor>.<patch>)"
K8S_MINOR="${BASH_REMATCH[1]}"
STAGING_VERSION="v0.${K8S_VERSION#1.}" # 1.34.4 -> v0.34.4

CACHE_ROOT="${AIP_K8S_CACHE:-$HOME/.cache/cdk8s-ai-platform/k8s}"
CACHE="$CACHE_ROOT/v$K8S_VERSION"
BIN="$CACHE/bin"
SRC_K8S="$CACHE/src-k8s"
SRC_ETCD="$CACHE/src-etcd"
LOG="$CACHE/build.log"
STAMP="$BIN/.versions"
WANT_STAMP="kubernetes=$K8S_VERSION etcd=$ETCD_VERSION"
BINARIES=(kube-apiserver kube-controller-manager kubectl etcd)

all_present() {
  local b
  for b in "${BINARIES[@]}"; do
    [ -x "$BIN/$b" ] || return 1
  done
  [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$WANT_STAMP" ]
}

if all_present; then
  log "reusing Kubernetes v$K8S_VERSION / etcd v$ETCD_VERSION binaries in $BIN"
  exit 0
fi

mkdir -p "$BIN" "$SRC_K8S" "$SRC_ETCD"

# Only one build at a time (e.g. a test run and a manual `cluster build`).
exec 9>"$CACHE/.build.lock"
if ! flock -n 9; then
  log "another build is running in $CACHE; waiting for it"
  flock 9
  if all_present; then
    log "reusing Kubernetes v$K8S_VERSION / etcd v$ETCD_VERSION binaries in $BIN"
    exit 0
  fi
fi

command -v go >/dev/null 2>&1 || die "Go is not installed or not on PATH. Install Go >= 1.24 (https://go.dev/dl/) to build the test binaries."
GO_VERSION="$(go env GOVERSION)"
[[ "$GO_VERSION" =~ ^go1\.([0-9]+) ]] || die "cannot parse Go version '$GO_VERSION'"
[ "${BASH_REMATCH[1]}" -ge 24 ] || die "Go >= 1.24 is required (found $GO_VERSION)"

: >"$LOG"
log "building Kubernetes v$K8S_VERSION and etcd v$ETCD_VERSION with $GO_VERSION into $BIN (log: $LOG)"

# Runs a command with its output appended to the build log; on failure shows the last lines.
run() {
  local what="$1"
  shift
  echo "+ $*" >>"$LOG"
  if ! "$@" >>"$LOG" 2>&1; then
    echo "k8s-binaries: ERROR: $what failed. Last lines of $LOG:" >&2
    tail -n 40 "$LOG" >&2
    exit 1
  fi
}

# Downloads a module through the proxy; a failure here means the proxy is unreachable or does not serve it.
download_mod() {
  local mod="$1" out
  if ! out="$(cd "$2" && go mod download -json "$mod" 2>&1)"; then
    echo "$out" >>"$LOG"
    die "cannot download $mod from the Go module proxy (GOPROXY=$(go env GOPROXY)). Is the proxy reachable?
$(echo "$out" | tail -n 10)"
  fi
  echo "$out" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p'
}

START_ALL=$SECONDS

# --- Kubernetes wrapper module ---------------------------------------------------------------
cd "$SRC_K8S"
[ -f go.mod ] || run "go mod init (kubernetes wrapper)" go mod init example.com/cdk8s-ai-platform/k8s-test-binaries
UPSTREAM_GOMOD="$(download_mod "k8s.io/kubernetes@v$K8S_VERSION" "$SRC_K8S")"
[ -f "$UPSTREAM_GOMOD" ] || die "go mod download did not report a go.mod for k8s.io/kubernetes@v$K8S_VERSION"

# Keep the wrapper's go/godebug lines equal to upstream so GODEBUG defaults match upstream binaries.
UP_GO="$(sed -n 's/^go \([0-9.]*\)$/\1/p' "$UPSTREAM_GOMOD")"
UP_GODEBUG="$(sed -n 's/^godebug \(.*\)$/\1/p' "$UPSTREAM_GOMOD")"
[ -n "$UP_GO" ] && run "go mod edit -go" go mod edit -go="$UP_GO"
if [ -n "$UP_GODEBUG" ]; then
  run "go mod edit -godebug" go mod edit -godebug="$UP_GODEBUG"
fi

# Every `k8s.io/<m> => ./staging/src/k8s.io/<m>` replace upstream becomes `k8s.io/<m> => k8s.io/<m> v0.<minor>.<patch>`.
STAGING_MODULES="$(sed -n 's#^[[:space:]]*\(k8s\.io/[a-z0-9-]*\) => \./staging/src/.*$#\1#p' "$UPSTREAM_GOMOD")"
[ -n "$STAGING_MODULES" ] || die "no staging replace directives found in $UPSTREAM_GOMOD"
REPLACE_ARGS=()
for m in $STAGING_MODULES; do
  REPLACE_ARGS+=("-replace=$m=$m@$STAGING_VERSION")
done
run "go mod edit -replace" go mod edit "${REPLACE_ARGS[@]}"
log "wrapper module: go $UP_GO, $(echo "$STAGING_MODULES" | wc -l) staging modules replaced with $STAGING_VERSION"

K8S_CMDS=(kube-apiserver kube-controller-manager kubectl)
GET_ARGS=()
for c in "${K8S_CMDS[@]}"; do
  GET_ARGS+=("k8s.io/kubernetes/cmd/$c@v$K8S_VERSION")
done
log "resolving dependencies (go get -tool)"
run "go get (kubernetes wrapper)" go get -tool "${GET_ARGS[@]}"

# Version stamping as in kubernetes/hack/lib/version.sh, so /version reports the real release.
BUILD_DATE="$(sed -n 's/.*"Time":"\([^"]*\)".*/\1/p' "${UPSTREAM_GOMOD%.mod}.info" 2>/dev/null || true)"
LDFLAGS="-s -w"
for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  LDFLAGS="$LDFLAGS -X $p.gitVersion=v$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$K8S_MINOR -X $p.gitTreeState=clean"
  [ -n "$BUILD_DATE" ] && LDFLAGS="$LDFLAGS -X $p.buildDate=$BUILD_DATE"
done

# Sequential builds: the machine has few cores and linking kube-apiserver is memory-hungry.
for c in "${K8S_CMDS[@]}"; do
  t=$SECONDS
  log "building $c ..."
  run "go build $c" env CGO_ENABLED=0 go build -trimpath -tags=selinux,notest -ldflags "$LDFLAGS" \
    -o "$BIN/.$c.tmp" "k8s.io/kubernetes/cmd/$c"
  mv -f "$BIN/.$c.tmp" "$BIN/$c"
  log "built $c in $((SECONDS - t))s"
done

# --- etcd wrapper module -----------------------------------------------------------------------
# go.etcd.io/etcd/server/v3 has replace directives in its own go.mod, so `go install` refuses it;
# as a dependency of another module those replaces are ignored and it builds normally.
cd "$SRC_ETCD"
[ -f go.mod ] || run "go mod init (etcd wrapper)" go mod init example.com/cdk8s-ai-platform/etcd-test-binary
download_mod "go.etcd.io/etcd/server/v3@v$ETCD_VERSION" "$SRC_ETCD" >/dev/null
log "resolving dependencies for etcd v$ETCD_VERSION (go get -tool)"
run "go get (etcd wrapper)" go get -tool "go.etcd.io/etcd/server/v3@v$ETCD_VERSION"
t=$SECONDS
log "building etcd ..."
run "go build etcd" env CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$BIN/.etcd.tmp" go.etcd.io/etcd/server/v3
mv -f "$BIN/.etcd.tmp" "$BIN/etcd"
log "built etcd in $((SECONDS - t))s"

echo "$WANT_STAMP" >"$STAMP"
log "done in $((SECONDS - START_ALL))s: $(cd "$BIN" && echo "${BINARIES[*]}")"
"$BIN/kube-apiserver" --version 2>/dev/null | sed 's/^/k8s-binaries:   /' || true
"$BIN/etcd" --version 2>/dev/null | head -n1 | sed 's/^/k8s-binaries:   /' || true
