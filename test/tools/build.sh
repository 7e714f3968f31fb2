#!/usr/bin/env bash
# Builds a test-bed component from its pinned wrapper module and prints the
# directory holding its binaries. Binaries are cached outside git under
#   $ETCD_SNAPSHOT_CACHE/bin/<component>-<version>-<pin hash>/
# and rebuilt only when the pins (go.mod/go.sum) change.
#   build.sh <component>      component: kube | etcd-3.6 | etcd-3.5 | versitygw | age | helm | argo-lua
#   build.sh all
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${ETCD_SNAPSHOT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/etcd-snapshot-operator}

# <binary name>=<main package> for each component.
targets() {
  case "$1" in
    kube) echo "kube-apiserver=k8s.io/kubernetes/cmd/kube-apiserver kube-controller-manager=k8s.io/kubernetes/cmd/kube-controller-manager kubectl=k8s.io/kubernetes/cmd/kubectl" ;;
    etcd-3.6|etcd-3.5) echo "etcd=go.etcd.io/etcd/server/v3 etcdutl=go.etcd.io/etcd/etcdutl/v3 etcdctl=go.etcd.io/etcd/etcdctl/v3" ;;
    versitygw) echo "versitygw=github.com/versity/versitygw/cmd/versitygw" ;;
    age) echo "age=filippo.io/age/cmd/age age-keygen=filippo.io/age/cmd/age-keygen" ;;
    helm) echo "helm=helm.sh/helm/v4/cmd/helm" ;;
    # Our own main package (main.go here) around the Lua interpreter Argo CD embeds.
    argo-lua) echo "argo-lua=etcd-snapshot-operator/test/tools/argo-lua" ;;
    *) echo "unknown component '$1' (kube, etcd-3.6, etcd-3.5, versitygw, age, helm, argo-lua)" >&2; return 2 ;;
  esac
}

ldflags() {
  local component=$1 version=$2
  if [ "$component" = kube ]; then
    local minor=${version#v1.}; minor=${minor%%.*}
    local p=k8s.io/component-base/version
    echo "-s -w -X $p.gitVersion=$version -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean -X $p.buildDate=1970-01-01T00:00:00Z"
  elif [ "$component" = helm ]; then
    # As helm's own Makefile does, so `helm version` reports the pinned release.
    echo "-s -w -X helm.sh/helm/v4/internal/version.version=$version -X helm.sh/helm/v4/internal/version.gitTreeState=clean"
  else
    echo "-s -w"
  fi
}

build_one() {
  local component=$1 src="$here/$1"
  local version; version=$(cat "$src/VERSION")
  # The pins, and the wrapper's own Go source where it has one (argo-lua).
  local pin; pin=$(cat "$src/go.mod" "$src/go.sum" $(find "$src" -maxdepth 1 -name '*.go' | sort) | sha256sum | cut -c1-12)
  local out="$cache/bin/$component-$version-$pin"
  if [ -f "$out/.complete" ]; then echo "$out"; return 0; fi
  mkdir -p "$cache/bin"
  exec 9>"$cache/bin/.$component.lock"
  flock 9
  if [ -f "$out/.complete" ]; then echo "$out"; return 0; fi
  local tmp="$out.tmp.$$"; rm -rf "$tmp"; mkdir -p "$tmp"
  local start=$SECONDS spec
  echo "building $component $version from pinned Go modules (first time only; kube takes ~10 min on 2 cores)..." >&2
  for spec in $(targets "$component"); do
    echo "  go build ${spec#*=}" >&2
    (cd "$src" && go build -trimpath -ldflags "$(ldflags "$component" "$version")" -o "$tmp/${spec%%=*}" "${spec#*=}")
  done
  touch "$tmp/.complete"
  rm -rf "$out"; mv "$tmp" "$out"
  echo "built $component $version in $((SECONDS - start)) s -> $out" >&2
  echo "$out"
}

if [ "${1:-}" = all ]; then
  for c in kube etcd-3.6 etcd-3.5 versitygw age helm argo-lua; do build_one "$c" >/dev/null; done
else
  targets "${1:?usage: build.sh <component>|all}" >/dev/null
  build_one "$1"
fi
