#!/usr/bin/env bash
# How many API server requests --cache-discovery saves for N kubectl runs (default 100), each with an empty
# ~/.kube/cache (a fresh container or CI step), against a real kube-apiserver. Counts come from kapi's own
# metrics (kapi_proxy_requests_total vs kapi_proxy_upstream_requests_total). Results: docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-100}
./mvnw -B -q -o test-compile -pl kapi-proxy -Dkapi.envtest.skip=true
CP_FILE=$(mktemp)
./mvnw -B -q -o dependency:build-classpath -pl kapi-proxy -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE"
java -cp "kapi-proxy/target/test-classes:kapi-proxy/target/classes:$(cat "$CP_FILE")" \
  dev.kapi.proxy.ops.DiscoveryCacheBench "$RUNS"
rm -f "$CP_FILE"
