#!/usr/bin/env bash
# The one test command (README, CI): builds, typechecks (host and AssemblyScript runtime), lints,
# checks formatting, runs every tap test, and ends with a line "tests: N passed, M failed".
# Exits non-zero on any failure or when no test ran.
set -uo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ]; then
  echo "node_modules is missing: run 'npm ci' first (the README's test command does)." >&2
  exit 1
fi
shared=${IMAGEGATE_SHARED:-../shared}
if [ ! -d "$shared/conformance" ]; then
  if [ -n "${CI:-}" ] && [ "${CI:-}" != 0 ] && [ "${CI:-}" != false ]; then
    echo "note: $shared/conformance is missing and CI is set: the conformance tests will fail." >&2
  else
    echo "note: $shared/conformance is missing: the conformance tests are skipped (set CI=true to fail instead)." >&2
  fi
fi

# Installs Debian package $2 with apt when $1 is not on the PATH and we are root; else says how.
# $3 says what needs it; $4 is "required" (no package: the run fails) or "optional" (skipped tests).
debian_package() {
  local bin=$1 package=$2 purpose=$3 need=$4
  command -v "$bin" >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian's $package for $purpose" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$package" >/dev/null ||
      { echo "tests: 0 passed, 1 failed (could not install $package)"; exit 1; }
    return 0
  fi
  echo "$purpose need Debian's $package; install it with:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends $package" >&2
  if [ "$need" = required ]; then
    echo "tests: 0 passed, 1 failed ($package missing)"
    exit 1
  fi
  echo "note: without it those tests are skipped (CI fails them)" >&2
}

# The registry tests run Debian's docker-registry (a real OCI registry) on 127.0.0.1.
debian_package docker-registry docker-registry "the registry tests" required
# The manifest tests render manifests/ with kubectl's kustomize; Debian's kubernetes-client
# (kubectl 1.20, kustomize v2.0.3) is the oldest renderer they promise to work with.
# IMAGEGATE_KUBECTL names other kubectl binaries (test/fixtures/kustomize.ts).
[ -n "${IMAGEGATE_KUBECTL:-}" ] || debian_package kubectl kubernetes-client "the manifest tests" optional

# Each step before the tap run fails the whole command with one summary line naming it.
step() {
  local name=$1
  shift
  "$@" || { echo "tests: 0 passed, 1 failed ($name)"; exit 1; }
}
step build npm run --silent build
step typecheck npx tsc --noEmit
step typecheck:runtime npm run --silent typecheck:runtime
step lint npm run --silent lint
step format npm run --silent format:check

log=$(mktemp)
npx tap "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
summary=$(grep -E '^# \{ total: [0-9]+' "$log" | tail -n 1)
rm -f "$log"
total=$(sed -nE 's/.*total: ([0-9]+).*/\1/p' <<<"$summary")
pass=$(sed -nE 's/.*pass: ([0-9]+).*/\1/p' <<<"$summary")
fail=$(sed -nE 's/.*fail: ([0-9]+).*/\1/p' <<<"$summary")
echo "tests: ${pass:-0} passed, ${fail:-0} failed"
if [ -z "$total" ] || [ "$total" = 0 ]; then
  echo "no test ran" >&2
  exit 1
fi
exit "$status"
