#!/usr/bin/env bash
# Creates (or reuses) the Python environment of the `namidb` package's tests and builds the
# package into it. Prints the venv's path on its last line.
#   PYTHON_ENV=...  where the venv lives (default ~/.cache/namidb/venv)
#   NAMIDB_PY_PROFILE=dev|release  the Rust profile of the native module (default dev: shares
#   the test build's artefacts)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VENV=${PYTHON_ENV:-$HOME/.cache/namidb/venv}
PROFILE=${NAMIDB_PY_PROFILE:-dev}
# Pinned: the versions the suite and the benchmarks were written against.
PACKAGES=(maturin==1.16.0 pyarrow==26.0.1 pandas==3.1.1 polars==1.44.2 pytest==8.4.2 kuzu==0.11.3 ladybug==0.22.0)

if [ ! -x "$VENV/bin/python" ]; then
  echo "[python] creating $VENV" >&2
  python3 -m venv "$VENV"
fi
want=$(printf '%s\n' "${PACKAGES[@]}" | sort)
have=$("$VENV/bin/pip" freeze --disable-pip-version-check 2>/dev/null | sort)
if [ -n "$(comm -23 <(echo "$want") <(echo "$have"))" ]; then
  echo "[python] installing ${PACKAGES[*]}" >&2
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "${PACKAGES[@]}" >&2
fi
echo "[python] building the namidb package (profile $PROFILE)" >&2
(cd "$ROOT/crates/namidb-py" && VIRTUAL_ENV="$VENV" PATH="$VENV/bin:$PATH" \
  maturin develop --quiet --profile "$PROFILE" >&2)
echo "$VENV"
