#!/usr/bin/env bash
# Builds the kapi ambassador image from deploy/Dockerfile, and the small curl image the seed Pod's `main`
# container uses (deploy/main-curl/Dockerfile), with podman. The last two lines it prints are
# `image <name> <size>` and `curl-image <name> <size>`, for people, scripts and tests to read.
#
# Where the Dockerfile's base image (its first FROM, debian:bookworm-slim) is neither present nor pullable,
# it is made here from Debian packages (debootstrap, variant minbase, slimmed like the official image) and
# imported under exactly that name, so the Dockerfile itself is never changed. The Debian mirror is whatever
# this machine's apt uses, read from the apt configuration at run time.
#
# Environment:
#   KAPI_IMAGE         ambassador image name        (default localhost/kapi:dev)
#   KAPI_CURL_IMAGE    curl image name for `main`   (default localhost/kapi-curl:dev)
#   KAPI_IMAGE_CACHE   base tarball + .deb cache    (default ~/.cache/kapi/images)
#   CONTAINERS_CONF    podman's containers.conf; when unset, one holding `default_ulimits = []` is made in
#                      the cache (podman, as root, raises the open-files limit, which this sandbox refuses:
#                      "error setting rlimit type 7: operation not permitted"). Never /etc.
#   KAPI_PODMAN_RUNTIME  OCI runtime (default runc)
#   KAPI_IMAGE_JARS    "as-is" uses kapi-cli/target as it is, even when sources are newer (no ./mvnw package)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
IMAGE=${KAPI_IMAGE:-localhost/kapi:dev}
CURL_IMAGE=${KAPI_CURL_IMAGE:-localhost/kapi-curl:dev}
CACHE=${KAPI_IMAGE_CACHE:-${HOME}/.cache/kapi/images}
RUNTIME=${KAPI_PODMAN_RUNTIME:-runc}
START=$(date +%s)

say() { echo "image.sh: $*" >&2; }
elapsed() { echo "$(( $(date +%s) - START ))s"; }
die() { say "$*"; exit 1; }

command -v podman >/dev/null || die "podman is missing (Debian: apt-get install podman runc)"
mkdir -p "$CACHE"
if [ -z "${CONTAINERS_CONF:-}" ]; then
  export CONTAINERS_CONF="$CACHE/containers.conf"
  printf '[containers]\ndefault_ulimits = []\n' > "$CONTAINERS_CONF"
fi
pm() { podman --runtime "$RUNTIME" "$@"; }

# ---- the base image, under the name the Dockerfile uses
BASE=$(awk 'toupper($1) == "FROM" { print $2; exit }' "$ROOT/deploy/Dockerfile")
[ -n "$BASE" ] || die "no FROM line in deploy/Dockerfile"

# The mirror apt uses here for a suite, e.g. http://deb.debian.org/debian for bookworm.
apt_site() {
  apt-get indextargets --format '$(SITE) $(RELEASE) $(IDENTIFIER)' 2>/dev/null |
    awk -v r="$1" '$2 == r && $3 == "Packages" { print $1; exit }'
}

