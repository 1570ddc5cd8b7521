#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# An AWS CLI / SDK credential_process for EC2: samples/credential-process/vend-credential-process.sh
# fed with a fresh aws-ec2-bundle from vend-ec2.sh. The bundle (and its Vend challenge) is made
# only when the cached credentials need renewing: it is written into a FIFO, which blocks until
# the exchange opens it to read the proof.
#
#   vend-ec2-credential-process.sh VEND_URL [AUDIENCE]
#
# VEND_SERVER_ID, VEND_IMDS_URL and VEND_CACHE_DIR pass through. Exit status as
# vend-credential-process.sh: 0 printed, 1 refused, 2 usage, 3 unavailable.
set -euo pipefail

readonly BUNDLE_TYPE=urn:vend:params:oauth:token-type:aws-ec2-bundle

if (($# < 1)) || [[ $1 == -* ]]; then
    sed -n '4,12p' "$0" >&2
    exit 2
fi
export VEND_URL=$1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

umask 077
work=$(mktemp -d)
writer=
cleanup() {
    # The writer is still blocked opening the FIFO when the cache answered: end it.
    if [[ -n $writer ]]; then
        kill "$writer" 2>/dev/null || true
        wait "$writer" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

mkfifo "$work/proof"
bash "$here/vend-ec2.sh" --proof-only >"$work/proof" &
writer=$!

bash "$here/../credential-process/vend-credential-process.sh" "$VEND_URL" "$work/proof" \
    "${2:-}" "$BUNDLE_TYPE"
