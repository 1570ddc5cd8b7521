#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# The body of the vend-token composite action: request the job's OIDC token with the audience
# Vend expects, mask it, exchange it, mask the result and export it. Runs on GitHub's runners;
# needs curl and jq (both on GitHub-hosted runners) and the job permission id-token: write.
set -euo pipefail

: "${VEND_URL:?vend-url is required}"
: "${ACTIONS_ID_TOKEN_REQUEST_URL:?the job needs permissions: id-token: write}"
: "${ACTIONS_ID_TOKEN_REQUEST_TOKEN:?the job needs permissions: id-token: write}"
oidc_audience=${OIDC_AUDIENCE:-${VEND_URL%/}}
export_as=${EXPORT_AS:-VEND_TOKEN}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

encoded_audience=$(printf '%s' "$oidc_audience" | jq -sRr @uri)
curl --silent --show-error --fail --max-time 15 \
    --header "Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN" \
    "$ACTIONS_ID_TOKEN_REQUEST_URL&audience=$encoded_audience" \
    | jq -j .value >"$work/proof"
echo "::add-mask::$(<"$work/proof")"

token=$(bash "$GITHUB_ACTION_PATH/../../lib/vend-exchange.sh" "$VEND_URL" "$work/proof" \
    "${VEND_AUDIENCE:-}" "${VEND_SCOPE:-}")
echo "::add-mask::$token"
echo "token=$token" >>"$GITHUB_OUTPUT"
echo "$export_as=$token" >>"$GITHUB_ENV"
