#!/usr/bin/env bash
# Prepares a running Keycloak for the scenarios through its admin REST API (as the master-realm admin that
# KC_BOOTSTRAP_ADMIN_USERNAME/PASSWORD created), and mints refresh tokens through the real code flow. Usage:
#   setup/keycloak.sh prepare BASE_URL STATE_DIR   -> STATE_DIR/env (variables the Lua scenarios read)
#   setup/keycloak.sh mint    BASE_URL STATE_DIR N OUT_FILE   -> N fresh refresh tokens, one per line
# The realm "bench" mirrors the Gatehouse setup: a public PKCE client with strict refresh-token rotation,
# a confidential service client, the same users; brute-force detection off.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/common.sh
source "$here/../lib/common.sh"

cmd="$1" base="$2" state="$3"
realm=bench
password="Bench-Password-1234"
redirect_uri="http://localhost:8080/login/callback"
service_secret="bench-service-secret-0123456789abcdef"

admin_token() {
  : "${KEYCLOAK_ADMIN_USER:?set KEYCLOAK_ADMIN_USER (the KC_BOOTSTRAP_ADMIN_USERNAME Keycloak was started with)}"
  : "${KEYCLOAK_ADMIN_PASSWORD:?set KEYCLOAK_ADMIN_PASSWORD}"
  curl -sS -f "$base/realms/master/protocol/openid-connect/token" -d grant_type=password -d client_id=admin-cli \
    --data-urlencode "username=$KEYCLOAK_ADMIN_USER" --data-urlencode "password=$KEYCLOAK_ADMIN_PASSWORD" | jq -r .access_token
}

api() { # METHOD PATH [JSON]
  curl -sS -f -X "$1" "$base/admin$2" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' ${3:+--data "$3"}
}

auth_query() { # the /auth query string of the public client's code flow (PKCE S256)
  echo "client_id=bench-spa&redirect_uri=$(jq -rn --arg u "$redirect_uri" '$u|@uri')&response_type=code&scope=openid&state=s&nonce=n&code_challenge=$PKCE_CHALLENGE&code_challenge_method=S256"
}

prepare() {
  mkdir -p "$state"
  token="$(admin_token)"
  # Rotation as strict as Gatehouse's: a refresh token can be used once (Keycloak has no grace period).
  api POST /realms '{"realm":"bench","enabled":true,"sslRequired":"none","bruteForceProtected":false,
    "revokeRefreshToken":true,"refreshTokenMaxReuse":0}'
  local body
  body="$(jq -nc --arg r "$redirect_uri" '{clientId: "bench-spa", publicClient: true, standardFlowEnabled: true,
    directAccessGrantsEnabled: false, redirectUris: [$r], attributes: {"pkce.code.challenge.method": "S256"}}')"
  api POST "/realms/$realm/clients" "$body"
  body="$(jq -nc --arg s "$service_secret" '{clientId: "bench-service", publicClient: false, secret: $s,
    clientAuthenticatorType: "client-secret", serviceAccountsEnabled: true, standardFlowEnabled: false,
    directAccessGrantsEnabled: false}')"
  api POST "/realms/$realm/clients" "$body"
  local i
  for ((i = 1; i <= SIGNIN_USER_COUNT; i++)); do
    body="$(jq -nc --arg u "bench-user-$i@example.com" --arg p "$password" '{username: $u, email: $u, firstName: "Bench",
      lastName: "User", enabled: true, emailVerified: true, credentials: [{type: "password", value: $p, temporary: false}]}')"
    api POST "/realms/$realm/users" "$body"
  done

  # A browser session for the code flow: the realm's login page, as a person would use it.
  local headers page action cookies location session
  headers="$(mktemp)"
  page="$(curl -sS -D "$headers" "$base/realms/$realm/protocol/openid-connect/auth?$(auth_query)")"
  action="$(grep -o '<form[^>]*action="[^"]*"' <<<"$page" | sed 's/.*action="\([^"]*\)".*/\1/; s/&amp;/\&/g' | head -n1)"
  cookies="$(sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\).*/\1/p' "$headers" | tr -d '\r' | paste -sd';' | sed 's/;/; /g')"
  [ -n "$action" ] || die "keycloak setup: no login form at /auth"
  location="$(curl -sS -o /dev/null -D "$headers" -w '%{redirect_url}' -H "Cookie: $cookies" "$action" \
    --data-urlencode "username=bench-user-1@example.com" --data-urlencode "password=$password" --data-urlencode credentialId=)"
  [[ "$location" == *code=* ]] || die "keycloak setup: signing in gave no code (redirect: '$location')"
  session="$(sed -n 's/^[Ss]et-[Cc]ookie: \(KEYCLOAK_[A-Z_]*=[^;]*\).*/\1/p' "$headers" | tr -d '\r' | grep -v '=$' | paste -sd';' | sed 's/;/; /g')"
  rm -f "$headers"
  [ -n "$session" ] || die "keycloak setup: signing in gave no session cookie"

  local claims_env="" mfa_env=""
  [[ " ${BENCH_SCENARIOS:-claims mfa} " == *" claims "* ]] && claims_env="$(setup_claims)"
  [[ " ${BENCH_SCENARIOS:-claims mfa} " == *" mfa "* ]] && mfa_env="$(setup_mfa)"

  cat >"$state/env" <<ENV
