#!/usr/bin/env bash
# Installs what the app needs, builds it and serves it on http://localhost:3000.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/require-node.sh
export NEXT_TELEMETRY_DISABLED=1
npm install --no-audit --no-fund --loglevel=error
npx next build
exec npx next start -p "${PORT:-3000}"
