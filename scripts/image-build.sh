#!/usr/bin/env bash
# `npm run image:build [-- EXTRA_BUILD_ARGS...]`: builds Containerfile with the first of podman,
# buildah or docker found on PATH, tagged $IMAGEGATE_IMAGE (default imagegate:<package version>).
# Without any of them it says so and exits 1; nothing is built.
set -euo pipefail
cd "${BASH_SOURCE[0]%/*}/.."
tag=${IMAGEGATE_IMAGE:-imagegate:$(node -p "require('./package.json').version")}
for builder in podman buildah docker; do
  if command -v "$builder" >/dev/null 2>&1; then
    echo "image:build: $builder building $tag from Containerfile" >&2
    if [ "$builder" = buildah ]; then
      exec buildah bud --file Containerfile --tag "$tag" "$@" .
    fi
    exec "$builder" build --file Containerfile --tag "$tag" "$@" .
  fi
done
echo "image:build: no container builder found (looked for podman, buildah, docker on PATH);" >&2
echo "  install one (e.g. apt-get install podman) or build Containerfile with your CI's builder." >&2
exit 1
