#!/usr/bin/env bash
# Writes the class-data-sharing archive the ./kapi launcher picks up (kapi-cli/target/kapi.jsa), by running
# `kapi proxy` once against a TLS upstream, sending it a few requests and stopping it: every class the proxy's
# request path loads (Netty, TLS, HTTP codec, kapi-config) is then mapped from the archive at the next start
# instead of being loaded and verified again. Cuts start-up to first response by roughly half (docs/benchmarks.md).
# A static archive (class list, then -Xshare:dump), as the image makes, not a dynamic one (-XX:ArchiveClassesAtExit):
# Java 17 archives pre-Java-6 class files (picocli's) and the lambda proxies only in a static archive.
#
# Usage: bench/cds-train.sh ROOT SERVER CA TOKEN_FILE
#   ROOT  a repo checkout, or a snapshot of one with the launcher and kapi-cli/target (see bench/proxy.sh)
# Re-run after every build: the launcher ignores an archive older than the jar.
set -euo pipefail
ROOT=$1 SERVER=$2 CA=$3 TOKEN_FILE=$4
ARCHIVE="$ROOT/kapi-cli/target/kapi.jsa"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
LIST="$ROOT/kapi-cli/target/kapi-classes.lst"
rm -f "$ARCHIVE" "$LIST"
KAPI_JAVA_OPTS="${KAPI_JAVA_OPTS:-} -XX:DumpLoadedClassList=$LIST" \
  "$ROOT/kapi" proxy --server="$SERVER" --certificate-authority="$CA" --token-file="$TOKEN_FILE" --port="$PORT" \
  >/dev/null 2>"$ROOT/kapi-cli/target/kapi-cds-train.log" &
PID=$!
for _ in $(seq 1 600); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/api" || true)" = 200 ] && break
  kill -0 "$PID" 2>/dev/null || { echo "cds-train: kapi proxy exited; see $ROOT/kapi-cli/target/kapi-cds-train.log" >&2; exit 1; }
  sleep 0.05
done
for path in /api /apis/batch/v1 /big '/api/v1/namespaces/x/pods/y/exec' '/a%2Fb'; do
  curl -s -o /dev/null "http://127.0.0.1:$PORT$path" || true
done
kill -TERM "$PID"
wait "$PID" || true
[ -s "$LIST" ] || { echo "cds-train: no class list written; see $ROOT/kapi-cli/target/kapi-cds-train.log" >&2; exit 1; }
# -cp names the jar the launcher runs: the archive records it and is used only by a JVM with the same
# class path (so an archive trained for one copy of kapi-cli/target is not used by another).
JAR=$(ls "$ROOT"/kapi-cli/target/kapi-cli-*.jar | grep -v -e sources -e tests | head -n1)
"${JAVA_HOME:+$JAVA_HOME/bin/}java" -Xshare:dump -XX:SharedClassListFile="$LIST" -XX:SharedArchiveFile="$ARCHIVE" \
  -cp "$JAR" >>"$ROOT/kapi-cli/target/kapi-cds-train.log" 2>&1 || true
[ -s "$ARCHIVE" ] || { echo "cds-train: no archive written; see $ROOT/kapi-cli/target/kapi-cds-train.log" >&2; exit 1; }
# the launcher uses the archive only when it is newer than the jar
touch "$ARCHIVE"
echo "cds-train: wrote $ARCHIVE ($(du -h "$ARCHIVE" | cut -f1))"
