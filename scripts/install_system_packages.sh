#!/usr/bin/env bash
# Debian packages the test suite needs. Installs only what is missing, so a second run is quick.
set -euo pipefail
# chromium: browser tests (Playwright drives /usr/bin/chromium; it never downloads a browser)
# nodejs/npm: installs axe-core for the accessibility checks (scripts/install_js.sh)
PACKAGES=(postgresql-client chromium fonts-dejavu-core nodejs npm)
missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "system packages present: ${PACKAGES[*]}"
    exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
