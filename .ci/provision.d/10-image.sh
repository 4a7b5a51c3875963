#!/usr/bin/env bash
# The container images SeedPodTest runs: the kapi ambassador (deploy/Dockerfile) and the curl image for the seed
# Pod's `main` (deploy/main-curl), built with podman before `./mvnw verify`. Idempotent and cached: the Debian
# base tarball lives in ~/.cache/kapi/images and podman keeps its layers, so a second run takes seconds.
set -euo pipefail
cd "$(dirname "$0")/../.."

# .ci/packages lists these too; installing here as well keeps this step runnable on its own.
missing=()
for tool in podman runc catatonit debootstrap; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "10-image: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

bash scripts/image.sh
