#!/usr/bin/env bash
# Runs every test: unit (pure), privileged (real kernel, needs root), end-to-end (real Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
# Tests keep their audit trail out of the machine's real log.
export NSLAB_AUDIT_LOG="${NSLAB_AUDIT_LOG:-$(mktemp -t nslab-audit-XXXXXX.jsonl)}"
npx vitest run --project unit
npx vitest run --project privileged
npm run --silent test:e2e
