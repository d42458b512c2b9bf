#!/usr/bin/env bash
# Install code-server 4.100.3 (VS Code 1.100.3; the newest whose engines allow Node 20) into .vscode-test/code-server,
# outside the repository's node_modules, for test/vscode/run.ts. Idempotent: does nothing when already installed.
# Needs: the npm registry, and (as root, once) Debian's chromium, ripgrep, libkrb5-dev, pkg-config.
set -euo pipefail
cd "$(dirname "$0")/../.."
VERSION=4.100.3
DEST=.vscode-test/code-server
MARKER="$DEST/.installed-$VERSION"
if [ -f "$MARKER" ]; then
  echo "code-server $VERSION already in $DEST"; exit 0
fi
if [ "$(id -u)" = 0 ] && { ! command -v rg >/dev/null || ! command -v chromium >/dev/null || ! dpkg -s libkrb5-dev >/dev/null 2>&1; }; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq chromium ripgrep libkrb5-dev pkg-config >/dev/null
fi
command -v rg >/dev/null || { echo "setup-code-server: ripgrep (rg) is missing: apt-get install ripgrep" >&2; exit 1; }
# @vscode/ripgrep's postinstall downloads ripgrep from GitHub (no internet here); it first looks in this cache,
# so a tarball of Debian's rg there satisfies it.
TMP="${TMPDIR:-/tmp}"
CACHE="$TMP/vscode-ripgrep-cache-1.15.11"
TARBALL="$CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [ ! -f "$TARBALL" ]; then
  mkdir -p "$CACHE" "$TMP/rg-pack.$$"
  cp "$(command -v rg)" "$TMP/rg-pack.$$/rg"
  tar -czf "$TARBALL" -C "$TMP/rg-pack.$$" rg
  rm -rf "$TMP/rg-pack.$$"
fi
mkdir -p "$DEST"
[ -f "$DEST/package.json" ] || echo '{ "name": "caxton-code-server", "private": true }' > "$DEST/package.json"
# node-pty's postinstall runs `npx node-gyp`: answer yes; as root npm drops privileges for scripts unless unsafe-perm.
export npm_config_yes=true
# npm 11 with allow-scripts skips install scripts it has not been told about; code-server's postinstall installs
# VS Code's native modules (nested npm installs), so allow them here, for this install only.
export npm_config_dangerously_allow_all_scripts=true
EXTRA=()
[ "$(id -u)" = 0 ] && EXTRA+=(--unsafe-perm=true)
start=$(date +%s)
npm install --prefix "$DEST" --no-audit --no-fund --no-save "${EXTRA[@]}" "code-server@$VERSION"
[ -d "$DEST/node_modules/code-server/lib/vscode/node_modules/node-pty/build" ] || [ -d "$DEST/node_modules/code-server/lib/vscode/node_modules/node-pty/prebuilds" ] \
  || { echo "setup-code-server: code-server's postinstall did not build node-pty; see the npm output above" >&2; exit 1; }
touch "$MARKER"
echo "code-server $VERSION installed in $DEST in $(( $(date +%s) - start )) s"
