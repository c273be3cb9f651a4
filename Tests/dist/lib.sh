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
