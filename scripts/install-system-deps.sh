#!/usr/bin/env bash
# Install the Debian packages the platform needs when any is missing: LibreOffice renders the
# documents, poppler's pdfsig validates signatures, WenQuanYi Zen Hei is the embedded Chinese font,
# certutil builds the NSS trust store for pdfsig, Chromium runs the browser tests and Node.js runs
# the mini-program's tests.
set -euo pipefail

packages=(libreoffice-writer-nogui poppler-utils fonts-wqy-zenhei libnss3-tools chromium nodejs)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "installing Debian packages: ${missing[*]}" >&2
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
