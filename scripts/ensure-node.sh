#!/usr/bin/env bash
# Prints a directory to put first on PATH so that `node` is Node.js 24 LTS.
# When the system Node is older than the project needs (22.19), Node 24 comes
# from the npm registry's `node` package (it ships the binary), cached outside git.
set -euo pipefail
NODE_VERSION=${NODE_VERSION:-24.21.0}
cache=${ETCD_SNAPSHOT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/etcd-snapshot-operator}
prefix="$cache/node-$NODE_VERSION"

# The system Node is used only when it is already 24 or newer.
if [ -z "${FORCE_NODE_DOWNLOAD:-}" ] && command -v node >/dev/null 2>&1 \
  && [ "$(node -p 'process.versions.node.split(".")[0]')" -ge 24 ]; then
  echo ""; exit 0
fi
if [ ! -x "$prefix/node_modules/node/bin/node" ]; then
  command -v npm >/dev/null 2>&1 || { echo "npm is needed to fetch Node $NODE_VERSION (apt-get install npm)" >&2; exit 1; }
  echo "installing Node.js $NODE_VERSION from the npm registry into $prefix ..." >&2
  rm -rf "$prefix.tmp"; mkdir -p "$prefix.tmp"
  npm install --prefix "$prefix.tmp" --no-save --no-audit --no-fund --loglevel=error "node@$NODE_VERSION" >&2
  "$prefix.tmp/node_modules/node/bin/node" --version >/dev/null
  rm -rf "$prefix"; mv "$prefix.tmp" "$prefix"
fi
echo "$prefix/node_modules/node/bin"
