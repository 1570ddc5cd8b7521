#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Exchanges this Compute Engine VM's identity for a Vend token and prints it (ADR 0009): a Vend
# challenge, then the metadata server's identity token (format=full) for the audience
# <VEND_AUDIENCE>?challenge=<challenge>, exchanged as a JWT.
#
#   VEND_URL=https://vend.example.com vend-gce.sh [AUDIENCE [SCOPE]]
#
# VEND_AUDIENCE (default VEND_URL) is the audience of Vend's gce issuer entry; VEND_METADATA_URL
# the metadata server. Needs bash, curl, sed. Exit status: 0 issued, 1 refused, 2 usage,
# 3 unavailable.
set -euo pipefail

readonly JWT_TYPE=urn:ietf:params:oauth:token-type:jwt
readonly IDENTITY_PATH=/computeMetadata/v1/instance/service-accounts/default/identity

if [[ -z ${VEND_URL:-} || ${1:-} == -* ]]; then
    sed -n '4,12p' "$0" >&2
    exit 2
fi
vend_url=${VEND_URL%/}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
vend_audience=${VEND_AUDIENCE:-$vend_url}
metadata=${VEND_METADATA_URL:-http://metadata.google.internal}
metadata=${metadata%/}

die() { # status message
    echo "vend-gce: $2" >&2
    exit "$1"
}

# The identity token lives only in this owner-only folder.
umask 077
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

challenge=$(bash "$here/../lib/vend-challenge.sh" "$vend_url") || exit $?

# Google's metadata server: never through a proxy, and only with Metadata-Flavor: Google.
curl --silent --show-error --fail --noproxy '*' --max-time 5 --retry 2 \
    -H 'Metadata-Flavor: Google' --get \
    --data-urlencode "audience=$vend_audience?challenge=$challenge" \
    --data-urlencode format=full \
    --output "$work/identity.jwt" "$metadata$IDENTITY_PATH" ||
    die 3 "no identity token from the metadata server at $metadata"
[[ -s $work/identity.jwt ]] || die 3 "the metadata server sent an empty identity token"

bash "$here/../lib/vend-exchange.sh" "$vend_url" "$work/identity.jwt" "${1:-}" "${2:-}" "$JWT_TYPE"
