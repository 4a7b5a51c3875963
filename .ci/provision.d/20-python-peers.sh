#!/usr/bin/env bash
# Python peers the tests use as independent parsers: prometheus_client's text-format parser checks kapi's /metrics.
set -euo pipefail
if ! python3 -c 'import prometheus_client' 2>/dev/null; then
  python3 -m pip install -q --disable-pip-version-check prometheus-client
fi
