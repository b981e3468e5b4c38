# Sourced by scripts: fail early, with what to do, when Node is missing or too old for Next.js 16.
if ! command -v node >/dev/null 2>&1; then
  echo "Node.js >= 20.9 is required (https://nodejs.org or your distribution's nodesource packages)." >&2
  exit 1
fi
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=9)?0:1)'; then
  echo "Node.js >= 20.9 is required; this is $(node --version)." >&2
  exit 1
fi
