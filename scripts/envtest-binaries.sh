#!/usr/bin/env bash
# Makes a real kube-apiserver and etcd available for kapi's integration tests and `./kapi demo`,
# and prints the directory holding them as its last line.
#
# Order: already cached -> official envtest release download (where the internet is reachable)
#        -> built here from Go modules (tools/kube-apiserver, tools/etcd).
#
# Environment:
#   KAPI_ENVTEST_BIN        cache directory (default ~/.cache/kapi/envtest/<k8s-version>)
#   KAPI_ENVTEST_DOWNLOAD   "0" skips the download attempt (default: try, 5 s connect timeout)
#   GOTOOLCHAIN             forced to "local": a build must fail fast, never fetch a toolchain
set -euo pipefail

K8S_VERSION=1.36.3
ETCD_VERSION=3.6.16
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${KAPI_ENVTEST_BIN:-${HOME}/.cache/kapi/envtest/${K8S_VERSION}}
START=$(date +%s)

say() { echo "envtest-binaries: $*" >&2; }
elapsed() { echo "$(( $(date +%s) - START ))s"; }

cached() {
  [ -x "$BIN/kube-apiserver" ] && [ -x "$BIN/etcd" ] &&
    "$BIN/kube-apiserver" --version 2>/dev/null | grep -q "v${K8S_VERSION}" &&
    "$BIN/etcd" --version >/dev/null 2>&1
}

download() {
  [ "${KAPI_ENVTEST_DOWNLOAD:-1}" != "0" ] || return 1
  command -v curl >/dev/null || return 1
  local url="https://github.com/kubernetes-sigs/controller-tools/releases/download/envtest-v${K8S_VERSION}/envtest-v${K8S_VERSION}-linux-amd64.tar.gz"
  local tmp; tmp=$(mktemp -d)
  say "trying the official envtest release (v${K8S_VERSION})"
  if curl -fsSL --connect-timeout 5 --max-time 300 -o "$tmp/envtest.tgz" "$url" 2>/dev/null &&
     tar -xzf "$tmp/envtest.tgz" -C "$tmp"; then
    local dir; dir=$(dirname "$(find "$tmp" -name kube-apiserver -type f | head -n1)")
    if [ -x "$dir/kube-apiserver" ] && [ -x "$dir/etcd" ]; then
      cp "$dir/kube-apiserver" "$dir/etcd" "$BIN/"
      [ -x "$dir/kubectl" ] && cp "$dir/kubectl" "$BIN/"
      rm -rf "$tmp"; return 0
    fi
  fi
  rm -rf "$tmp"
  say "no release download here; building from Go modules instead"
  return 1
}

build() {
  command -v go >/dev/null || { say "Go is not installed: cannot build kube-apiserver"; return 1; }
  export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod
  local minor=${K8S_VERSION#1.}; minor=${minor%%.*}
  local ld="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld="$ld -X $pkg.gitVersion=v${K8S_VERSION} -X $pkg.gitMajor=1 -X $pkg.gitMinor=${minor}"
  done
  ld="$ld -X k8s.io/component-base/version.gitTreeState=clean -X k8s.io/component-base/version.buildDate=1970-01-01T00:00:00Z"
  say "building kube-apiserver v${K8S_VERSION} from k8s.io/kubernetes (first time: 10-20 min on 2 cores)"
  local t0; t0=$(date +%s)
  (cd "$ROOT/tools/kube-apiserver" &&
    go build -trimpath -tags=selinux,notest,grpcnotrace -ldflags="$ld" -o "$BIN/kube-apiserver.tmp" k8s.io/kubernetes/cmd/kube-apiserver)
  mv "$BIN/kube-apiserver.tmp" "$BIN/kube-apiserver"
  say "kube-apiserver built in $(( $(date +%s) - t0 ))s ($(du -h "$BIN/kube-apiserver" | cut -f1))"
  t0=$(date +%s)
  say "building etcd v${ETCD_VERSION} from go.etcd.io/etcd/server/v3"
  (cd "$ROOT/tools/etcd" &&
    go build -trimpath -ldflags="-s -w" -o "$BIN/etcd.tmp" go.etcd.io/etcd/server/v3)
  mv "$BIN/etcd.tmp" "$BIN/etcd"
  say "etcd built in $(( $(date +%s) - t0 ))s ($(du -h "$BIN/etcd" | cut -f1))"
}

mkdir -p "$BIN"
if cached; then
  say "cached in $BIN ($(elapsed))"
elif download && cached; then
  say "downloaded into $BIN ($(elapsed))"
elif build && cached; then
  say "built into $BIN ($(elapsed))"
else
  say "FAILED to provide kube-apiserver v${K8S_VERSION} and etcd in $BIN ($(elapsed))"
  exit 1
fi
echo "$BIN"
