#!/usr/bin/env bash
# Runs every test: unit (pure), privileged (real kernel, needs root), end-to-end (real Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
npx vitest run --project unit
npx vitest run --project privileged
npm run --silent test:e2e
