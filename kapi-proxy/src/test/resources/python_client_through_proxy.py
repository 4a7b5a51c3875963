# The official Python client (PyPI `kubernetes`) against kapi proxy, as an app container would use it: plain HTTP to
# the proxy and no credential of its own. Prints one line per step for PythonClientThroughProxyTest to compare.
import json
import re
import sys

from kubernetes import client, watch
from kubernetes.stream import stream

cfg = client.Configuration()
cfg.host = sys.argv[1]
ns = sys.argv[2]
api = client.CoreV1Api(client.ApiClient(cfg))

api.create_namespaced_config_map(ns, client.V1ConfigMap(metadata=client.V1ObjectMeta(name="py"), data={"a": "b"}))
print("created", api.read_namespaced_config_map("py", ns).data["a"])
print("listed", ",".join(sorted(c.metadata.name for c in api.list_namespaced_config_map(ns).items)))
w = watch.Watch()
for event in w.stream(api.list_namespaced_config_map, ns, timeout_seconds=30):
    print("watched", event["type"], event["object"].metadata.name)
    w.stop()
api.delete_namespaced_config_map("py", ns)
try:
    api.read_namespaced_config_map("py", ns)
except client.ApiException as e:  # the API server's Status, parsed by the client
    print("gone", e.status, json.loads(e.body)["reason"])
try:
    # a WebSocket exec, with the Origin this client always sends; no kubelet here, so the API server answers 404
    stream(api.connect_get_namespaced_pod_exec, "nopod", ns, command=["ls"], stdout=True, stderr=True, stdin=False,
           tty=False)
    print("exec ran")
except client.ApiException as e:
    m = re.search(r"Handshake status (\d+)", str(e.reason))
    print("exec handshake", m.group(1) if m else repr(e.reason)[:200])
