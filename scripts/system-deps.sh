#!/usr/bin/env bash
# Debian packages the tests and reports need: Chromium for the browser tests (Playwright drives
# /usr/bin/chromium; downloading a browser is not possible here), Noto fonts for Arabic in pages and
# PDFs, Pango for WeasyPrint, and poppler-utils (pdftoppm) to check PDFs page by page.
set -euo pipefail
packages=(chromium fonts-noto-core libpango-1.0-0 libpangoft2-1.0-0 poppler-utils)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "system-deps: missing Debian packages: ${missing[*]} (run as root: apt-get install ${missing[*]})" >&2
  exit 1
fi
echo "system-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
