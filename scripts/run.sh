#!/usr/bin/env bash
# Installs what the app needs, builds it (Next.js and the custom server) and serves it on http://localhost:3000.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/require-node.sh
export NEXT_TELEMETRY_DISABLED=1
npm install --no-audit --no-fund --loglevel=error
npm run build
exec npm start   # on HOST:PORT, 127.0.0.1:3000 unless set
