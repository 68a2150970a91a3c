#!/usr/bin/env bash
# Runs every test: typecheck, lint and format check, unit (pure), privileged (real kernel, needs root), end-to-end (real Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
# Tests keep their audit trail out of the machine's real log.
export NSLAB_AUDIT_LOG="${NSLAB_AUDIT_LOG:-$(mktemp -t nslab-audit-XXXXXX.jsonl)}"
# The tree is clean: types (web included), lint and format are checked before anything runs.
npm run --silent typecheck
npx eslint --max-warnings 0 .
npx prettier --check --log-level warn .
npx vitest run --project unit
npx vitest run --project privileged
npm run --silent test:e2e
