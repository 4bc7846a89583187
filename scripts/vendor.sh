#!/usr/bin/env bash
# The browser's pinned libraries, copied from node_modules/ (package.json,
# package-lock.json) into static/vendor/ by the build: never from a CDN.
#
# libsodium's JavaScript build seals proposals in the browser. Its ES
# module imports the wasm module by the bare name "libsodium", which a
# browser cannot resolve without an import map (an inline script the CSP
# refuses): the copy imports "./libsodium.mjs" instead.
#
# uqr draws the QR code of a second factor's otpauth:// URI (a matrix the
# page turns into SVG elements: no inline script or style).
set -euo pipefail
cd "$(dirname "$0")/.."

src=node_modules/libsodium-wrappers/dist/modules-esm/libsodium-wrappers.mjs
core=node_modules/libsodium/dist/modules-esm/libsodium.mjs
qr=node_modules/uqr/dist/index.mjs
if [ ! -f "$src" ] || [ ! -f "$core" ] || [ ! -f "$qr" ]; then
  if command -v npm >/dev/null; then
    npm ci --no-audit --no-fund --loglevel=error
  else
    echo "vendor: node_modules/ is missing and there is no npm: sealing proposals and QR codes will not work" >&2
    exit 0
  fi
fi

mkdir -p static/vendor
sed 's/from *"libsodium"/from"\.\/libsodium.mjs"/' "$src" > static/vendor/libsodium-wrappers.mjs.tmp
grep -q 'from"./libsodium.mjs"' static/vendor/libsodium-wrappers.mjs.tmp ||
  { echo "vendor: libsodium-wrappers no longer imports \"libsodium\" as expected" >&2; exit 1; }
mv static/vendor/libsodium-wrappers.mjs.tmp static/vendor/libsodium-wrappers.mjs
cp "$core" static/vendor/libsodium.mjs
cp "$qr" static/vendor/uqr.mjs
