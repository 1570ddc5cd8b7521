#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# The local demo: a throwaway workload issuer signs a token for a CI job, Vend exchanges it for a
# short-lived access token (RFC 8693), and a relying party verifies that token with a stock JOSE
# library. Then Vend refuses a branch the policy does not allow and a replayed workload token, and
# the audit lines show what happened. Nothing leaves this machine; the port is a free loopback one.
#
#   bash samples/local-demo/run.sh              # builds what it needs first
#   bash samples/local-demo/run.sh --no-build   # uses what `mvn package` already built
#
# Exits 0 only when every expectation held. VEND_DEMO_KEEP=1 keeps the temporary folder.
# Maven sets VEND_JAR, VEND_DEMO_CLASSES and VEND_DEMO_CLASSPATH_FILE when it runs the demo.
set -euo pipefail

readonly TOKEN_EXCHANGE=urn:ietf:params:oauth:grant-type:token-exchange
readonly JWT_TYPE=urn:ietf:params:oauth:token-type:jwt
readonly ACCESS_TOKEN_TYPE=urn:ietf:params:oauth:token-type:access_token
readonly API_AUDIENCE=https://demo-api.invalid
readonly WAIT_SECONDS=30

usage() {
    echo "usage: bash samples/local-demo/run.sh [--no-build]"
}

build=true
for arg in "$@"; do
    case $arg in
        --no-build) build=false ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; exit 2 ;;
    esac
done

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

failures=0
step_number=0

step() {
    step_number=$((step_number + 1))
    printf '\n== %d. %s\n' "$step_number" "$*"
}

say() {
    printf '   %s\n' "$@"
}

indent() {
    sed 's/^/   | /'
}

pass() {
    printf '   ok: %s\n' "$*"
}

fail() {
    printf '   FAILED: %s\n' "$*"
    failures=$((failures + 1))
}

die() {
    printf '\nlocal demo: %s\n' "$*" >&2
    exit 1
}

expect_equal() { # description expected actual
    if [[ $2 == "$3" ]]; then
        pass "$1"
    else
        fail "$1: expected '$2', got '$3'"
    fi
}

# The first 12 characters of a token: enough to recognise it, useless to anyone who reads logs.
mask() {
    printf '%s...' "${1:0:12}"
}

find_server_jar() {
    local jar
    for jar in "$root"/functions/api/target/vend-api-*.jar; do
        case $jar in
            *-sources.jar | *-javadoc.jar | *-tests.jar) continue ;;
        esac
        if [[ -f $jar ]]; then
            echo "$jar"
            return 0
        fi
    done
    return 1
}

demo() { # main class in dev.vend.samples.demo, then its arguments
    local main=$1
    shift
    java -cp "$demo_classpath" "dev.vend.samples.demo.$main" "$@"
}

json() { # member, file: one member of a JSON object, without jq
    demo Json "$1" <"$2"
}

exchange() { # subject-token file, response file; prints the HTTP status
    # --data-urlencode name@file keeps the token off curl's command line (and out of `ps`).
    curl -sS --max-time 10 -o "$2" -w '%{http_code}' \
        --data-urlencode "grant_type=$TOKEN_EXCHANGE" \
        --data-urlencode "subject_token@$1" \
        --data-urlencode "subject_token_type=$JWT_TYPE" \
        "$vend_url/token"
}

claim() { # name: one line of RelyingParty's output
    sed -n "s|^$1: ||p" "$work/verified.txt"
}

mint() { # sub, ref, output file
    local token
    token=$(demo DemoIssuer mint "$work" "$vend_url" "$1" "$2")
    printf '%s' "$token" >"$3"
}

without_request_id() { # response file
    sed -E 's/"request_id":"[^"]*"/"request_id":"-"/' "$1"
}

