#!/usr/bin/env bash
# The main job on a fresh machine: build NamiDB and run the demo on the embedded default store,
# a file:// namespace under ./namidb-data.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/namidb/target}
cargo build --release --locked -p namidb-cli
"$CARGO_TARGET_DIR/release/namidb" demo --uri "file://./namidb-data?ns=demo" "$@"
