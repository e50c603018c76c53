#!/usr/bin/env bash
# Fetches MapLibre GL JS, the one map stack of every interactive map (ADR 0023), checked
# against a pinned sha512, into var/vendor/ (Django's static files serve it as
# /static/vendor/ to the page maps, settings.STATICFILES_DIRS; plain pages in tests and
# benchmarks) and into dashboards/assets/vendor/ (the Dash pages serve their assets/ folder).
# Usage: scripts/vendor-js.sh     (does nothing when the files are already there)
set -euo pipefail
cd "$(dirname "$0")/.."
NAME=maplibre-gl
VERSION=5.24.1
INTEGRITY="sha512-HyiYBwtsbk3L1n1EPLJHWqdoyMiF80n7tEYXFZyu2m1TjvaNx6KMLiFeDdmszt1/mq2zvsR1TJuX/NMu5BonXQ=="
DEST="var/vendor/$NAME"
DASH="dashboards/assets/vendor"
fetch() {
  local tmp; tmp=$(mktemp -d)
  curl -fsSL --retry 3 -o "$tmp/pkg.tgz" "https://registry.npmjs.org/$NAME/-/$NAME-$VERSION.tgz"
  got="sha512-$(openssl dgst -sha512 -binary "$tmp/pkg.tgz" | base64 -w0)"
  [ "$got" = "$INTEGRITY" ] || { echo "$NAME $VERSION: checksum mismatch" >&2; exit 1; }
  tar -xzf "$tmp/pkg.tgz" -C "$tmp" package/dist/$NAME.js package/dist/$NAME.css
  mkdir -p "$DEST"
  cp "$tmp/package/dist/$NAME.js" "$tmp/package/dist/$NAME.css" "$DEST/"
  echo "$VERSION" > "$DEST/VERSION"
  rm -rf "$tmp"
}
[ -s "$DEST/$NAME.js" ] && [ "$(cat "$DEST/VERSION" 2>/dev/null)" = "$VERSION" ] || fetch
mkdir -p "$DASH"
for f in "$NAME.js" "$NAME.css"; do
  cmp -s "$DEST/$f" "$DASH/$f" || cp "$DEST/$f" "$DASH/$f"
done
