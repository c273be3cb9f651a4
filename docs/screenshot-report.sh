#!/usr/bin/env bash
# Screenshots of gate's HTML report in headless Chromium, with and without JavaScript, at a desktop width
# and a phone's, to check that the page is self-contained and reads well. Needs Debian's `chromium`
# (apt-get install chromium).
#
#   docs/screenshot-report.sh [REPORT.html] [OUT-DIR]
#   docs/screenshot-report.sh --docs      # the screenshots in docs/, from the release fixture report
#
# Defaults: Reports/launch/report.html, written by `make gate`; PNGs go next to the report:
# report-1400.png and report-390.png (script enabled, 1400 and 390 px wide; WIDTHS="..." for others) and
# report-nojs.png (the page without its script, at the first width). Chromium runs with networking pointed
# at a dead proxy, so a page that tried to load anything from outside would show it broken.
#
# --docs renders Tests/GateReportsTests/Golden/launch-release.report.html (a release with a blocking
# failure, an advisory one, waivers and pending sign-offs; re-recorded by its golden test) into docs/.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--docs" ]; then
  set -- Tests/GateReportsTests/Golden/launch-release.report.html docs
fi
report="${1:-Reports/launch/report.html}"
out="${2:-$(dirname "$report")}"
widths="${WIDTHS:-1400 390}"
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
    --window-size="$width,${height_now:-$height}" --virtual-time-budget=2000 "$@" --screenshot="$png" "$url" \
    >"$work/chromium.log" 2>&1 || true
  if [ ! -s "$png" ]; then
    echo "screenshot-report: Chromium wrote no $png; its log:" >&2
    tail -20 "$work/chromium.log" >&2
    exit 1
  fi
  echo "wrote $png"
}

for width in $widths; do
  # A phone's page is long: the same content in a narrow column.
  h="$height"; [ "$width" -lt 700 ] && h=$((height * 2))
  height_now="$h" shoot "$out/report-$width.png"
done
width="${widths%% *}"
# Without JavaScript: the same page with its one script element removed (Chromium's headless screenshot
# does not finish with scripting switched off in its settings).
sed '/^<script>/,/<\/script>$/d' "$report" > "$work/report-nojs.html"
if grep -q '<script' "$work/report-nojs.html"; then
  echo "screenshot-report: could not remove the script from '$report'" >&2
  exit 1
fi
url="file://$work/report-nojs.html"
shoot "$out/report-nojs.png"
