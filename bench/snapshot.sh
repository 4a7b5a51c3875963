#!/usr/bin/env bash
# Copies the launcher and kapi-cli/target to a new temporary directory, trains a class-data-sharing archive for
# that copy (bench/cds-train.sh, against the nginx stand-in, stopped again afterwards) and prints the directory.
#
# Benchmarks run kapi from such a snapshot so that a source change elsewhere in the repo cannot trigger the
# launcher's rebuild in the middle of a measurement; the snapshot's launcher is the repo's ./kapi, unchanged, so the
# JVM flags measured are the ones users get. The caller removes the directory.
#
# Usage: bench/snapshot.sh UPSTREAM_DIR UPSTREAM_PORT     (builds the CLI first unless KAPI_BENCH_NO_BUILD=1)
set -euo pipefail
# shellcheck source=bench/common.sh
source "$(dirname "$0")/common.sh"
DIR=$1 UPSTREAM_PORT=$2

# build the CLI (and what it needs) unless told the build is current; tests are not compiled
if [ -z "${KAPI_BENCH_NO_BUILD:-}" ]; then
  (cd "$ROOT" && ./mvnw -q -B -Dmaven.test.skip=true -Dkapi.envtest.skip=true package -pl kapi-cli -am >&2)
fi

SNAP=$(mktemp -d /tmp/kapi-snapshot.XXXXXX)
trap 'rm -rf "$SNAP"' ERR
mkdir -p "$SNAP/kapi-cli/target"
cp "$ROOT/kapi" "$SNAP/kapi"
cp "$ROOT"/kapi-cli/target/kapi-cli-*.jar "$SNAP/kapi-cli/target/"
if [ -d "$ROOT/kapi-cli/target/native" ]; then cp -r "$ROOT/kapi-cli/target/native" "$SNAP/kapi-cli/target/"; fi

# a TLS upstream for the training run, stopped again so that the benchmark starts its own
"$BENCH/upstream.sh" "$DIR" "$UPSTREAM_PORT" >/dev/null
"$ROOT/bench/cds-train.sh" "$SNAP" "https://127.0.0.1:$UPSTREAM_PORT" "$DIR/ca.crt" "$DIR/token" >&2
kill "$(cat "$DIR/nginx.pid")"; sleep 0.5
echo "$SNAP"