make_base() {
  local suite tag tarball
  tag=${BASE##*:}                 # bookworm-slim
  suite=${tag%-slim}              # bookworm
  tarball="$CACHE/${suite}-slim-rootfs.tar"
  if [ ! -s "$tarball" ]; then
    command -v debootstrap >/dev/null || die "debootstrap is missing (Debian: apt-get install debootstrap)"
    local mirror updates security
    mirror=$(apt_site "$suite"); updates=$(apt_site "$suite-updates"); security=$(apt_site "$suite-security")
    [ -n "$mirror" ] || die "apt on this machine has no source for '$suite'; cannot make $BASE"
    say "making $BASE from Debian packages: debootstrap --variant=minbase $suite $mirror (a few minutes, once)"
    local dir; dir=$(mktemp -d "$CACHE/rootfs.XXXXXX")
    mkdir -p "$CACHE/debs"
    debootstrap --variant=minbase --cache-dir="$CACHE/debs" "$suite" "$dir" "$mirror" >"$CACHE/debootstrap.log" 2>&1 ||
      die "debootstrap failed; see $CACHE/debootstrap.log"
    slim_rootfs "$dir" "$suite" "$mirror" "$updates" "$security"
    tar --numeric-owner -C "$dir" -cf "$tarball.tmp" .
    mv "$tarball.tmp" "$tarball"
    rm -rf "$dir"
  fi
  say "importing $tarball as $BASE"
  pm import --quiet \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' \
    "$tarball" "$BASE" >/dev/null
}

# What the official -slim image does on top of minbase (debuerreotype's slimify): no docs, man pages or
# translations now or later, apt caches cleaned after each install, deb822 sources.
slim_rootfs() {
  local dir=$1 suite=$2 mirror=$3 updates=$4 security=$5
  cat > "$dir/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
EOF
  cat > "$dir/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache ""; Dir::Cache::srcpkgcache "";
EOF
  echo 'Acquire::Languages "none";' > "$dir/etc/apt/apt.conf.d/docker-no-languages"
  echo 'Acquire::GzipIndexes "true";' > "$dir/etc/apt/apt.conf.d/docker-gzip-indexes"
  echo 'APT::AutoRemove::SuggestsImportant "false";' > "$dir/etc/apt/apt.conf.d/docker-autoremove-suggests"
  rm -f "$dir/etc/apt/sources.list"
  {
    printf 'Types: deb\nURIs: %s\nSuites: %s%s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      "$mirror" "$suite" "${updates:+ $suite-updates}"
    [ -z "$security" ] || printf '\nTypes: deb\nURIs: %s\nSuites: %s-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      "$security" "$suite"
  } > "$dir/etc/apt/sources.list.d/debian.sources"
  find "$dir/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete 2>/dev/null || true
  find "$dir/usr/share/doc" -mindepth 1 -type d -empty -delete 2>/dev/null || true
  rm -rf "$dir"/usr/share/{man,info,groff,lintian,linda}/* "$dir"/usr/share/locale/* \
    "$dir"/var/lib/apt/lists/* "$dir"/var/cache/apt/*.bin "$dir"/var/cache/apt/archives/*.deb \
    "$dir"/var/log/* "$dir"/dev/* "$dir"/run/* "$dir"/tmp/* "$dir"/var/tmp/*
  : > "$dir/etc/resolv.conf"; : > "$dir/etc/hostname"; rm -f "$dir/etc/machine-id"; : > "$dir/etc/machine-id"
}

if pm image exists "$BASE"; then
  say "$BASE is present"
elif pm pull --quiet "$BASE" >/dev/null 2>&1; then
  say "pulled $BASE"
else
  make_base
fi

# ---- the kapi jars (the Dockerfile copies them from the build output, as a user's `./mvnw package` leaves them),
# rebuilt when missing or older than any main source or POM (the same test ./kapi makes), so the image is never
# older than the code.
jars_stale() {
  local jar; jar=$(ls "$ROOT"/kapi-cli/target/kapi-cli-*.jar 2>/dev/null | grep -v -e sources -e tests | head -n1 || true)
  [ -z "$jar" ] && return 0
  [ -n "$(find "$ROOT/pom.xml" "$ROOT"/kapi-*/pom.xml "$ROOT"/kapi-*/src/main -newer "$jar" -type f -print -quit 2>/dev/null)" ]
}
if [ "${KAPI_IMAGE_JARS:-}" = "as-is" ]; then
  say "using the jars in kapi-cli/target as they are (KAPI_IMAGE_JARS=as-is)"
elif jars_stale; then
  say "building the kapi jars (./mvnw package, tests skipped)"
  (cd "$ROOT" && ./mvnw -B -q -DskipTests -Dkapi.envtest.skip=true package) >&2
fi

# ---- the images. Host network only for the build stage's apt-get: this sandbox has no container networks.
build() {
  local name=$1 file=$2
  local log="$CACHE/build-${name//[\/:]/_}.log" previous
  previous=$(pm image inspect --format '{{.Id}}' "$name" 2>/dev/null || true)
  say "podman build -f ${file#"$ROOT"/} -t $name (log: $log)"
  pm build --network host --pull=never \
    --ignorefile "$file.dockerignore" -f "$file" -t "$name" "$ROOT" >"$log" 2>&1 ||
    { tail -n 40 "$log" >&2; die "podman build of $name failed; full log: $log"; }
  # The image this one replaced is now untagged: remove it (and only it) so rebuilds do not pile up.
  if [ -n "$previous" ] && [ "$previous" != "$(pm image inspect --format '{{.Id}}' "$name")" ]; then
    pm rmi "$previous" >/dev/null 2>&1 || true
  fi
}
build "$IMAGE" "$ROOT/deploy/Dockerfile"
build "$CURL_IMAGE" "$ROOT/deploy/main-curl/Dockerfile"

size() { pm image inspect --format '{{.Size}}' "$1" | awk '{ printf "%.1f MB (%d bytes)", $1 / 1000000, $1 }'; }
say "done in $(elapsed)"
echo "image $IMAGE $(size "$IMAGE")"
echo "curl-image $CURL_IMAGE $(size "$CURL_IMAGE")"
