#!/usr/bin/env bash
# Runs every test: installs what tests need (Debian packages, npm packages), type-checks, runs unit
# tests, builds the app, then starts the real test world (registries on loopback + the built app) and
# runs integration and browser tests against it.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/require-node.sh
export NEXT_TELEMETRY_DISABLED=1

bash scripts/install-test-deps.sh
# Not `npm ci`: npm 11 leaves other platforms' optional packages out of the lock, and ci then refuses it.
npm install --no-audit --no-fund --loglevel=error

step() { printf '\n== %s\n' "$1"; }
step "typecheck";          npx tsc --noEmit
step "lint";               npm run --silent lint
step "unit tests";         npx vitest run tests/unit
step "build";              npm run build
step "integration + browser tests (real registries, real Chromium)"
npx vitest run -c vitest.integration.config.ts
