#!/usr/bin/env bash
# Screenshots of gate's HTML report in headless Chromium, with and without JavaScript, to check that the
# page is self-contained and reads well. Needs Debian's `chromium` (apt-get install chromium).
#
#   docs/screenshot-report.sh [REPORT.html] [OUT-DIR]
#
# Defaults: Reports/launch/report.html, written by `make gate`; PNGs go next to the report:
# report.png (script enabled) and report-nojs.png (the page without its script). Chromium runs with networking
# pointed at a dead proxy, so a page that tried to load anything from outside would show it broken.
set -euo pipefail
cd "$(dirname "$0")/.."
report="${1:-Reports/launch/report.html}"
out="${2:-$(dirname "$report")}"
width="${WIDTH:-1280}"
height="${HEIGHT:-2600}"

browser=""
for b in chromium chromium-browser google-chrome; do
  if command -v "$b" >/dev/null 2>&1; then browser="$b"; break; fi
done
if [ -z "$browser" ]; then
  echo "screenshot-report: no Chromium found; install it with: apt-get install -y chromium" >&2
  exit 2
fi
[ -f "$report" ] || { echo "screenshot-report: '$report' does not exist; run 'make gate' first" >&2; exit 2; }

url="file://$(cd "$(dirname "$report")" && pwd)/$(basename "$report")"
mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

shoot() {
  local png="$1"; shift
  # A profile of its own per shot: Chromium hands a second start on a busy profile to the first one.
  local profile
  profile="$(mktemp -d "$work/profile.XXXX")"
  rm -f "$png"
  "$browser" --headless=new --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
    --user-data-dir="$profile" --proxy-server=127.0.0.1:9 --force-device-scale-factor=1 \
    --window-size="$width,$height" --virtual-time-budget=2000 "$@" --screenshot="$png" "$url" \
    >"$work/chromium.log" 2>&1 || true
  if [ ! -s "$png" ]; then
    echo "screenshot-report: Chromium wrote no $png; its log:" >&2
    tail -20 "$work/chromium.log" >&2
    exit 1
  fi
  echo "wrote $png"
}

shoot "$out/report.png"
# Without JavaScript: the same page with its one script element removed (Chromium's headless screenshot
# does not finish with scripting switched off in its settings).
sed '/^<script>/,/<\/script>$/d' "$report" > "$work/report-nojs.html"
if grep -q '<script' "$work/report-nojs.html"; then
  echo "screenshot-report: could not remove the script from '$report'" >&2
  exit 1
fi
url="file://$work/report-nojs.html"
shoot "$out/report-nojs.png"
