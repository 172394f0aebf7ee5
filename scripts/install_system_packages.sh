#!/usr/bin/env bash
# Debian packages the test suite needs, installed only when the command they provide is
# missing (a machine may already have Node.js with its own npm, which Debian's npm conflicts
# with). A second run is quick.
set -euo pipefail
missing=()
need() {  # need COMMAND PACKAGE...
    command -v "$1" >/dev/null 2>&1 || missing+=("${@:2}")
}
need pg_isready postgresql-client
need chromium chromium fonts-dejavu-core   # browser tests: Playwright drives /usr/bin/chromium
need npm nodejs npm                       # scripts/install_js.sh installs axe-core
need pdftotext poppler-utils              # tests read generated PDFs as text
need nginx nginx                          # the HTTPS smoke test (tests/deploy) runs docs/deploy/nginx.conf
need openssl openssl                      # ... with a self-signed certificate made for it
# Typst sets the PDFs in DejaVu Sans (reports/renderers/pdf.py looks for it here)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
if [ ${#missing[@]} -eq 0 ]; then
    echo "system packages present (pg_isready, chromium, npm, pdftotext, nginx, openssl, DejaVu Sans)"
    exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
echo "installing: ${missing[*]}"
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
