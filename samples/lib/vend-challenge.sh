#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Asks Vend for a fresh single-use challenge (POST /challenge) and prints it on stdout. Shared by
# the cloud samples, which bind it into what their platform signs. Exit status: 0 issued,
# 1 refused or malformed, 2 usage, 3 unavailable.
#
#   vend-challenge.sh VEND_URL
set -euo pipefail

if (($# != 1)); then
    sed -n '4,8p' "$0" >&2
    exit 2
fi
vend_url=${1%/}

die() { # status message
    echo "vend-challenge: $2" >&2
    exit "$1"
}

body=$(mktemp)
trap 'rm -f "$body"' EXIT

status=$(curl --silent --show-error --max-time 15 --output "$body" \
    --write-out '%{http_code}' --request POST --header 'Content-Length: 0' \
    "$vend_url/challenge") || status=000
case $status in
    200) ;;
    503 | 000) die 3 "no challenge from Vend (HTTP $status); try again later" ;;
    *) die 1 "Vend refused the challenge request (HTTP $status)" ;;
esac
challenge=$(sed -nE 's/.*"challenge"[[:space:]]*:[[:space:]]*"([a-z0-9]{32})".*/\1/p' "$body")
[[ -n $challenge ]] || die 1 "Vend's challenge has an unexpected shape"
printf '%s\n' "$challenge"
