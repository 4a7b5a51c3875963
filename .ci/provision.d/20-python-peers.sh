#!/usr/bin/env bash
# Python peers the tests use as independent parsers: prometheus_client's text-format parser checks kapi's /metrics
# (kapi-proxy's PrometheusText). Idempotent: nothing happens when the module is already importable.
set -euo pipefail
if python3 -c 'import prometheus_client' 2>/dev/null; then
  exit 0
fi
python3 -m pip install -q --disable-pip-version-check prometheus-client 2>/dev/null \
  || python3 -m pip install -q --disable-pip-version-check --break-system-packages prometheus-client
python3 -c 'import prometheus_client'
