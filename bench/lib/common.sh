# Helpers shared by bench/run, bench/compare and the setup scripts (sourced, not run).

die() { echo "bench: $*" >&2; exit 1; }
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

# Exports every NAME=value line of a setup's env file (values may contain spaces; no quoting needed).
load_env() {
  local k v
  while IFS='=' read -r k v; do
    [ -n "$k" ] && export "$k=$v"
  done <"$1"
}

# How many users the setups create; the sign-in scenario takes them in turn (one user would measure
# contention on one row rather than sign-in).
SIGNIN_USER_COUNT="${SIGNIN_USER_COUNT:-16}"

# The code verifier and S256 challenge of the setup's one-off sign-in requests. Minting makes a fresh pair per
# request: Gatehouse refuses a challenge reused while its earlier code lives (RFC 9700 §2.1.1).
PKCE_VERIFIER="bench-verifier-0123456789-abcdefghijklmnopqrstuvwxyz"
PKCE_CHALLENGE="2jWB5HORkKgqnTwY916xUGwDhNNXcfic4GfY6Udgc-4"
pkce_pair() { # prints 'verifier challenge'
  python3 "$(dirname "${BASH_SOURCE[0]}")/pkce_pairs.py" 1
}

# mint_refresh_tokens BASE ENV_FILE N OUT: N refresh tokens from N code flows of the signed-in session,
# each the head of its own rotation chain (own family).
mint_refresh_tokens() {
  local base="$1" n="$3" out="$4" i location code token
  (
    load_env "$2"
    local sep='?'; [[ "$AUTHORIZE_PATH" == *\?* ]] && sep='&'
    local scope="${REFRESH_SCOPE// /%20}"
    : >"$out"
    local pair verifier challenge
    for ((i = 0; i < n; i++)); do
      pair="$(pkce_pair)"; verifier="${pair% *}"; challenge="${pair#* }"
      location="$(curl -sS -o /dev/null -w '%{redirect_url}' -H "Cookie: $SESSION_COOKIE" \
        "$base$AUTHORIZE_PATH${sep}client_id=$CLIENT_ID&redirect_uri=$(jq -rn --arg u "$REDIRECT_URI" '$u|@uri')&response_type=code&scope=$scope&state=s&nonce=n$challenge&code_challenge=$challenge&code_challenge_method=S256")"
      code="$(sed -n 's/.*[?&]code=\([^&#]*\).*/\1/p' <<<"$location")"
      [ -n "$code" ] || die "mint: /authorize did not give a code (redirect: '$location')"
      token="$(curl -sS "$base$TOKEN_PATH" --data-urlencode grant_type=authorization_code --data-urlencode "client_id=$CLIENT_ID" \
        --data-urlencode "redirect_uri=$REDIRECT_URI" --data-urlencode "code=$code" --data-urlencode "code_verifier=$verifier" \
        | jq -r '.refresh_token // empty')"
      [ -n "$token" ] || die "mint: the code exchange gave no refresh token"
      echo "$token" >>"$out"
    done
  )
}

# wait_ready URL TIMEOUT_S PID: polls until URL answers 200; prints the seconds it took. Fails if PID dies.
wait_ready() {
  local url="$1" timeout="$2" pid="$3" start now
  start="$(date +%s.%N)"
  while true; do
    if curl -s -o /dev/null -f --max-time 2 "$url"; then
      now="$(date +%s.%N)"; echo "$now - $start" | bc -l | xargs printf '%.2f\n'; return 0
    fi
    kill -0 "$pid" 2>/dev/null || die "the server (pid $pid) exited before $url was ready"
    now="$(date +%s.%N)"
    if (( $(echo "$now - $start > $timeout" | bc -l) )); then die "$url not ready after ${timeout}s"; fi
    sleep 0.1
  done
}

# CPU seconds (user + system) a process has used so far, from /proc/PID/stat.
cpu_seconds() {
  local ticks; ticks="$(getconf CLK_TCK)"
  # Fields after the ')' that ends the command name: utime is the 12th, stime the 13th.
  awk -v t="$ticks" '{ sub(/^.*\) /, ""); printf "%.3f\n", ($12 + $13) / t }' "/proc/$1/stat"
}

# Resident memory of a process in MiB, from /proc/PID/status.
rss_mib() {
  awk '/^VmRSS:/ { printf "%.0f\n", $2 / 1024 }' "/proc/$1/status"
}

# How many users the mfa scenario's setup creates (each with a TOTP factor): a code is good once per user and
# 30-second step, so the scenario needs more users than it signs in per step.
MFA_USER_COUNT="${MFA_USER_COUNT:-1000}"

# jwt_claim JWT NAME: a claim of a JWT's payload (not verified: the setup only checks what the server put in).
jwt_claim() {
  local p; p="$(cut -d. -f2 <<<"$1" | tr '_-' '/+')"
  while [ $(( ${#p} % 4 )) != 0 ]; do p="$p="; done
  base64 -d <<<"$p" 2>/dev/null | jq -r --arg n "$2" '.[$n] // empty'
}
