#!/usr/bin/env bash
# Installs the Debian packages SafeAtlas needs, only those missing. Needs root or sudo.
# Usage: scripts/install-system.sh [bench] [--list]
#   bench   also what the benchmarks call (bench/common.py TOOLS names each tool's package)
#   --list  print the packages that would be wanted, one a line, and install nothing
set -euo pipefail
PKGS=(postgresql-15-postgis-3 postgresql-15 postgresql-15-partman gdal-bin libgdal-dev libgeos-dev libproj-dev
      binutils gettext mosquitto fonts-noto-cjk chromium sqlite3
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
      poppler-utils)  # poppler-utils: pdftotext, which the report tests read the PDFs with
BENCH_PKGS=(wrk nginx)  # wrk: HTTP load driver of bench/tiles.py and bench/ogc.py (ogr2ogr: gdal-bin above); nginx: the static-file ceiling of bench/tiles.py
list=""
for arg in "$@"; do
  case "$arg" in
    bench) PKGS+=("${BENCH_PKGS[@]}") ;;
    --list) list=1 ;;
    *) echo "unknown argument: $arg" >&2; exit 2 ;;
  esac
done
if [ -n "$list" ]; then printf '%s\n' "${PKGS[@]}"; exit 0; fi
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
