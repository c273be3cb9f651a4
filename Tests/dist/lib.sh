# Shared by the distribution tests: the repository root, the gate binary under test, the pip-installed tools.
# A test that needs a tool that is missing prints why and exits 77 (the Swift wrapper reports it as skipped).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
GATE_BIN="${GATE_BIN:-$ROOT/.build/debug/gate}"
export PATH="$PATH:$ROOT/.build/venv-dist/bin"
fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*" >&2; exit 77; }
need() { command -v "$1" >/dev/null 2>&1 || skip "$1 is not installed (${2:-.ci/deps test installs it into .build/venv-dist})"; }
scratch() { mktemp -d "${TMPDIR:-/tmp}/gate-dist-test-$1.XXXXXX"; }
[ -x "$GATE_BIN" ] || fail "no gate binary at $GATE_BIN (build first, or set GATE_BIN)"
GATE_BIN="$(cd "$(dirname "$GATE_BIN")" && pwd)/$(basename "$GATE_BIN")"   # the tests cd and symlink it

# The packaging output for GATE_BIN at SOURCE_DATE_EPOCH=1700000000, made once and shared by the tests that
# only read it (packaging a binary takes minutes on a loaded machine). The key covers the binary and every
# file the packaging reads, so a changed script or binary packages again. Prints the output directory.
packaged() {
  local key dir
  key="$(cat "$ROOT/.ci/dist-package" "$ROOT/.ci/manpage" "$ROOT/.ci/deb-control" "$ROOT/README.md" |
    sha256sum | cut -c1-16)-$(stat -L -c '%d-%i-%s-%Y' "$GATE_BIN")"
  dir="${TMPDIR:-/tmp}/gate-dist-test-cache-$key"
  if [ ! -f "$dir/out/SHA256SUMS" ]; then
    rm -rf "$dir.$$" && mkdir -p "$dir.$$"
    SOURCE_DATE_EPOCH=1700000000 TMPDIR="$dir.$$" "$ROOT/.ci/dist-package" "$GATE_BIN" "$dir.$$/out" >/dev/null
    mv -T "$dir.$$" "$dir" 2>/dev/null || rm -rf "$dir.$$"
  fi
  echo "$dir/out"
}

# A GitHub classic token shape generated now (never a committed literal): "ghp_", 30 random base62 characters
# and the 6-character base62 CRC32 of them, which gate's github-pat rule checks (SecretChecks.crc32Base62Valid).
token() {
  python3 -c '
import random, string, zlib
alphabet = string.digits + string.ascii_uppercase + string.ascii_lowercase
body = "".join(random.SystemRandom().choice(alphabet) for _ in range(30))
n, tail = zlib.crc32(body.encode()), ""
for _ in range(6):
    n, r = divmod(n, 62)
    tail = alphabet[r] + tail
print("gh" + "p_" + body + tail)'
}
