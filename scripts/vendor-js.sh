#!/usr/bin/env bash
# Fetches the browser libraries that tests and benchmarks load into plain pages (not the
# Dash apps, which use plotly's bundle) into var/vendor/, checked against a pinned sha512.
# Usage: scripts/vendor-js.sh     (does nothing when the files are already there)
set -euo pipefail
cd "$(dirname "$0")/.."
NAME=maplibre-gl
VERSION=5.24.1
INTEGRITY="sha512-HyiYBwtsbk3L1n1EPLJHWqdoyMiF80n7tEYXFZyu2m1TjvaNx6KMLiFeDdmszt1/mq2zvsR1TJuX/NMu5BonXQ=="
DEST="var/vendor/$NAME"
[ -s "$DEST/$NAME.js" ] && [ "$(cat "$DEST/VERSION" 2>/dev/null)" = "$VERSION" ] && exit 0
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
curl -fsSL --retry 3 -o "$TMP/pkg.tgz" "https://registry.npmjs.org/$NAME/-/$NAME-$VERSION.tgz"
got="sha512-$(openssl dgst -sha512 -binary "$TMP/pkg.tgz" | base64 -w0)"
[ "$got" = "$INTEGRITY" ] || { echo "$NAME $VERSION: checksum mismatch" >&2; exit 1; }
tar -xzf "$TMP/pkg.tgz" -C "$TMP" package/dist/$NAME.js package/dist/$NAME.css
mkdir -p "$DEST"
cp "$TMP/package/dist/$NAME.js" "$TMP/package/dist/$NAME.css" "$DEST/"
echo "$VERSION" > "$DEST/VERSION"
