# Parses Prometheus text format from stdin with the reference Python client's parser and prints the samples as
# JSON. Any format error makes the parser raise, so the exit code is non-zero and the Java test fails.
import json
import sys

from prometheus_client.parser import text_string_to_metric_families

samples = []
for family in text_string_to_metric_families(sys.stdin.read()):
    for s in family.samples:
        samples.append({"family": family.name, "type": family.type, "name": s.name,
                        "labels": s.labels, "value": s.value})
json.dump(samples, sys.stdout)
