#!/usr/bin/env bash
# Install the Debian packages named as arguments, those that are missing:
#   bubblewrap  the sandbox `make grade` runs student code in (make grade, make test)
#   chromium    the browser the JupyterLab tests drive, with the PyPI playwright package (make test)
#   npm         installs the proxy in front of `make hub` (make hub, make test)
# `make lab` needs neither. Uses apt-get as root, or through sudo; elsewhere it says what to
# install and goes on.
set -euo pipefail
declare -A command_of=([bubblewrap]=bwrap [chromium]=chromium)
missing=()
for package in "$@"; do
    command -v "${command_of[$package]:-$package}" >/dev/null 2>&1 || missing+=("$package")
done
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
