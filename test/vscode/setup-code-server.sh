#!/usr/bin/env bash
# Install code-server 4.100.3 (VS Code 1.100.3; the newest whose engines allow Node 20) into .vscode-test/code-server,
# outside the repository's node_modules, for test/vscode/run.ts. Idempotent: does nothing when already installed.
# Needs: the npm registry, and Debian's chromium, ripgrep, libkrb5-dev, pkg-config, python3, make, g++ (.ci/run
# installs them; as root this script installs any that are missing). Fails (non-zero) when code-server cannot be had.
set -euo pipefail
cd "$(dirname "$0")/../.."
VERSION=4.100.3
DEST=.vscode-test/code-server
MARKER="$DEST/.installed-$VERSION"
if [ -f "$MARKER" ]; then
  echo "code-server $VERSION already in $DEST"; exit 0
fi
NEEDED=(chromium ripgrep libkrb5-dev pkg-config python3 make g++)
missing=()
for p in "${NEEDED[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ] && [ "$(id -u)" = 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
elif [ "${#missing[@]}" -gt 0 ]; then
  echo "setup-code-server: missing Debian packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})" >&2; exit 1
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
# node-pty's postinstall runs `npx node-gyp`: answer yes.
export npm_config_yes=true
# As root, code-server's postinstall.sh refuses to run unless $npm_config_unsafe_perm is "true" (npm 11 no longer
# knows the option, but still passes it to scripts through the environment).
[ "$(id -u)" = 0 ] && export npm_config_unsafe_perm=true
# node-gyp would download Node's headers from nodejs.org (not reachable from CI); use the running Node's own.
NODE_PREFIX="$(dirname "$(dirname "$(command -v node)")")"
if [ -z "${npm_config_nodedir:-}" ] && [ -f "$NODE_PREFIX/include/node/node.h" ]; then export npm_config_nodedir="$NODE_PREFIX"; fi
# npm 11 with allow-scripts skips install scripts it has not been told about; code-server's postinstall installs
# VS Code's native modules (nested npm installs), so allow them here, for this install only.
export npm_config_dangerously_allow_all_scripts=true
start=$(date +%s)
npm install --prefix "$DEST" --no-audit --no-fund --no-save "code-server@$VERSION"
[ -d "$DEST/node_modules/code-server/lib/vscode/node_modules/node-pty/build" ] || [ -d "$DEST/node_modules/code-server/lib/vscode/node_modules/node-pty/prebuilds" ] \
  || { echo "setup-code-server: code-server's postinstall did not build node-pty; see the npm output above" >&2; exit 1; }
touch "$MARKER"
echo "code-server $VERSION installed in $DEST in $(( $(date +%s) - start )) s"
