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

# The registry tests run Debian's docker-registry (a real OCI registry) on 127.0.0.1.
if ! command -v docker-registry >/dev/null 2>&1 && [ ! -x /usr/bin/docker-registry ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian's docker-registry for the registry tests" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-registry >/dev/null \
      || { echo "tests: 0 passed, 1 failed (could not install docker-registry)"; exit 1; }
  else
    echo "the registry tests need Debian's docker-registry; install it with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends docker-registry" >&2
    echo "tests: 0 passed, 1 failed (docker-registry missing)"
    exit 1
  fi
fi

# The manifest tests render manifests/ with kubectl's kustomize; Debian's kubernetes-client
# (kubectl 1.20, kustomize v2.0.3) is the oldest renderer they promise to work with.
# IMAGEGATE_KUBECTL names other kubectl binaries (test/fixtures/kustomize.ts).
if [ -z "${IMAGEGATE_KUBECTL:-}" ] && ! command -v kubectl >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian's kubernetes-client (kubectl) for the manifest tests" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends kubernetes-client >/dev/null \
      || { echo "tests: 0 passed, 1 failed (could not install kubernetes-client)"; exit 1; }
  else
    echo "note: kubectl is missing: the manifest tests are skipped (CI fails them); install it with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends kubernetes-client" >&2
  fi
fi

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
