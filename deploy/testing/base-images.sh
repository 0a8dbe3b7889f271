#!/usr/bin/env bash
# Makes the base images deploy/Dockerfile starts from, where no image registry is reachable:
# `debootstrap --variant=minbase bookworm` once (kept as a tarball in the cache directory),
# imported into podman as debian:12 and, trimmed like the official slim image (no
# documentation, manual pages or translations, and dpkg told to install none), debian:12-slim.
# Does nothing when both images exist.   deploy/testing/base-images.sh [cache dir]
set -euo pipefail
CACHE="${1:-${XDG_CACHE_HOME:-$HOME/.cache}/petition}"
MIRROR="${PETITION_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
if podman image exists debian:12 && podman image exists debian:12-slim; then exit 0; fi
mkdir -p "$CACHE"
tarball="$CACHE/debian-12-minbase.tar"
if [[ ! -s "$tarball" ]]; then
  echo "==> debootstrap --variant=minbase bookworm (once; kept in $tarball)"
  root="$(mktemp -d "$CACHE/rootfs.XXXXXX")"
  trap 'rm -rf "$root"' EXIT
  debootstrap --variant=minbase bookworm "$root" "$MIRROR" >"$CACHE/debootstrap.log" 2>&1 ||
    { tail -n 20 "$CACHE/debootstrap.log" >&2; exit 1; }
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  tar -C "$root" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
fi
podman import --quiet --change 'CMD ["bash"]' "$tarball" debian:12 >/dev/null
# slim: what the official debian:12-slim leaves out, left out here too.
ctr="$(podman run -d --runtime runc --network=none --ulimit nofile=4096:20000 \
  --ulimit nproc=4096:8192 debian:12 sleep 600)"
trap 'podman rm -f "$ctr" >/dev/null 2>&1 || true' EXIT
podman exec "$ctr" sh -c '
  printf "%s\n" "path-exclude /usr/share/doc/*" "path-include /usr/share/doc/*/copyright" \
    "path-exclude /usr/share/man/*" "path-exclude /usr/share/info/*" \
    "path-exclude /usr/share/locale/*" "path-include /usr/share/locale/locale.alias" \
    "path-exclude /usr/share/lintian/*" >/etc/dpkg/dpkg.cfg.d/docker-slim
  find /usr/share/doc -mindepth 1 -not -name copyright -not -type d -delete
  rm -rf /usr/share/man/* /usr/share/info/* /usr/share/lintian/*
  find /usr/share/locale -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} +'
podman export "$ctr" | podman import --quiet --change 'CMD ["bash"]' - debian:12-slim >/dev/null
echo "==> base images: $(podman images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep debian | tr '\n' ' ')"
