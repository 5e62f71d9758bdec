#!/usr/bin/env bash
# Prepares a running Gatehouse for the scenarios through its own management API (SSWS), and mints
# refresh tokens through the real code flow. Usage:
#   setup/gatehouse.sh prepare BASE_URL STATE_DIR   -> STATE_DIR/env (variables the Lua scenarios read)
#   setup/gatehouse.sh mint    BASE_URL STATE_DIR N OUT_FILE   -> N fresh refresh tokens, one per line
# Needs GATEHOUSE_API_TOKEN (the SSWS token the server was started with).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/common.sh
source "$here/../lib/common.sh"

cmd="$1" base="$2" state="$3"
: "${GATEHOUSE_API_TOKEN:?set GATEHOUSE_API_TOKEN to the SSWS API token of the server}"
user="bench-user-1@example.com"   # the one with the browser session; the sign-in scenario uses them all
password="Sturdy-Harbor-1234"   # meets the password policy: no part of bench-user-N@example.com
redirect_uri="http://localhost:8080/login/callback"

api() { # METHOD PATH [JSON]
  curl -sS -f -X "$1" "$base$2" -H "Authorization: SSWS $GATEHOUSE_API_TOKEN" \
    -H 'Accept: application/json' -H 'Content-Type: application/json' ${3:+--data "$3"}
}

prepare() {
  mkdir -p "$state"
  # Single-page apps get the refresh grant only with this Early Access feature on (already on when started
  # with GATEHOUSE_FEATURES=refresh-token-rotation-for-spa).
  local feature
  feature="$(api GET /api/v1/features | jq -r '.[] | select(.name | test("Refresh Token Rotation"; "i")) | .id' | head -n1)"
  [ -n "$feature" ] && api POST "/api/v1/features/$feature/enable" >/dev/null || true

  local body i
  for ((i = 1; i <= SIGNIN_USER_COUNT; i++)); do
    body="$(jq -nc --arg l "bench-user-$i@example.com" --arg p "$password" \
      '{profile: {firstName: "Bench", lastName: "User", email: $l, login: $l}, credentials: {password: {value: $p}}}')"
    api POST '/api/v1/users?activate=true' "$body" >/dev/null
  done

  local spa
  body="$(jq -nc --arg r "$redirect_uri" '{name:"oidc_client",label:"Bench SPA",signOnMode:"OPENID_CONNECT",
      credentials:{oauthClient:{token_endpoint_auth_method:"none",pkce_required:true}},
      settings:{implicitAssignment:true,oauthClient:{application_type:"browser",redirect_uris:[$r],
        response_types:["code"],grant_types:["authorization_code","refresh_token"],
        refresh_token:{rotation_type:"ROTATE",leeway:30},consent_method:"TRUSTED"}}}')"
  spa="$(api POST /api/v1/apps "$body" | jq -r .credentials.oauthClient.client_id)"

  api POST /api/v1/authorizationServers/default/scopes '{"name":"bench.read"}' >/dev/null \
    || echo "bench: scope bench.read not created (exists already?)" >&2
  local service service_id service_secret
  service="$(api POST /api/v1/apps '{"name":"oidc_client","label":"Bench Service","signOnMode":"OPENID_CONNECT",
      "settings":{"oauthClient":{"application_type":"service","grant_types":["client_credentials"],"response_types":["token"]}}}')"
  service_id="$(jq -r .credentials.oauthClient.client_id <<<"$service")"
  service_secret="$(jq -r .credentials.oauthClient.client_secret <<<"$service")"

  # A browser session for the code flow: the hosted sign-in page, as a person would use it.
  local sid
  # The form's token is bound to the pre-session cookie the page sets (http/Csrf), so read both from the page first.
  local page pre csrf
  page="$(curl -sS -D - "$base/signin")"
  pre="$(sed -n 's/^[Ss]et-[Cc]ookie: \(gh_pre=[^;]*\).*/\1/p' <<<"$page" | tr -d '\r')"
  csrf="$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' <<<"$page" | head -n1)"
  [ -n "$pre" ] && [ -n "$csrf" ] || die "gatehouse setup: the sign-in page gave no pre-session cookie or CSRF token"
  sid="$(curl -sS -o /dev/null -D - -X POST "$base/signin" -H "Cookie: $pre" \
      --data-urlencode "csrf=$csrf" --data-urlencode "username=$user" --data-urlencode "password=$password" \
      --data-urlencode "fromURI=/" | sed -n 's/^[Ss]et-[Cc]ookie: \(sid=[^;]*\).*/\1/p' | tr -d '\r')"
  [ -n "$sid" ] || die "gatehouse setup: signing in as $user gave no session cookie"

  local claims_env="" mfa_env=""
  [[ " ${BENCH_SCENARIOS:-claims mfa} " == *" claims "* ]] && claims_env="$(setup_claims "$service_id" "$service_secret")"
  [[ " ${BENCH_SCENARIOS:-claims mfa} " == *" mfa "* ]] && mfa_env="$(setup_mfa)"

  cat >"$state/env" <<ENV
