#!/usr/bin/env bash
# Installs the real VS Code test host used by the integration and UI suites:
# code-server 4.100.3 (VS Code 1.100.3, runs on Node 20) from the npm registry, Debian's
# chromium and the native build dependencies. Idempotent; the code-server build is cached
# outside the clone (SP_TEST_HOST_DIR, default ~/.cache/security-posture) so later runs on
# the same machine reuse it. Nothing is downloaded from outside the npm registry and Debian.
# Why not @vscode/test-electron: it downloads VS Code from Microsoft's update service,
# which CI machines here cannot reach (see test/electron/runTest.ts for machines that can).
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
VSCODE_VERSION=1.100.3
HOST_ROOT="${SP_TEST_HOST_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/security-posture}"
HOST_DIR="$HOST_ROOT/code-server-$CODE_SERVER_VERSION"
BIN="$HOST_DIR/node_modules/.bin/code-server"
# An explicit config keeps `code-server --version` from writing ~/.config/code-server/config.yaml.
version_of() { "$BIN" --config "$HOST_ROOT/version-check.yaml" --version 2>/dev/null; }
# node-gyp needs a compiler, make and python; openssl makes the emulator's test certificates.
DEBIAN_PACKAGES=(
  build-essential python3 pkg-config
  libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev
  ripgrep chromium fonts-dejavu-core openssl ca-certificates
)

log() { printf '[test-host] %s\n' "$*"; }

if ! command -v dpkg-query >/dev/null; then
  echo "[test-host] not a Debian-like system: install ${DEBIAN_PACKAGES[*]} (or equivalents) yourself" >&2
else
  missing=()
  for p in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = "0" ]; then
      log "installing Debian packages: ${missing[*]}"
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq
      apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
      echo "[test-host] missing Debian packages: ${missing[*]}" >&2
      echo "Run: sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
      exit 1
    fi
  fi
fi

mkdir -p "$HOST_ROOT"
printf 'auth: none\n' > "$HOST_ROOT/version-check.yaml"
marker="$HOST_DIR/.complete"
if [ -f "$marker" ] && version_of | grep -q "with Code $VSCODE_VERSION"; then
  log "code-server $CODE_SERVER_VERSION already installed in $HOST_DIR"
  exit 0
fi

node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" != "20" ]; then
  log "warning: code-server $CODE_SERVER_VERSION is built for Node 20, this is Node $(node -v)"
fi

# Native modules compile against the local Node headers when they are installed (Debian and
# NodeSource packages ship them); otherwise node-gyp would fetch them from nodejs.org.
node_prefix="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
if [ -f "$node_prefix/include/node/node.h" ]; then
  export npm_config_nodedir="$node_prefix"
fi
export npm_config_yes=true npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

exec 9>"$HOST_ROOT/.install.lock"
if command -v flock >/dev/null; then flock 9; fi
# Another run may have finished the install while this one waited for the lock.
if [ -f "$marker" ] && version_of | grep -q "with Code $VSCODE_VERSION"; then
  log "code-server $CODE_SERVER_VERSION already installed in $HOST_DIR"
  exit 0
fi

logfile="$HOST_ROOT/install-$CODE_SERVER_VERSION.log"
: > "$logfile"
step() {
  local what="$1"; shift
  log "$what"
  if ! "$@" >>"$logfile" 2>&1; then
    echo "[test-host] failed: $what; last lines of $logfile:" >&2
    tail -40 "$logfile" >&2
    exit 1
  fi
}

log "installing code-server $CODE_SERVER_VERSION into $HOST_DIR (about 3 to 4 minutes, 285 MB)"
rm -rf "$HOST_DIR"
mkdir -p "$HOST_DIR"
cd "$HOST_DIR"
echo '{"name":"sp-test-host","private":true}' > package.json
# The package's postinstall refuses to run as root and downloads ripgrep from GitHub:
# install without scripts and do its steps by hand.
step "npm install code-server@$CODE_SERVER_VERSION" \
  npm install --ignore-scripts --no-package-lock "code-server@$CODE_SERVER_VERSION"
VS="$HOST_DIR/node_modules/code-server/lib/vscode"
step "install VS Code server dependencies" \
  bash -c "cd '$VS' && npm install --omit=dev --ignore-scripts --no-package-lock"
# Debian's ripgrep where @vscode/ripgrep looks for it, so its postinstall skips the download.
mkdir -p "$VS/node_modules/@vscode/ripgrep/bin"
cp "$(command -v rg)" "$VS/node_modules/@vscode/ripgrep/bin/rg"
step "build VS Code server native modules" bash -c "cd '$VS' && npm rebuild --foreground-scripts"
# argon2 is hoisted to the top-level node_modules, so rebuild it from there.
step "build argon2" bash -c "cd '$HOST_DIR' && npm rebuild argon2 --foreground-scripts"
ln -sfn node_modules "$VS/node_modules.asar"
ln -sfn code-linux.sh "$VS/bin/remote-cli/code-server"
ln -sfn browser-linux.sh "$VS/bin/helpers/browser.sh"

version="$(version_of || true)"
if ! grep -q "with Code $VSCODE_VERSION" <<<"$version"; then
  echo "[test-host] code-server did not report VS Code $VSCODE_VERSION; last lines of $logfile:" >&2
  tail -40 "$logfile" >&2
  exit 1
fi
touch "$marker"
log "code-server ready: $(head -1 <<<"$version")"
