#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Exchanges this EC2 instance's identity for a Vend token and prints it (ADR 0009, aws-ec2-bundle):
# IMDSv2, the signed instance document (rsa2048), the instance identity role's credentials, a Vend
# challenge, and sts:GetCallerIdentity signed with SigV4 in openssl, carrying the challenge.
#
#   VEND_URL=https://vend.example.com vend-ec2.sh [--proof-only] [AUDIENCE [SCOPE]]
#
# --proof-only prints the bundle instead of exchanging it (it holds a session token: a secret).
# VEND_SERVER_ID (default VEND_URL) must be Vend's issuer URL; VEND_IMDS_URL the metadata service.
# Needs bash, curl, openssl, od, sed, tr. Exit status: 0 issued, 1 refused, 2 usage, 3 unavailable.
set -euo pipefail

readonly BUNDLE_TYPE=urn:vend:params:oauth:token-type:aws-ec2-bundle
readonly STS_BODY='Action=GetCallerIdentity&Version=2011-06-15'
readonly CONTENT_TYPE='application/x-www-form-urlencoded; charset=utf-8'
readonly SIGNED_HEADERS='content-type;host;x-amz-date;x-amz-security-token;x-vend-challenge;x-vend-server-id'
readonly CREDENTIALS_PATH=/latest/meta-data/identity-credentials/ec2/security-credentials/ec2-instance

proof_only=false
if [[ ${1:-} == --proof-only ]]; then
    proof_only=true
    shift
fi
if [[ -z ${VEND_URL:-} || ${1:-} == -* ]]; then
    sed -n '4,12p' "$0" >&2
    exit 2
