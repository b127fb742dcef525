#!/usr/bin/env bash
# THE test command (`npm test`): test dependencies, build, typecheck, lint, unit tests, and the
# integration phases in a real VS Code (code-server). Every step runs even when an earlier
# non-fatal one failed, so one run shows every problem; the exit status is non-zero if any failed.
# Ends with "N passed, N failed" over every mocha test (unit + inside the extension host).
set -uo pipefail

cd "$(dirname "$0")/.."
ARTIFACTS=.test-artifacts
mkdir -p "$ARTIFACTS"
T0=$(date +%s)
STEPS=()
FAILED_STEPS=()
UNIT_PASSED=0 UNIT_FAILED=0 HOST_PASSED=0 HOST_FAILED=0

# run_step NAME FATAL CMD...: runs CMD, records its time and status; FATAL=1 stops the run on failure.
run_step() {
  local name="$1" fatal="$2"
  shift 2
  local t0 rc
  t0=$(date +%s)
  printf '\n===== %s: %s\n' "$name" "$*"
  "$@"
  rc=$?
  local secs=$(($(date +%s) - t0))
  if [ "$rc" -eq 0 ]; then
    STEPS+=("$(printf 'ok    %-16s %4s s' "$name" "$secs")")
  else
    STEPS+=("$(printf 'FAIL  %-16s %4s s  (exit %s)' "$name" "$secs" "$rc")")
    FAILED_STEPS+=("$name")
    if [ "$fatal" = 1 ]; then
      summary
      exit "$rc"
    fi
  fi
  return 0
}

# Mocha's spec reporter ends with "  N passing", "  N failing", "  N pending".
mocha_count() { grep -Eo "^ *[0-9]+ $1" "$2" | tail -1 | grep -Eo '[0-9]+' || echo 0; }

unit_tests() {
  local log="$ARTIFACTS/unit-tests.log" rc
  # Inside the sandbox: read-only system, private /tmp, canary HOME (test/sandbox/run-sandboxed.sh).
  bash test/sandbox/run-sandboxed.sh npx mocha --config .mocharc.json 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  UNIT_PASSED=$(mocha_count passing "$log")
  UNIT_FAILED=$(mocha_count failing "$log")
  local pending
  pending=$(mocha_count pending "$log")
  if [ "$pending" -gt 0 ]; then
    echo "unit tests: $pending pending (skipped) test(s): a skipped test is a failure here" >&2
    UNIT_FAILED=$((UNIT_FAILED + pending))
    [ "$rc" -eq 0 ] && rc=1
  fi
  if [ "$rc" -eq 0 ] && [ "$UNIT_PASSED" -eq 0 ]; then
    echo "unit tests: none ran" >&2
    rc=1
  fi
  return "$rc"
}

integration_tests() {
  local summary_json="$ARTIFACTS/integration-summary.json" rc
  rm -f "$summary_json"
  node out/test/runner/runIntegration.js
  rc=$?
  if [ -f "$summary_json" ]; then
    HOST_PASSED=$(node -e 'console.log(require(process.argv[1]).mocha.passes)' "$PWD/$summary_json")
    HOST_FAILED=$(node -e 'console.log(require(process.argv[1]).mocha.failures)' "$PWD/$summary_json")
  fi
  return "$rc"
}

# The extension-host phase again, on engines.vscode's minimum VS Code (test/min-vscode.sh).
min_vscode_tests() {
  local summary_json="$ARTIFACTS/code-server-4.90.3/integration-summary.json" rc
  rm -f "$summary_json"
  bash test/min-vscode.sh
  rc=$?
  if [ -f "$summary_json" ]; then
    HOST_PASSED=$((HOST_PASSED + $(node -e 'console.log(require(process.argv[1]).mocha.passes)' "$PWD/$summary_json")))
    HOST_FAILED=$((HOST_FAILED + $(node -e 'console.log(require(process.argv[1]).mocha.failures)' "$PWD/$summary_json")))
  fi
  return "$rc"
}

summary() {
  local secs=$(($(date +%s) - T0))
  printf '\n===== summary\n'
  printf '%s\n' "${STEPS[@]}"
  printf 'unit (mocha): %s passed, %s failed; extension host (mocha): %s passed, %s failed\n' "$UNIT_PASSED" "$UNIT_FAILED" "$HOST_PASSED" "$HOST_FAILED"
  if [ "${#FAILED_STEPS[@]}" -gt 0 ]; then printf 'failed steps: %s\n' "${FAILED_STEPS[*]}"; fi
  printf 'total time: %d min %02d s\n' $((secs / 60)) $((secs % 60))
  printf '%d passed, %d failed\n' $((UNIT_PASSED + HOST_PASSED)) $((UNIT_FAILED + HOST_FAILED))
}

run_step install-deps 1 bash test/setup/install-test-deps.sh
run_step build 1 npm run build
run_step typecheck 0 npm run typecheck
run_step lint 0 npm run lint
run_step compile-tests 0 npm run compile-tests
run_step unit 0 unit_tests
run_step integration 0 integration_tests
run_step min-vscode 0 min_vscode_tests

summary
[ "${#FAILED_STEPS[@]}" -eq 0 ]
