#!/bin/bash
# Build stage only: makes /opt/kapi/kapi.jsa, one static class-data-sharing archive of every class — JDK and
# kapi alike — the ambassador loads while it starts in-cluster, serves and shuts down, so a new Pod's JVM maps
# them from one read-only file instead of loading and verifying them from the jars. One static archive rather
# than the runtime's default archive plus a dynamic one on top: the two together cost 13 MB more image.
#
# The training Pod is faked: a service-account directory with a throw-away token and CA, and a
# KUBERNETES_SERVICE_HOST:PORT where nothing listens, so the requests below go through the whole request
# path and end in the proxy's own error Status. The archive is written when the JVM exits (SIGTERM here),
# whatever happened before: a training run that fails only makes a smaller archive, never a broken image.
set -uo pipefail

work=$(mktemp -d)
sa="$work/serviceaccount"
mkdir -p "$sa"
echo "cds-training-token" > "$sa/token"
echo "default" > "$sa/namespace"
/opt/kapi/runtime/bin/keytool -genkeypair -alias ca -keyalg EC -dname CN=training-ca -validity 2 \
  -keystore "$work/ca.p12" -storepass training -storetype PKCS12 >/dev/null 2>&1
/opt/kapi/runtime/bin/keytool -exportcert -rfc -alias ca -keystore "$work/ca.p12" -storepass training \
  -file "$sa/ca.crt" >/dev/null 2>&1

export KUBERNETES_SERVICE_HOST=127.0.0.1 KUBERNETES_SERVICE_PORT=9 KAPI_SERVICEACCOUNT_DIR="$sa"
java=(/opt/kapi/runtime/bin/java @/opt/kapi/jvm.options)

# Ports of its own: a build may share the host's network (podman build --network host), where 8001 and 9091
# can be taken. The proxy port is whatever `--port=0` gets (read back from "Starting to serve on ...").
args=(--port=0)
admin_port=""
if "${java[@]}" -cp /opt/kapi/kapi.jar dev.kapi.cli.Main proxy --help 2>&1 | grep -q -- '--admin-address'; then
  admin_port=$((20000 + RANDOM % 20000))
  args+=("--admin-address=127.0.0.1:$admin_port")
fi
"${java[@]}" -XX:DumpLoadedClassList="$work/classes.lst" -cp /opt/kapi/kapi.jar dev.kapi.cli.Main proxy "${args[@]}" \
  >"$work/proxy.log" 2>&1 &
pid=$!

port=""
for _ in $(seq 1 120); do
  port=$(sed -n 's/.*Starting to serve on [^ ]*:\([0-9][0-9]*\).*/\1/p' "$work/proxy.log" | head -n1)
  [ -n "$port" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.5
done

get() { # port path: one HTTP/1.1 request over bash's /dev/tcp, status line printed
  timeout 10 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" &&
    printf "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n\r\n" "$2" "$1" >&3 && head -n1 <&3' _ "$1" "$2" ||
    echo "(no answer)"
}
if [ -n "$port" ]; then
  for path in /api /apis/batch/v1 "/api/v1/namespaces/default/pods?watch=true" /api/v1/namespaces/default/pods/x/exec; do
    echo "cds-training: GET $path -> $(get "$port" "$path")"
  done
  if [ -n "$admin_port" ]; then
    for path in /livez /readyz /metrics; do
      echo "cds-training: admin GET $path -> $(get "$admin_port" "$path")"
    done
  fi
else
  echo "cds-training: the proxy did not start serving; archiving what it loaded. Its output:"
  cat "$work/proxy.log"
fi
kill -TERM "$pid" 2>/dev/null
wait "$pid"
echo "cds-training: $(wc -l < "$work/classes.lst") classes loaded; dumping the archive"
# -cp names the jar the entrypoint runs: the archive records it and is used only by a JVM with the same class path.
"${java[@]}" -Xshare:dump -XX:SharedClassListFile="$work/classes.lst" -XX:SharedArchiveFile=/opt/kapi/kapi.jsa \
  -cp /opt/kapi/kapi.jar >"$work/dump.log" 2>&1 || { echo "cds-training: dump failed:" >&2; tail -20 "$work/dump.log" >&2; }
rm -rf "$work"
if [ ! -s /opt/kapi/kapi.jsa ]; then
  echo "cds-training: no archive was written" >&2
  exit 1
fi
echo "cds-training: wrote /opt/kapi/kapi.jsa ($(du -h /opt/kapi/kapi.jsa | cut -f1))"
