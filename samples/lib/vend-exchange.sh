#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Exchanges a workload proof for a Vend token (RFC 8693) and prints the access token on stdout.
# Shared by the CI and Kubernetes samples. Needs curl; reads the proof from a file so it never
# appears on a command line. Exit status: 0 issued, 1 refused (400), 2 usage, 3 unavailable.
#
#   vend-exchange.sh VEND_URL PROOF_FILE [AUDIENCE [SCOPE [SUBJECT_TOKEN_TYPE]]]
set -euo pipefail

if (($# < 2)); then
    sed -n '4,8p' "$0" >&2
    exit 2
fi
vend_url=${1%/}
proof_file=$2
audience=${3:-}
scope=${4:-}
token_type=${5:-urn:ietf:params:oauth:token-type:jwt}

body=$(mktemp)
proof=$(mktemp)
trap 'rm -f "$body" "$proof"' EXIT
# The proof as a file without trailing line breaks: curl's name@file sends a file as it is, and
# Vend refuses a subject token that ends in a newline, as `echo "$token" > file` would write it.
printf '%s' "$(<"$proof_file")" >"$proof"

args=(--silent --show-error --output "$body" --write-out '%{http_code}'
    --max-time 15 --retry 0
    --data-urlencode "grant_type=urn:ietf:params:oauth:grant-type:token-exchange"
    --data-urlencode "subject_token@$proof"
    --data-urlencode "subject_token_type=$token_type")
[[ -n $audience ]] && args+=(--data-urlencode "audience=$audience")
[[ -n $scope ]] && args+=(--data-urlencode "scope=$scope")

status=$(curl "${args[@]}" "$vend_url/token") || status=000

# The response members are fixed (RFC 8693 §2.2.1), so sed reads them without jq.
member() {
    sed -nE "s/.*\"$1\":\"([^\"]*)\".*/\\1/p" "$body"
}

case $status in
    200)
        member access_token
        ;;
    503 | 000)
        echo "vend: unavailable (HTTP $status); retry with a fresh proof" >&2
        exit 3
        ;;
    *)
        echo "vend: HTTP $status $(member error): $(member error_description)" \
            "(request $(member request_id))" >&2
        exit 1
        ;;
esac
