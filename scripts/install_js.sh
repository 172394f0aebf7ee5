#!/usr/bin/env bash
# Installs the test suite's JavaScript (axe-core) from package-lock.json into node_modules.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=node_modules/.styrkort-lock
if [ -f node_modules/axe-core/axe.min.js ] && [ -f "$stamp" ] && cmp -s package-lock.json "$stamp"; then
    exit 0
fi
npm ci --no-audit --no-fund --loglevel=error
cp package-lock.json "$stamp"
