#!/usr/bin/env bash
# Install the Debian packages the course needs beyond Python, if they are missing:
#   bubblewrap  the sandbox `make grade` runs student code in
#   chromium    the browser the JupyterLab tests drive (with the PyPI playwright package)
# Uses apt-get as root, or through sudo; elsewhere it says what to install and goes on.
set -euo pipefail
missing=()
command -v bwrap >/dev/null 2>&1 || missing+=(bubblewrap)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
    echo "Not installed: ${missing[*]}. Install them with your system's package manager." >&2
    exit 0
fi
as_root=(env DEBIAN_FRONTEND=noninteractive)
[ "$(id -u)" -eq 0 ] || as_root=(sudo DEBIAN_FRONTEND=noninteractive)
echo "Installing ${missing[*]} with apt-get" >&2
"${as_root[@]}" apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null \
    || { "${as_root[@]}" apt-get update >/dev/null && "${as_root[@]}" apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null; }
