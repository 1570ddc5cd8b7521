#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Exchanges the pod's projected service-account token (audience: Vend) for a Vend token and
# prints it. No sidecar: call it from the workload when it needs a token.
#
#   VEND_URL=https://vend.example.com vend-k8s.sh [AUDIENCE [SCOPE]]
set -euo pipefail

: "${VEND_URL:?set VEND_URL to the issuer URL of Vend}"
proof=${VEND_PROOF_FILE:-/var/run/secrets/vend/token}
[[ -r $proof ]] || { echo "vend-k8s: no projected token at $proof" >&2; exit 2; }

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
exec bash "$here/../lib/vend-exchange.sh" "$VEND_URL" "$proof" "${1:-}" "${2:-}"
