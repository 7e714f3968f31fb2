#!/usr/bin/env bash
# Regenerates go.mod/go.sum of a one-module wrapper (etcd-3.x, versitygw):
#   update-simple.sh <dir> <version> <module>=<main package>...
# The wrapper only records pinned `tool` dependencies; build.sh builds them.
set -euo pipefail
dir=${1:?dir}; version=${2:?version}; shift 2
cd "$(dirname "$0")/$dir"
rm -f go.mod go.sum
go mod init "etcd-snapshot-operator/test/tools/$dir" >/dev/null 2>&1
go mod edit -go=1.26.0
for spec in "$@"; do
  mod=${spec%%=*}; pkg=${spec#*=}
  go get "${mod}@${version}"
  go get -tool "${pkg}@${version}"
done
go mod tidy
echo "$version" > VERSION
echo "$dir wrapper now at $version"