stop_server() { # TERM, then KILL after 10 s
    local waited=0
    if [[ -n ${server_pid:-} ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid" 2>/dev/null || true
        while kill -0 "$server_pid" 2>/dev/null && ((waited < 20)); do
            sleep 0.5
            waited=$((waited + 1))
        done
        kill -KILL "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    server_pid=""
}

cleanup() {
    local status=$?
    stop_server
    if ((status != 0)) && [[ -n ${work:-} && -f $work/server.out ]]; then
        echo "local demo: the server's last output:" >&2
        tail -n 40 "$work/server.err" "$work/server.out" >&2 || true
    fi
    if [[ -n ${work:-} && -d $work ]]; then
        if [[ -n ${VEND_DEMO_KEEP:-} ]]; then
            echo "local demo: kept $work" >&2
            echo "  it holds the demo issuer's private key and still-valid tokens: delete it when" >&2
            echo "  done. Its issuers.yaml expects workload tokens minted for ${vend_url:-}." >&2
            echo "  Serve on that port, with the demo's signing key:" >&2
            echo "  java -jar functions/api/target/vend-api-0.1.0-SNAPSHOT.jar serve \\" >&2
            echo "    --port ${port:-} --issuers '$work/issuers.yaml' --policies '$work/policies' \\" >&2
            echo "    --state '$work/state'" >&2
            echo "  mint a fresh workload token (each one is single use, and lives 5 minutes):" >&2
            echo "  java -cp '${demo_classpath:-}' dev.vend.samples.demo.DemoIssuer mint \\" >&2
            echo "    '$work' '${vend_url:-}' workload-42 refs/heads/main > '$work/workload.jwt'" >&2
            echo "  and exchange it for the audience its policy entitles:" >&2
            echo "  curl -s ${vend_url:-}/token \\" >&2
            echo "    --data-urlencode grant_type=urn:ietf:params:oauth:grant-type:token-exchange \\" >&2
            echo "    --data-urlencode 'subject_token@$work/workload.jwt' \\" >&2
            echo "    --data-urlencode subject_token_type=urn:ietf:params:oauth:token-type:jwt \\" >&2
            echo "    --data-urlencode audience=$API_AUDIENCE" >&2
        else
            rm -rf "$work"
        fi
    fi
    exit "$status"
}

server_pid=""
work=""
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

command -v java >/dev/null || die "java is not on the PATH (Java 17 or later is needed)"
command -v curl >/dev/null || die "curl is not on the PATH"

if $build; then
    command -v mvn >/dev/null || die "mvn is not on the PATH (or build first and pass --no-build)"
    step "Build the server and the demo programs"
    say "mvn -B -q -DskipTests -pl functions/api,samples -am package"
    (cd "$root" && mvn -B -q -DskipTests -pl functions/api,samples -am package)
fi

server_jar=${VEND_JAR:-$(find_server_jar || true)}
classes=${VEND_DEMO_CLASSES:-$root/samples/target/classes}
classpath_file=${VEND_DEMO_CLASSPATH_FILE:-$root/samples/target/cp.txt}
[[ -f $server_jar ]] ||
    die "no server jar (${server_jar:-none in functions/api/target}); run without --no-build"
[[ -d $classes && -f $classpath_file ]] || die "samples not built; run without --no-build"
demo_classpath="$classes:$(<"$classpath_file")"
# After the build, so only the demo's own files (keys, tokens, state) are private.
umask 077

step "Make a throwaway workload issuer and the Vend configuration that trusts it"
port=$(demo FreePort)
if [[ $port == 8080 ]]; then
    port=$(demo FreePort)
fi
[[ $port =~ ^[0-9]+$ && $port != 8080 ]] || die "no free port (got '$port')"
vend_url="http://localhost:$port"
work=$(mktemp -d "${TMPDIR:-/tmp}/vend-demo.XXXXXX")
say "DemoIssuer init $work $vend_url"
demo DemoIssuer init "$work" "$vend_url"
say "demo-issuer-key.json:  the issuer's fresh ES256 private key (it never leaves this folder)" \
    "demo-issuer-jwks.json: its public half, which Vend reads" \
    "issuers.yaml:"
indent <"$work/issuers.yaml"
say "policies/demo.yaml:"
indent <"$work/policies/demo.yaml"

step "Start Vend on a free loopback port"
say "server: $server_jar" \
    "java -jar $(basename "$server_jar") serve --port $port --issuers issuers.yaml \\" \
    "  --policies policies --state state"
java -jar "$server_jar" serve --port "$port" --issuers "$work/issuers.yaml" \
    --policies "$work/policies" --state "$work/state" \
    >"$work/server.out" 2>"$work/server.err" &
server_pid=$!

deadline=$((SECONDS + WAIT_SECONDS))
until curl -sf --max-time 2 -o "$work/discovery.json" \
    "$vend_url/.well-known/openid-configuration"; do
    if ! kill -0 "$server_pid" 2>/dev/null; then
        die "the server exited before it answered"
    fi
    ((SECONDS < deadline)) || die "the server did not answer within $WAIT_SECONDS s"
    sleep 0.5
done
say "GET $vend_url/.well-known/openid-configuration"
indent <"$work/discovery.json"
echo
expect_equal "discovery names this Vend as issuer" "$vend_url" \
    "$(json issuer "$work/discovery.json")"

step "A CI job gets a workload token from its platform (sub workload-42, refs/heads/main)"
mint workload-42 refs/heads/main "$work/workload-main.jwt"
say "workload token: $(mask "$(<"$work/workload-main.jwt")") (iss https://issuer.demo.invalid," \
    "  aud $vend_url, 5 min, a unique jti, repository acme/demo-app)"

step "Exchange it at Vend (RFC 8693 token exchange)"
say "curl $vend_url/token \\" \
    "  --data-urlencode grant_type=$TOKEN_EXCHANGE \\" \
    "  --data-urlencode subject_token=<workload token> \\" \
    "  --data-urlencode subject_token_type=$JWT_TYPE"
status=$(exchange "$work/workload-main.jwt" "$work/issued.json")
say "HTTP $status"
sed -E 's/("access_token":")([^"]{12})[^"]*"/\1\2..."/' "$work/issued.json" | indent
echo
expect_equal "HTTP 200" 200 "$status"
[[ $status == 200 ]] || die "no token was issued"
json access_token "$work/issued.json" >"$work/access-token.jwt"
expect_equal "issued_token_type" "$ACCESS_TOKEN_TYPE" \
    "$(json issued_token_type "$work/issued.json")"
expect_equal "token_type" Bearer "$(json token_type "$work/issued.json")"
expect_equal "scope" "deploy read" "$(json scope "$work/issued.json")"
expect_equal "expires_in (the policy's cap)" 300 "$(json expires_in "$work/issued.json")"

step "The demo API verifies it as any relying party would (discovery, JWKS, Nimbus)"
say "RelyingParty $vend_url $API_AUDIENCE <access token>"
if demo RelyingParty "$vend_url" "$API_AUDIENCE" "$work/access-token.jwt" \
    >"$work/verified.txt"; then
    indent <"$work/verified.txt"
    pass "signature, typ at+jwt, iss, aud, exp and iat verified"
    expect_equal "sub is built by Vend, not copied" "oidc:demo-ci:workload-42" "$(claim sub)"
    expect_equal "client_id is the policy id" demo-deploy "$(claim client_id)"
else
    fail "the relying party refused Vend's token"
fi

step "Another API refuses the same token (it was not issued for that audience)"
say "RelyingParty $vend_url https://other-api.invalid <access token>"
if demo RelyingParty "$vend_url" https://other-api.invalid "$work/access-token.jwt" \
    >/dev/null 2>"$work/other.txt"; then
    fail "a relying party for another audience accepted the token"
else
    indent <"$work/other.txt"
    pass "refused"
fi

step "Refusal: the same job on refs/heads/feature (no policy allows it)"
mint workload-42 refs/heads/feature "$work/workload-feature.jwt"
say "workload token: $(mask "$(<"$work/workload-feature.jwt")") (ref refs/heads/feature)"
status=$(exchange "$work/workload-feature.jwt" "$work/refused-policy.json")
say "HTTP $status"
indent <"$work/refused-policy.json"
echo
expect_equal "HTTP 400" 400 "$status"
expect_equal "error" invalid_request "$(json error "$work/refused-policy.json")"
description=$(json error_description "$work/refused-policy.json" || true)
if [[ -n $description ]]; then
    pass "one constant error_description: \"$description\""
else
    fail "the refusal has no error_description"
fi

step "Refusal: the first workload token again (a replay; singleUseJti is on)"
status=$(exchange "$work/workload-main.jwt" "$work/refused-replay.json")
say "HTTP $status"
indent <"$work/refused-replay.json"
echo
expect_equal "HTTP 400" 400 "$status"
expect_equal "the replay and the policy refusal look the same on the wire" \
    "$(without_request_id "$work/refused-policy.json")" \
    "$(without_request_id "$work/refused-replay.json")"

step "The shell sample the CI and Kubernetes samples share (samples/lib/vend-exchange.sh)"
mint workload-42 refs/heads/main "$work/workload-shell.jwt"
say "VEND_URL=$vend_url VEND_PROOF_FILE=<projected token> samples/kubernetes/vend-k8s.sh \\"
say "  $API_AUDIENCE read"
if VEND_URL=$vend_url VEND_PROOF_FILE=$work/workload-shell.jwt \
    bash "$root/samples/kubernetes/vend-k8s.sh" "$API_AUDIENCE" read >"$work/shell-token.jwt"; then
    say "token: $(mask "$(<"$work/shell-token.jwt")")"
    pass "the shell sample got a token"
else
    fail "the shell sample did not get a token"
fi

step "The Java client library (samples/src/main/java/dev/vend/samples/client) does the same"
say "VendClient: a fresh proof per attempt, 503 retried with backoff, the token cached"
say "until half its lifetime, RFC 6749 errors as typed exceptions"
if demo ClientDemo "$vend_url" "$work" >"$work/client.txt" 2>&1; then
    indent <"$work/client.txt"
    pass "the client exchanged once and answered the second call from its cache"
else
    indent <"$work/client.txt"
    fail "the Java client did not get a token"
fi

step "Stop the server and read its audit lines (one per POST /token)"
stop_server
grep '^{' "$work/server.out" >"$work/audit.jsonl" || true
indent <"$work/audit.jsonl"
decisions=$(sed -E 's/.*"decision":"([a-z_]*)".*/\1/' "$work/audit.jsonl" | paste -sd ' ' -)
expect_equal "five decisions" "allow deny deny allow allow" "$decisions"
reasons=$(sed -nE 's/.*"reason":"([a-z_]*)".*/\1/p' "$work/audit.jsonl" | paste -sd ' ' -)
say "refusal reasons (audit only, never on the wire): $reasons"
leaked=""
for token_file in workload-main.jwt workload-feature.jwt access-token.jwt workload-shell.jwt \
    shell-token.jwt; do
    signature=$(sed -E 's/.*\.//' "$work/$token_file")
    payload=$(cut -d . -f 2 "$work/$token_file")
    if grep -qF -e "$signature" -e "$payload" "$work/server.out" "$work/server.err"; then
        leaked="$leaked $token_file"
    fi
done
expect_equal "no token in the server's output" "" "$leaked"

echo
if ((failures > 0)); then
    echo "local demo: $failures expectation(s) failed"
    exit 1
fi
echo "local demo: every expectation held"
