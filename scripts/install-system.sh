#!/usr/bin/env bash
# Installs the Debian packages SafeAtlas needs, only those missing. Needs root or sudo.
set -euo pipefail
PKGS=(postgresql-15-postgis-3 postgresql-15 gdal-bin libgdal-dev libgeos-dev libproj-dev
      binutils gettext mosquitto fonts-noto-cjk chromium sqlite3
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
echo "installing: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The Debian package starts its own cluster on 5432/1883 on some machines; ours are private.
