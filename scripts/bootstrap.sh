#!/usr/bin/env bash
# Set up Keyplan on Debian or Ubuntu: Qt's runtime libraries and fonts (apt), then a virtual
# environment in .venv with Keyplan and its development tools (pip install -e .[dev]).
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# What PySide6's Qt needs from the system (xcb for a real screen, EGL/GL, fonts, D-Bus),
# plus the venv module that Debian ships separately.
APT_PACKAGES="libegl1 libgl1 libglx0 libopengl0 libfontconfig1 libfreetype6 libdbus-1-3
  libglib2.0-0 libxkbcommon0 libxkbcommon-x11-0 libx11-xcb1 libxcb-cursor0 libxcb-icccm4
  libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xkb1
  libxcb-xfixes0 libxcb-sync1 libxcb-shm0 fontconfig fonts-dejavu-core python3-venv
  libreoffice-calc-nogui poppler-utils"
# The last two serve the tests: LibreOffice recalculates exported workbooks the way a
# client's spreadsheet would, pdftoppm renders PDF pages to check how they look.

sudo_if_needed() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

if command -v apt-get >/dev/null 2>&1; then
  missing=()
  for package in $APT_PACKAGES; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$package")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "bootstrap: installing ${missing[*]}"
    sudo_if_needed apt-get update -q
    sudo_if_needed env DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
else
  echo "bootstrap: not a Debian/Ubuntu system; install Qt 6's runtime libraries yourself." >&2
fi

PYTHON="${PYTHON:-python3}"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
  echo "bootstrap: Keyplan needs Python 3.11 or newer ($PYTHON is $("$PYTHON" -V 2>&1))." >&2
  exit 1
}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
echo "bootstrap: ready. Start Keyplan with .venv/bin/keyplan --demo"
