#!/usr/bin/env bash
# The whole test suite, on a bare machine or a warm one:
#   1. installs and starts the S3 servers (moto 5.2.5 and Ceph RGW) on 127.0.0.1;
#   2. checks formatting and lints (cargo fmt --check, cargo clippy -D warnings);
#   3. runs every Rust test with cargo-nextest against memory://, file://, moto and Ceph;
#   4. builds the Python package into a venv and runs its pytest suite (memory://, file://, moto);
#   5. stops the servers.
# Build artefacts go to $CARGO_TARGET_DIR (default ~/.cache/namidb/target) so later runs reuse them.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/namidb/target}
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}
export RUST_BACKTRACE=1

if ! command -v cargo-nextest >/dev/null 2>&1 && ! cargo nextest --version >/dev/null 2>&1; then
  echo "[test] installing cargo-nextest"
  cargo install --locked cargo-nextest
fi

stop_servers() { bash "$ROOT/scripts/s3-servers.sh" stop || true; }
trap stop_servers EXIT
bash "$ROOT/scripts/s3-servers.sh" start
eval "$(bash "$ROOT/scripts/s3-servers.sh" env)"

echo "[test] cargo fmt --check"
cargo fmt --all -- --check
echo "[test] cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "[test] cargo nextest (storage suite on: $NAMIDB_TEST_S3)"
cargo nextest run --workspace --locked --profile ci
echo "[test] python package (pytest)"
VENV=$(bash "$ROOT/scripts/python-env.sh" | tail -n 1)
"$VENV/bin/python" -m pytest -q -p no:cacheprovider "$ROOT/crates/namidb-py/tests"
