#!/usr/bin/env bash
# Builds the local Kubernetes control plane (etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler, kubectl) and kwok from the Go module proxy into a versioned cache directory.
# Idempotent: only missing binaries are built. Prints the bin directory on the last line.
set -euo pipefail
K8S_VERSION=${K8S_VERSION:-1.37.2}
ETCD_VERSION=${ETCD_VERSION:-3.6.16}
KWOK_VERSION=${KWOK_VERSION:-0.8.0}
CACHE=${HARBORMASTER_CACHE:-$HOME/.cache/harbormaster}
OUT="$CACHE/testbed/k8s-$K8S_VERSION-etcd-$ETCD_VERSION-kwok-$KWOK_VERSION/bin"
WORK="$CACHE/testbed/work"
mkdir -p "$OUT" "$WORK"
START=$SECONDS
log() { printf '[testbed build %s +%ss] %s\n' "$(date +%H:%M:%S)" "$((SECONDS - START))" "$*" >&2; }
command -v go >/dev/null || { echo "go is required to build the testbed (Go >= 1.26)" >&2; exit 1; }
# Kubernetes 1.37 and kwok 0.8 declare `go 1.26.0`; an older toolchain fails late with a confusing error.
GOV=$(go env GOVERSION | sed -E 's/^go([0-9]+)\.([0-9]+).*/\1 \2/')
read -r GOMAJ GOMIN <<<"$GOV"
if [ "${GOMAJ:-0}" -lt 1 ] || { [ "$GOMAJ" -eq 1 ] && [ "${GOMIN:-0}" -lt 26 ]; }; then
  echo "Go >= 1.26 is required to build the testbed (found $(go env GOVERSION))" >&2; exit 1
fi

missing() { for b in "$@"; do [ -x "$OUT/$b" ] || return 0; done; return 1; }

if missing kube-apiserver kube-controller-manager kube-scheduler kubectl; then
  log "building Kubernetes v$K8S_VERSION (kube-apiserver, kube-controller-manager, kube-scheduler, kubectl); cold build takes ~7 min on 2 cores"
  D="$WORK/k8sbin-$K8S_VERSION"; mkdir -p "$D"; cd "$D"
  [ -f go.mod ] || go mod init testbed.local/k8sbin >/dev/null 2>&1
  MOD=$(go mod download -json "k8s.io/kubernetes@v$K8S_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  for m in $(grep -E '^\s*k8s\.io/[a-z0-9-]+ v0\.0\.0\s*(//.*)?$' "$MOD" | awk '{print $1}' | sort -u); do
    go mod edit -replace="$m=$m@v0.${K8S_VERSION#1.}"
  done
  log "resolving modules"
  go get -tool "k8s.io/kubernetes/cmd/kube-apiserver@v$K8S_VERSION" \
    "k8s.io/kubernetes/cmd/kube-controller-manager@v$K8S_VERSION" \
    "k8s.io/kubernetes/cmd/kube-scheduler@v$K8S_VERSION" "k8s.io/kubernetes/cmd/kubectl@v$K8S_VERSION" 2>&1 | tail -3 >&2 || true
  LDF="-s -w"
  for kv in gitVersion=v$K8S_VERSION gitMajor=1 gitMinor=$(cut -d. -f2 <<<"$K8S_VERSION") gitTreeState=clean buildDate=2026-01-01T00:00:00Z; do
    LDF="$LDF -X k8s.io/component-base/version.$kv -X k8s.io/client-go/pkg/version.$kv"
  done
  for cmd in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
    [ -x "$OUT/$cmd" ] && continue
    log "go build $cmd"
    CGO_ENABLED=0 go build -trimpath -pgo=off -ldflags "$LDF" -o "$OUT/$cmd.tmp" "k8s.io/kubernetes/cmd/$cmd"
    mv "$OUT/$cmd.tmp" "$OUT/$cmd"
  done
fi

if missing etcd; then
  log "building etcd v$ETCD_VERSION"
  D="$WORK/etcdbin-$ETCD_VERSION"; mkdir -p "$D"; cd "$D"
  [ -f go.mod ] || go mod init testbed.local/etcdbin >/dev/null 2>&1
  go get -tool "go.etcd.io/etcd/server/v3@v$ETCD_VERSION" 2>&1 | tail -3 >&2 || true
  CGO_ENABLED=0 go build -trimpath -pgo=off -o "$OUT/etcd.tmp" go.etcd.io/etcd/server/v3
  mv "$OUT/etcd.tmp" "$OUT/etcd"
fi

if missing kwok; then
  log "building kwok v$KWOK_VERSION"
  T=$(mktemp -d); GOBIN="$T" CGO_ENABLED=0 go install -trimpath "sigs.k8s.io/kwok/cmd/kwok@v$KWOK_VERSION"
  mv "$T/kwok" "$OUT/kwok"; rmdir "$T"
fi

log "verifying versions"
# Each binary must run and report the version it was built for (a half-written or stale binary fails here).
expect_version() { # <want> <command...>
  local want=$1; shift
  local got; got=$("$@" 2>&1 | head -1) || true
  printf '  %-24s %s\n' "$(basename "$1")" "$got" >&2
  case "$got" in *"$want"*) ;; *) echo "unexpected version from $*: want $want" >&2; exit 1 ;; esac
}
expect_version "v$K8S_VERSION" "$OUT/kube-apiserver" --version
expect_version "v$K8S_VERSION" "$OUT/kube-controller-manager" --version
expect_version "v$K8S_VERSION" "$OUT/kube-scheduler" --version
expect_version "v$K8S_VERSION" "$OUT/kubectl" version --client
expect_version "$ETCD_VERSION" "$OUT/etcd" --version
expect_version "v$KWOK_VERSION" "$OUT/kwok" --version
log "done: $OUT"
echo "$OUT"
