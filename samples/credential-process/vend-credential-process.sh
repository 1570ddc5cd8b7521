#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# An AWS CLI / SDK credential_process backed by Vend: exchanges a workload proof for temporary
# AWS credentials (RFC 8693 with Vend's aws-credentials token type) and prints them in the
# credential_process format. Keeps them in an owner-only cache until 5 minutes before expiry.
# Needs curl and jq. Exit status: 0 printed, 1 refused, 2 usage, 3 unavailable.
#
#   vend-credential-process.sh VEND_URL PROOF_FILE [AUDIENCE [SUBJECT_TOKEN_TYPE]]
#
# ~/.aws/config:
#   [profile deploy]
#   credential_process = /path/vend-credential-process.sh https://vend.example.com /var/run/proof
set -euo pipefail

readonly AWS_CREDENTIALS_TYPE=urn:vend:params:oauth:token-type:aws-credentials
readonly REFRESH_MARGIN_SECONDS=300

if (($# < 2)); then
    sed -n '4,13p' "$0" >&2
    exit 2
fi
vend_url=${1%/}
proof_file=$2
audience=${3:-}
token_type=${4:-urn:ietf:params:oauth:token-type:jwt}

umask 077
cache_dir=${VEND_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/vend}
mkdir -p "$cache_dir"
cache_key=$(printf '%s\n%s\n%s' "$vend_url" "$audience" "$token_type" | sha256sum | cut -c1-32)
cache_file="$cache_dir/aws-credentials-$cache_key.json"

# Prints the cached credentials if they stay valid for the refresh margin; fails otherwise.
print_cached() {
    [[ -s $cache_file ]] || return 1
    jq -e --argjson margin "$REFRESH_MARGIN_SECONDS" \
        'select((.Expiration | sub("\\.[0-9]+"; "") | fromdateiso8601) - now > $margin)' \
        "$cache_file" 2>/dev/null
}

if print_cached; then
    exit 0
fi

body=$(mktemp "$cache_dir/response.XXXXXX")
trap 'rm -f "$body" "$body.out"' EXIT

args=(--silent --show-error --output "$body" --write-out '%{http_code}'
    --max-time 15 --retry 0
    --data-urlencode "grant_type=urn:ietf:params:oauth:grant-type:token-exchange"
    --data-urlencode "subject_token@$proof_file"
    --data-urlencode "subject_token_type=$token_type"
    --data-urlencode "requested_token_type=$AWS_CREDENTIALS_TYPE")
[[ -n $audience ]] && args+=(--data-urlencode "audience=$audience")

status=$(curl "${args[@]}" "$vend_url/token") || status=000

case $status in
    200)
        # Only the credential_process members, so nothing else lands in the cache.
        jq -e '{Version, AccessKeyId, SecretAccessKey, SessionToken, Expiration}
            | select(.Version == 1 and (.AccessKeyId | type) == "string")' "$body" \
            >"$body.out"
        mv "$body.out" "$cache_file"
        cat "$cache_file"
        ;;
    503 | 000)
        echo "vend: unavailable (HTTP $status); retry with a fresh proof" >&2
        exit 3
        ;;
    *)
        echo "vend: HTTP $status $(jq -r '.error // empty' "$body" 2>/dev/null):" \
            "$(jq -r '.error_description // empty' "$body" 2>/dev/null)" \
            "(request $(jq -r '.request_id // empty' "$body" 2>/dev/null))" >&2
        exit 1
        ;;
esac