$claims_env
$mfa_env
SERVER_KIND=gatehouse
AUTHORIZE_PATH=/oauth2/default/v1/authorize
TOKEN_PATH=/oauth2/default/v1/token
KEYS_PATH=/oauth2/default/v1/keys
DISCOVERY_PATH=/oauth2/default/.well-known/openid-configuration
CLIENT_ID=$spa
REDIRECT_URI=$redirect_uri
SESSION_COOKIE=$sid
CODE_SCOPE=openid
REFRESH_SCOPE=openid offline_access
CC_AUTHORIZATION=Basic $(printf '%s:%s' "$service_id" "$service_secret" | base64 -w0)
CC_SCOPE=bench.read
SIGNIN_PAGE=/signin?fromURI=%2F
SIGNIN_COOKIE=
SIGNIN_USERS=$(seq -f 'bench-user-%g@example.com' 1 "$SIGNIN_USER_COUNT" | paste -sd,)
SIGNIN_PASSWORD=$password
SIGNIN_EXTRA=
SIGNIN_SUCCESS=^/\$
ENV
}

# The claims scenario: a custom authorization server with a scope, a custom claim (an expression) and an access
# policy whose rule admits the service app's client-credentials grant for that scope, so the token path evaluates
# both. Checks that a token carries the claim; prints the env lines.
setup_claims() { # SERVICE_ID SERVICE_SECRET
  local as policy auth token claim
  as="$(api POST /api/v1/authorizationServers '{"name":"Bench claims","description":"bench/run claims","audiences":["api://bench"]}' | jq -r .id)"
  api POST "/api/v1/authorizationServers/$as/scopes" '{"name":"bench.read"}' >/dev/null
  api POST "/api/v1/authorizationServers/$as/claims" '{"name":"bench_tier","status":"ACTIVE","claimType":"RESOURCE",
    "valueType":"EXPRESSION","value":"String.toUpperCase('"'gold'"')","alwaysIncludeInToken":true,"conditions":{"scopes":[]}}' >/dev/null
  policy="$(api POST "/api/v1/authorizationServers/$as/policies" '{"type":"OAUTH_AUTHORIZATION_POLICY","name":"Bench service",
    "description":"the bench service app","status":"ACTIVE","priority":1,"conditions":{"clients":{"include":["'"$1"'"]}}}' | jq -r .id)"
  api POST "/api/v1/authorizationServers/$as/policies/$policy/rules" '{"type":"RESOURCE_ACCESS","name":"Client credentials",
    "conditions":{"people":{"groups":{"include":["EVERYONE"]}},"grantTypes":{"include":["client_credentials"]},
    "scopes":{"include":["bench.read"]}},"actions":{"token":{"accessTokenLifetimeMinutes":60}}}' >/dev/null
  auth="Basic $(printf '%s:%s' "$1" "$2" | base64 -w0)"
  token="$(curl -sS "$base/oauth2/$as/v1/token" -H "Authorization: $auth" -d grant_type=client_credentials -d scope=bench.read | jq -r '.access_token // empty')"
  claim="$(jwt_claim "$token" bench_tier)"
  [ "$claim" = GOLD ] || die "gatehouse setup: the claims server's token has bench_tier='$claim', not GOLD"
  printf 'CLAIMS_TOKEN_PATH=/oauth2/%s/v1/token\nCLAIMS_AUTHORIZATION=%s\nCLAIMS_SCOPE=bench.read\n' "$as" "$auth"
}

