#!/usr/bin/env bash
# Builds the native walker experiment (native/README.md) into native/build/Release/mlds_walk.node.
# Needs python3, make and a C compiler (node-gyp's requirements). Uses the node-gyp that ships
# inside npm, and the running Node's own headers when it has them (no download, works offline).
set -euo pipefail
cd "$(dirname "$0")"
gyp=$(command -v node-gyp || true)
if [ -z "$gyp" ]; then
  gyp="$(npm prefix -g)/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js"
  [ -f "$gyp" ] || { echo "node-gyp not found (it ships with npm; or: npm install -g node-gyp)" >&2; exit 1; }
  gyp="node $gyp"
fi
prefix=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")
nodedir=()
[ -f "$prefix/include/node/node_api.h" ] && nodedir=(--nodedir="$prefix")
$gyp rebuild --loglevel=warn "${nodedir[@]}" >/dev/null
echo "built $(pwd)/build/Release/mlds_walk.node"