$claims_env
$mfa_env
SERVER_KIND=keycloak
AUTHORIZE_PATH=/realms/$realm/protocol/openid-connect/auth
TOKEN_PATH=/realms/$realm/protocol/openid-connect/token
KEYS_PATH=/realms/$realm/protocol/openid-connect/certs
DISCOVERY_PATH=/realms/$realm/.well-known/openid-configuration
CLIENT_ID=bench-spa
REDIRECT_URI=$redirect_uri
SESSION_COOKIE=$session
CODE_SCOPE=openid
REFRESH_SCOPE=openid
CC_AUTHORIZATION=Basic $(printf '%s:%s' bench-service "$service_secret" | base64 -w0)
CC_SCOPE=
SIGNIN_PAGE=/realms/$realm/protocol/openid-connect/auth?$(auth_query)
SIGNIN_COOKIE=
SIGNIN_USERS=$(seq -f 'bench-user-%g@example.com' 1 "$SIGNIN_USER_COUNT" | paste -sd,)
SIGNIN_PASSWORD=$password
SIGNIN_EXTRA=credentialId=
SIGNIN_SUCCESS=[?&]code=
ENV
}

# The claims scenario, Keycloak's nearest equivalent of a custom server with a claim and an access policy: a client
# scope bench.read carrying a hardcoded-claim mapper (bench_tier=GOLD), optional on a confidential service client
# bench-claims that asks for it. Checks that a token carries the claim; prints the env lines.
setup_claims() {
  local scope client auth access claim
  api POST "/realms/$realm/client-scopes" '{"name":"bench.read","protocol":"openid-connect",
    "attributes":{"include.in.token.scope":"true","display.on.consent.screen":"false"},
    "protocolMappers":[{"name":"bench_tier","protocol":"openid-connect","protocolMapper":"oidc-hardcoded-claim-mapper",
      "config":{"claim.name":"bench_tier","claim.value":"GOLD","jsonType.label":"String","access.token.claim":"true",
        "id.token.claim":"false","userinfo.token.claim":"false","introspection.token.claim":"true"}}]}'
  scope="$(api GET "/realms/$realm/client-scopes" | jq -r '.[] | select(.name == "bench.read") | .id')"
  api POST "/realms/$realm/clients" "$(jq -nc --arg s "$service_secret" '{clientId: "bench-claims", publicClient: false, secret: $s,
    clientAuthenticatorType: "client-secret", serviceAccountsEnabled: true, standardFlowEnabled: false, directAccessGrantsEnabled: false}')"
  client="$(api GET "/realms/$realm/clients?clientId=bench-claims" | jq -r '.[0].id')"
  api PUT "/realms/$realm/clients/$client/optional-client-scopes/$scope"
  auth="Basic $(printf '%s:%s' bench-claims "$service_secret" | base64 -w0)"
  access="$(curl -sS "$base/realms/$realm/protocol/openid-connect/token" -H "Authorization: $auth" -d grant_type=client_credentials \
    -d scope=bench.read | jq -r '.access_token // empty')"
  claim="$(jwt_claim "$access" bench_tier)"
  [ "$claim" = GOLD ] || die "keycloak setup: bench-claims' token has bench_tier='$claim', not GOLD"
  printf 'CLAIMS_TOKEN_PATH=/realms/%s/protocol/openid-connect/token\nCLAIMS_AUTHORIZATION=%s\nCLAIMS_SCOPE=bench.read\n' "$realm" "$auth"
}

# The mfa scenario: MFA_USER_COUNT users with a password and an OTP credential (TOTP, HmacSHA1, 6 digits, 30 s: the
# realm's default OTP policy), imported 100 at a time through partialImport (the admin API's user creation takes only
# passwords). The default browser flow's conditional OTP step then asks them for a code. Writes MFA_USERS_FILE;
# prints the env lines.
setup_mfa() {
  local i n users secret
  : >"$state/mfa-users"
  for ((i = 1; i <= MFA_USER_COUNT; i += 100)); do
    token="$(admin_token)"   # the master realm's tokens live 60 s; a thousand users take longer
    users="$(for ((n = i; n < i + 100 && n <= MFA_USER_COUNT; n++)); do
      secret="bench-otp-secret-$(printf '%05d' "$n")"      # the HMAC key is this text's bytes
      echo "bench-mfa-$n@example.com $(printf '%s' "$secret" | od -An -tx1 | tr -d ' \n') 0" >>"$state/mfa-users"
      jq -nc --arg u "bench-mfa-$n@example.com" --arg p "$password" --arg s "$secret" '{username: $u, email: $u, firstName: "Bench",
        lastName: "Mfa", enabled: true, emailVerified: true, credentials: [{type: "password", value: $p, temporary: false},
        {type: "otp", userLabel: "bench", secretData: ({value: $s} | tojson),
         credentialData: ({subType: "totp", digits: 6, counter: 0, period: 30, algorithm: "HmacSHA1"} | tojson)}]}'
    done | jq -sc '{ifResourceExists: "SKIP", users: .}')"
    api POST "/realms/$realm/partialImport" "$users" >/dev/null
  done
  printf 'MFA_USERS_FILE=%s\nMFA_PASSWORD=%s\nMFA_CODE_FIELD=otp\nMFA_SUCCESS=[?&]code=.\n' "$state/mfa-users" "$password"
}

case "$cmd" in
  prepare) prepare ;;
  mint) mint_refresh_tokens "$base" "$state/env" "$4" "$5" ;;
  *) die "usage: $0 prepare|mint BASE_URL STATE_DIR [N OUT_FILE]" ;;
esac