# The mfa scenario: MFA_USER_COUNT users in a group whose global session policy (OKTA_SIGN_ON) requires a second
# factor at every sign-in, each with an active Google Authenticator TOTP factor (enrolled through the Factors API and
# activated with a code computed from the returned secret). Writes MFA_USERS_FILE; prints the env lines.
setup_mfa() {
  local aut group policy
  aut="$(api GET /api/v1/authenticators | jq -r '.[] | select(.key == "google_otp") | .id')"
  api POST "/api/v1/authenticators/$aut/lifecycle/activate" >/dev/null
  api GET '/api/v1/policies?type=MFA_ENROLL' | jq -r '.[] | select(.system) | .id' | while read -r p; do
    api PUT "/api/v1/policies/$p" '{"type":"MFA_ENROLL","name":"Default Policy","settings":{"type":"AUTHENTICATORS","authenticators":[
      {"key":"okta_password","enroll":{"self":"REQUIRED"}},{"key":"google_otp","enroll":{"self":"OPTIONAL"}}]}}' >/dev/null
  done
  group="$(api POST /api/v1/groups '{"profile":{"name":"Bench MFA"}}' | jq -r .id)"
  policy="$(api POST /api/v1/policies '{"type":"OKTA_SIGN_ON","name":"Bench MFA","priority":1,
    "conditions":{"people":{"groups":{"include":["'"$group"'"]}}}}' | jq -r .id)"
  api POST "/api/v1/policies/$policy/rules" '{"name":"Second factor always","type":"SIGN_ON",
    "actions":{"signon":{"access":"ALLOW","requireFactor":true,"factorPromptMode":"ALWAYS"}}}' >/dev/null
  export -f api mfa_user; export base group password GATEHOUSE_API_TOKEN here
  seq 1 "$MFA_USER_COUNT" | xargs -P 4 -I{} bash -c 'set -eo pipefail; mfa_user {}' >"$state/mfa-users.tmp" || die "gatehouse setup: mfa users"
  sort -t- -k3 -n "$state/mfa-users.tmp" >"$state/mfa-users"; rm -f "$state/mfa-users.tmp"
  [ "$(wc -l <"$state/mfa-users")" = "$MFA_USER_COUNT" ] || die "gatehouse setup: not every mfa user was made"
  # The operation starts at the SPA's /authorize (fresh PKCE challenge and nonce each time: {rand}) and ends with its
  # code: the global session policy's factor is asked on the way to an app (the sign-in page alone goes to '/').
  printf 'MFA_USERS_FILE=%s\nMFA_PASSWORD=%s\nMFA_CODE_FIELD=passCode\nMFA_SUCCESS=[?&]code=.\n' "$state/mfa-users" "$password"
  printf 'MFA_PAGE=/oauth2/default/v1/authorize?client_id=%s&redirect_uri=%s&response_type=code&scope=openid&state=s&nonce={rand}&code_challenge={rand}&code_challenge_method=S256\n' \
    "$spa" "$(jq -rn --arg u "$redirect_uri" '$u|@uri')"
}

mfa_user() { # N: user N with an active TOTP factor -> 'login key-hex step factorId=...'
  local login="bench-mfa-$1@example.com" id factor secret line
  id="$(api POST '/api/v1/users?activate=true' "$(jq -nc --arg l "$login" --arg p "$password" --arg g "$group" \
    '{profile: {firstName: "Bench", lastName: "Mfa", email: $l, login: $l}, credentials: {password: {value: $p}}, groupIds: [$g]}')" | jq -r .id)"
  factor="$(api POST "/api/v1/users/$id/factors" '{"factorType":"token:software:totp","provider":"GOOGLE"}')"
  secret="$(jq -r ._embedded.activation.sharedSecret <<<"$factor")"
  line="$(python3 "$here/../lib/totp.py" base32 "$secret")"   # key-hex step code
  api POST "/api/v1/users/$id/factors/$(jq -r .id <<<"$factor")/lifecycle/activate" "{\"passCode\":\"${line##* }\"}" >/dev/null
  echo "$login ${line% *} factorId=$(jq -r .id <<<"$factor")"
}

case "$cmd" in
  prepare) prepare ;;
  mint) mint_refresh_tokens "$base" "$state/env" "$4" "$5" ;;
  *) die "usage: $0 prepare|mint BASE_URL STATE_DIR [N OUT_FILE]" ;;
esac
