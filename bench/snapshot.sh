#!/usr/bin/env bash
# Copies the launcher and kapi-cli/target to a new temporary directory, trains a class-data-sharing archive for
# that copy (bench/cds-train.sh, against the nginx stand-in, stopped again afterwards) and prints the directory.
#
# Benchmarks run kapi from such a snapshot so that a source change elsewhere in the repo cannot trigger the
# launcher's rebuild in the middle of a measurement; the snapshot's launcher is the repo's ./kapi, unchanged, so the
# JVM flags measured are the ones users get. The caller removes the directory.
#
# Usage: bench/snapshot.sh UPSTREAM_DIR UPSTREAM_PORT [GIT_REV]
#   builds the CLI first unless KAPI_BENCH_NO_BUILD=1; with GIT_REV, the snapshot is of that revision instead of
#   the working tree, built in a temporary git worktree (an A/B of a code change in one benchmark run)
set -euo pipefail
# shellcheck source=bench/common.sh
source "$(dirname "$0")/common.sh"
DIR=$1 UPSTREAM_PORT=$2 REV=${3:-}

SRC=$ROOT
if [ -n "$REV" ]; then
  SRC=$(mktemp -d /tmp/kapi-rev.XXXXXX)
  git -C "$ROOT" worktree add --detach "$SRC" "$REV" >&2
  trap 'git -C "$ROOT" worktree remove --force "$SRC"' EXIT
fi
# build the CLI (and what it needs) unless told the build is current; tests are not compiled
if [ -n "$REV" ] || [ -z "${KAPI_BENCH_NO_BUILD:-}" ]; then
  (cd "$SRC" && ./mvnw -q -B -Dmaven.test.skip=true -Dkapi.envtest.skip=true package -pl kapi-cli -am >&2)
fi

SNAP=$(mktemp -d /tmp/kapi-snapshot.XXXXXX)
trap 'rm -rf "$SNAP"' ERR
mkdir -p "$SNAP/kapi-cli/target"
cp "$SRC/kapi" "$SNAP/kapi"
cp "$SRC"/kapi-cli/target/kapi-cli-*.jar "$SNAP/kapi-cli/target/"
if [ -d "$SRC/kapi-cli/target/native" ]; then cp -r "$SRC/kapi-cli/target/native" "$SNAP/kapi-cli/target/"; fi

# a TLS upstream for the training run, stopped again so that the benchmark starts its own
"$BENCH/upstream.sh" "$DIR" "$UPSTREAM_PORT" >/dev/null
"$ROOT/bench/cds-train.sh" "$SNAP" "https://127.0.0.1:$UPSTREAM_PORT" "$DIR/ca.crt" "$DIR/token" >&2
kill "$(cat "$DIR/nginx.pid")"; sleep 0.5
echo "$SNAP"
