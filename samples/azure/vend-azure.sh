#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Exchanges this Azure VM's identity for a Vend token and prints it (ADR 0009): a Vend challenge,
# then the IMDS attested document signed over nonce=<challenge>, sent as IMDS served it.
#
#   VEND_URL=https://vend.example.com vend-azure.sh [AUDIENCE [SCOPE]]
#
# VEND_IMDS_URL overrides the instance metadata service. Needs bash, curl, sed.
# Exit status: 0 issued, 1 refused, 2 usage, 3 unavailable.
set -euo pipefail

readonly ATTESTED_TYPE=urn:vend:params:oauth:token-type:azure-attested
readonly API_VERSION=2021-02-01

if [[ -z ${VEND_URL:-} || ${1:-} == -* ]]; then
    sed -n '4,10p' "$0" >&2
    exit 2
fi
vend_url=${VEND_URL%/}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
imds=${VEND_IMDS_URL:-http://169.254.169.254}
imds=${imds%/}

die() { # status message
    echo "vend-azure: $2" >&2
    exit "$1"
}

umask 077
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

challenge=$(bash "$here/../lib/vend-challenge.sh" "$vend_url") || exit $?

# Azure IMDS: never through a proxy, and only with Metadata: true. The challenge is [a-z0-9].
curl --silent --show-error --fail --noproxy '*' --max-time 5 --retry 2 -H 'Metadata: true' \
    --output "$work/attested.json" \
    "$imds/metadata/attested/document?api-version=$API_VERSION&nonce=$challenge" ||
    die 3 "no attested document from the instance metadata service at $imds"
grep -q '"signature"' "$work/attested.json" ||
    die 3 "the instance metadata service sent no attested document"

bash "$here/../lib/vend-exchange.sh" "$vend_url" "$work/attested.json" "${1:-}" "${2:-}" \
    "$ATTESTED_TYPE"
