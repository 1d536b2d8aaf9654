#!/usr/bin/env bash
# Install the Debian packages a group of tasks needs; idempotent.
#
#   scripts/system-deps.sh GROUP...      e.g.  scripts/system-deps.sh test
#
# Groups (extend the table below; a group may pull in other groups with "@name"):
#   run   what the app needs to serve (WeasyPrint PDFs with Chinese text)
#   prod  the production stack of make prod: PostgreSQL, Redis, nginx (TLS by openssl)
#   test  everything in "prod" plus the services and tools the test suite uses
#         (PostgreSQL, Redis, poppler for pdftotext, Chromium for browser tests; iproute2 and
#         iptables for the private network and its faults in the WebRTC tests; tesseract with
#         its simplified-Chinese data for the outside prescriptions' optional OCR assist)
set -euo pipefail

declare -A GROUPS_PKGS=(
    [run]="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk"
    [prod]="@run postgresql redis-server nginx openssl"
    [test]="@prod poppler-utils chromium iptables iproute2 tesseract-ocr tesseract-ocr-chi-sim"
)

usage() {
    echo "usage: $0 GROUP..." >&2
    echo "groups: ${!GROUPS_PKGS[*]}" >&2
}

if [ "$#" -eq 0 ]; then
    usage
    exit 2
fi

declare -a wanted=()
declare -A seen_group=()

# Expand a group (recursively through "@group" entries) into wanted[].
expand_group() {
    local group=$1 item
    if [ -z "${GROUPS_PKGS[$group]+x}" ]; then
        echo "system-deps: unknown group '$group'" >&2
        usage
        exit 2
    fi
    [ -n "${seen_group[$group]+x}" ] && return 0
    seen_group[$group]=1
    for item in ${GROUPS_PKGS[$group]}; do
        if [[ $item == @* ]]; then
            expand_group "${item#@}"
        else
            wanted+=("$item")
        fi
    done
}

for group in "$@"; do
    expand_group "$group"
done

# De-duplicate, keeping order.
declare -a packages=()
declare -A seen_pkg=()
for pkg in "${wanted[@]}"; do
    if [ -z "${seen_pkg[$pkg]+x}" ]; then
        seen_pkg[$pkg]=1
        packages+=("$pkg")
    fi
done

declare -a missing=()
for pkg in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    # "install ok installed" (or "hold ok installed"); anything else, e.g.
    # "deinstall ok config-files" or not known at all, counts as missing.
    if [[ $status != *" ok installed" ]]; then
        missing+=("$pkg")
    fi
done

if [ "${#missing[@]}" -eq 0 ]; then
    echo "system-deps: all ${#packages[@]} packages for '$*' already installed"
    exit 0
fi

echo "system-deps: missing: ${missing[*]}"
install_cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"

if ! command -v apt-get >/dev/null 2>&1; then
    echo "system-deps: apt-get not found (not a Debian-based system)." >&2
    echo "system-deps: install the equivalents of these Debian packages yourself: ${missing[*]}" >&2
    exit 1
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "system-deps: not root; cannot install. Run as root:" >&2
    echo "  sudo sh -c '$install_cmd'" >&2
    exit 1
fi

# apt output goes to a log that is shown only when a step fails.
log=$(mktemp "${TMPDIR:-/tmp}/system-deps.XXXXXX")
trap 'rm -f "$log"' EXIT
run_logged() {
    if ! "$@" >"$log" 2>&1; then
        echo "system-deps: FAILED: $*" >&2
        cat "$log" >&2
        exit 1
    fi
}

echo "system-deps: apt-get update"
run_logged apt-get update
echo "system-deps: apt-get install --no-install-recommends ${missing[*]}"
run_logged env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
echo "system-deps: installed ${#missing[@]} package(s)"
