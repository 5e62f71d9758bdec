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

  cat >"$state/env" <<ENV
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

case "$cmd" in
  prepare) prepare ;;
  mint) mint_refresh_tokens "$base" "$state/env" "$4" "$5" ;;
  *) die "usage: $0 prepare|mint BASE_URL STATE_DIR [N OUT_FILE]" ;;
esac