fi
vend_url=${VEND_URL%/}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
server_id=${VEND_SERVER_ID:-$vend_url}
imds=${VEND_IMDS_URL:-http://169.254.169.254}
imds=${imds%/}
[[ $server_id =~ ^[[:graph:]]{1,256}$ && $server_id != *[\\\"]* ]] || {
    echo "vend-ec2: VEND_SERVER_ID must be Vend's issuer URL" >&2
    exit 2
}

die() { # status message
    echo "vend-ec2: $2" >&2
    exit "$1"
}

# Everything secret lives in this owner-only folder, in pipes, or in this shell's variables:
# never in an argument of another program.
umask 077
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# --- Instance metadata, IMDSv2: a session token first, then every GET with it. ---------------
imds_curl=(curl --silent --show-error --fail --noproxy '*' --max-time 5 --retry 2)
"${imds_curl[@]}" -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' \
    --output "$work/imds-token" "$imds/latest/api/token" ||
    die 3 "no IMDSv2 session token from $imds"
{
    printf 'X-aws-ec2-metadata-token: '
    tr -d '\r\n' <"$work/imds-token"
    printf '\n'
} >"$work/imds-header"

imds_get() { # path file
    "${imds_curl[@]}" -H "@$work/imds-header" --output "$2" "$imds$1" ||
        die 3 "instance metadata $1 unavailable"
}
imds_get /latest/dynamic/instance-identity/document "$work/document"
imds_get /latest/dynamic/instance-identity/rsa2048 "$work/rsa2048"
imds_get "$CREDENTIALS_PATH" "$work/credentials"

# The first string value of a member of a small fixed-shape JSON file (spaces around ':' allowed).
member() { # name file
    sed -nE "/\"$1\"/{s/.*\"$1\"[[:space:]]*:[[:space:]]*\"([^\"]*)\".*/\\1/p;q;}" "$2"
}

region=$(member region "$work/document")
[[ $region =~ ^[a-z0-9-]{1,32}$ ]] || die 3 "no region in the instance identity document"
[[ $(member Code "$work/credentials") == Success ]] ||
    die 3 "the instance identity role's credentials are not available"
access_key=$(member AccessKeyId "$work/credentials")
secret_key=$(member SecretAccessKey "$work/credentials")
session_token=$(member Token "$work/credentials")
[[ $access_key =~ ^[A-Z0-9]{16,128}$ && -n $secret_key && $session_token =~ ^[A-Za-z0-9+/=]+$ ]] ||
    die 3 "unexpected instance identity credentials"

# The rsa2048 output as one base64 line (PEM armour, if any, dropped).
signature=$(sed '/^-----/d' "$work/rsa2048" | tr -d '\r\n')
[[ $signature =~ ^[A-Za-z0-9+/=]+$ ]] || die 3 "unexpected rsa2048 signature"

# --- A fresh Vend challenge. ------------------------------------------------------------------
challenge=$(bash "$here/../lib/vend-challenge.sh" "$vend_url") || exit $?

# --- SigV4 (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html). -----
# HMAC-SHA256 is computed here from openssl's SHA-256, so no key is ever an openssl argument.
sha256_hex() { # reads stdin
    openssl dgst -sha256 -binary | od -An -v -tx1 | tr -d ' \n'
}

to_hex() { # text: prints its bytes in hex (ASCII input)
    local text=$1 i out='' hex
    for ((i = 0; i < ${#text}; i++)); do
        printf -v hex '%02x' "'${text:i:1}"
        out+=$hex
    done
    printf '%s' "$out"
}

hmac_hex() { # key-hex message: prints HMAC-SHA256(key, message) in hex (RFC 2104)
    local key=$1 i byte ipad='' opad='' hex
    while ((${#key} < 128)); do key+=00; done
    for ((i = 0; i < 128; i += 2)); do
        byte=$((16#${key:i:2}))
        printf -v hex '\\x%02x' $((byte ^ 0x36))
        ipad+=$hex
        printf -v hex '\\x%02x' $((byte ^ 0x5c))
        opad+=$hex
    done
    {
        printf '%b' "$opad"
        { printf '%b' "$ipad"; printf '%s' "$2"; } | openssl dgst -sha256 -binary
    } | sha256_hex
}

amz_date=$(date -u +%Y%m%dT%H%M%SZ)
day=${amz_date:0:8}
host=sts.$region.amazonaws.com
scope=$day/$region/sts/aws4_request

{
    printf 'POST\n/\n\n'
    printf 'content-type:%s\n' "$CONTENT_TYPE"
    printf 'host:%s\n' "$host"
    printf 'x-amz-date:%s\n' "$amz_date"
    printf 'x-amz-security-token:%s\n' "$session_token"
    printf 'x-vend-challenge:%s\n' "$challenge"
    printf 'x-vend-server-id:%s\n' "$server_id"
    printf '\n%s\n' "$SIGNED_HEADERS"
    printf '%s' "$STS_BODY" | sha256_hex
} >"$work/canonical-request"

string_to_sign=$(printf 'AWS4-HMAC-SHA256\n%s\n%s\n%s' "$amz_date" "$scope" \
    "$(sha256_hex <"$work/canonical-request")")
key=$(hmac_hex "$(to_hex "AWS4$secret_key")" "$day")
key=$(hmac_hex "$key" "$region")
key=$(hmac_hex "$key" sts)
key=$(hmac_hex "$key" aws4_request)
request_signature=$(hmac_hex "$key" "$string_to_sign")
unset key secret_key

authorization="AWS4-HMAC-SHA256 Credential=$access_key/$scope, SignedHeaders=$SIGNED_HEADERS, Signature=$request_signature"

# --- The aws-ec2-bundle: every value checked above holds no '"' or '\', so no escaping. ------
printf '{"instance_document":{"form":"rsa2048","signature":"%s"},"iam_proof":{"host":"%s","challenge":"%s","authorization":"%s","amz_date":"%s","security_token":"%s"}}' \
    "$signature" "$host" "$challenge" "$authorization" "$amz_date" "$session_token" \
    >"$work/bundle.json"

if $proof_only; then
    cat "$work/bundle.json"
    [[ -t 1 ]] && echo # exactly the JSON into files and pipes
    exit 0
fi
bash "$here/../lib/vend-exchange.sh" "$vend_url" "$work/bundle.json" "${1:-}" "${2:-}" "$BUNDLE_TYPE"
