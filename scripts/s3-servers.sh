#!/usr/bin/env bash
# Installs (if needed) and starts the S3-compatible servers the storage suite runs against:
#   moto 5.2.5 on 127.0.0.1:${MOTO_PORT:-5317}  and  Ceph RGW on 127.0.0.1:${RGW_PORT:-7480}.
# Usage: scripts/s3-servers.sh start|stop|env
#   start  installs what is missing, starts both servers, creates the test bucket, writes
#          $STATE/env with the variables the tests read (NAMIDB_TEST_S3, AWS_*)
#   stop   stops every server this script started
# Set NAMIDB_SKIP_CEPH=1 to run with moto only (never in CI: the suite needs both).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${NAMIDB_CACHE:-$HOME/.cache/namidb}
STATE=${NAMIDB_S3_STATE:-$CACHE/s3-state}
VENV=$CACHE/venv-s3
MOTO_PORT=${MOTO_PORT:-5317}
RGW_PORT=${RGW_PORT:-7480}
BUCKET=namidb-test
export AWS_ACCESS_KEY_ID=testkey AWS_SECRET_ACCESS_KEY=testsecret AWS_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true

log() { printf '[s3-servers] %s\n' "$*" >&2; }

wait_http() { # url seconds
  local deadline=$((SECONDS + $2))
  until curl -s -o /dev/null "$1"; do
    [ $SECONDS -lt $deadline ] || { log "no answer from $1 after $2 s"; return 1; }
    sleep 0.2
  done
}

install_moto() {
  local installed=""
  [ -x "$VENV/bin/pip" ] && installed=$("$VENV/bin/pip" show moto 2>/dev/null || true)
  if [ ! -x "$VENV/bin/moto_server" ] || ! grep -qx 'Version: 5.2.5' <<<"$installed"; then
    log "installing moto 5.2.5 into $VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check 'moto==5.2.5' flask flask-cors boto3
  fi
}

install_ceph() {
  if ! command -v radosgw >/dev/null || ! command -v ceph-mon >/dev/null || ! command -v ceph-osd >/dev/null; then
    log "installing Ceph (radosgw ceph-mon ceph-osd) from Debian"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends radosgw ceph-mon ceph-osd curl >/dev/null
  fi
}

create_bucket() { # endpoint
  "$VENV/bin/python" - "$1" "$BUCKET" <<'PY'
import sys, time, boto3
from botocore.config import Config
endpoint, bucket = sys.argv[1], sys.argv[2]
s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                  aws_access_key_id="testkey", aws_secret_access_key="testsecret",
                  config=Config(retries={"max_attempts": 10, "mode": "standard"}))
for attempt in range(60):
    try:
        existing = [b["Name"] for b in s3.list_buckets().get("Buckets", [])]
        if bucket not in existing:
            s3.create_bucket(Bucket=bucket)
        break
    except Exception as error:  # RGW may still be starting
        if attempt == 59:
            raise
        time.sleep(1)
PY
}

start() {
  mkdir -p "$STATE"
  stop quietly
  install_moto
  log "starting moto on 127.0.0.1:$MOTO_PORT"
  setsid "$VENV/bin/moto_server" -H 127.0.0.1 -p "$MOTO_PORT" >"$STATE/moto.log" 2>&1 &
  echo $! >"$STATE/moto.pid"
  wait_http "http://127.0.0.1:$MOTO_PORT/" 60
  create_bucket "http://127.0.0.1:$MOTO_PORT"
  local list="moto=s3://$BUCKET?endpoint=http://127.0.0.1:$MOTO_PORT&allow_http=true"
  if [ "${NAMIDB_SKIP_CEPH:-0}" != 1 ]; then
    install_ceph
    log "starting Ceph RGW on 127.0.0.1:$RGW_PORT"
    D="$STATE/ceph" RGW_PORT=$RGW_PORT AK=testkey SK=testsecret \
      bash "$ROOT/../shared/s3/ceph-rgw-up.sh" >"$STATE/ceph-up.log" 2>&1 || {
        log "Ceph failed to start:"; cat "$STATE/ceph-up.log" >&2; tail -n 20 "$STATE"/ceph/log/*.log >&2 || true; exit 1; }
    wait_http "http://127.0.0.1:$RGW_PORT/" 60
    create_bucket "http://127.0.0.1:$RGW_PORT"
    list="$list;ceph=s3://$BUCKET?endpoint=http://127.0.0.1:$RGW_PORT&allow_http=true"
  fi
  cat >"$STATE/env" <<ENV
export AWS_ACCESS_KEY_ID=testkey AWS_SECRET_ACCESS_KEY=testsecret AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
export NAMIDB_TEST_S3='$list'
export NAMIDB_TEST_MOTO='s3://$BUCKET?endpoint=http://127.0.0.1:$MOTO_PORT&allow_http=true'
ENV
  log "ready: $list"
}

stop() {
  for pidfile in "$STATE/moto.pid" "$STATE"/ceph/*.pid; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null && { [ "${1:-}" = quietly ] || log "stopped pid $pid ($(basename "$pidfile"))"; }
    rm -f "$pidfile"
  done
  # Give the daemons a moment to release their ports.
  sleep 0.5
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  env) cat "$STATE/env" ;;
  *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
