#!/usr/bin/env bash
# Turns one bench/compare run into OUT.md (tables) and OUT-<store>.png (a gnuplot chart per store). Usage:
#   lib/report.sh RESULTS.jsonl META.jsonl "SIGN_LINE" "SIGN_JDK_LINE" OUT_PREFIX
set -euo pipefail
results="$1" meta="$2" sign_line="$3" sign_jdk_line="$4" out="$5"
cores="$(nproc)"
sign_ms="$(sed -n 's/.*sign_ms=\([0-9.]*\).*/\1/p' <<<"$sign_line")"
provider="$(sed -n 's/.*provider=\(.*\)$/\1/p' <<<"$sign_line")"
name="$(basename "$out")"

# Signatures one operation makes: a code exchange or a refresh with openid signs an access and an ID token,
# client credentials (claims too) an access token; keys and the sign-ins sign nothing. The issue's CPU bound per
# grant: 2 x sign_ms for a one-signature grant, 4 x sign_ms for a two-signature one. Results without a store
# (older runs) count as postgres.
all="$(jq -sc --argjson cores "$cores" --argjson sign "$sign_ms" '
  map(. + {store: (.store // "postgres"),
           sigs: ({refresh: 2, refresh_before_1m: 2, refresh_1m: 2, code: 2, client_credentials: 1, claims: 1}[.scenario] // 0)}
      | . + {bound: (if .sigs > 0 then $cores * 1000 / $sign / .sigs else null end),
             cpu_ms_per_op: (if .cpu_s and .ops > 0 then .cpu_s * 1000 / .ops else null end),
             cpu_bound_x: (if .sigs > 0 then 2 * .sigs else null end)}
      | . + {fraction: (if .bound then .ops_per_s / .bound else null end),
             cpu_x: (if .cpu_ms_per_op and .sigs > 0 then .cpu_ms_per_op / $sign else null end),
             errors: (.bad + .socket_errors + .timeouts)})' "$results")"
meta_all="$(jq -sc 'map(. + {store: (.store // "postgres")})' "$meta")"
stores="$(jq -r '[.[].store] | unique | sort_by(if . == "embedded" then 0 else 1 end) | .[]' <<<"$all")"

fmt() { jq -r "$1" <<<"$all"; }
# Shared jq definitions: n(d) rounds to d decimals ("–" for none), r(a; b) is a ratio.
defs='def n(d): if . == null then "–" else (. * pow(10; d) | round / pow(10; d) | tostring) end;
      def r(a; b): if a == null or b == null or b == 0 then "–" else ((a / b * 100 | round) / 100 | tostring) + "×" end;
      def pair($st; $sc): map(select(.store == $st and .scenario == $sc)) as $x
        | [($x | map(select(.server == "gatehouse"))[0]), ($x | map(select(.server == "keycloak"))[0])];
      def scenarios: [.[].scenario] | unique;'
describe_store() {
  case "$1" in
    embedded) echo "Gatehouse with no \`GATEHOUSE_DB_URL\` (its embedded H2 file in \`GATEHOUSE_DATA_DIR\`, what \`./gatehouse serve\` gives a new user) against Keycloak's \`start-dev\` (its dev-file H2)." ;;
    postgres) echo "Both on the local PostgreSQL: Gatehouse with \`GATEHOUSE_DB_URL\`, Keycloak \`start --optimized\` (mode: ${KEYCLOAK_MODE:-prod})." ;;
  esac
}

{
  echo "# Gatehouse and Keycloak side by side — $name"
  echo
  echo "Machine: $cores cores ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n1), $(free -g | awk '/^Mem:/{print $2}') GiB), load average before"
  echo "the run: ${LOAD_BEFORE:-unknown}. wrk -t${THREADS:-1} -c${CONNECTIONS:-16}; ${WARMUP:-10} s warm-up then"
  echo "${DURATION:-20} s measured per scenario (the peak), then ${DURATION:-20} s at half that peak's ops/s (fixed rate);"
  echo "each (store, server) pair alone on the machine in turn. Gatehouse: rate limits off (GATEHOUSE_RATE_LIMIT_MULTIPLIER=0)."
  # The run itself loads the machine (server, wrk and PostgreSQL share the cores), so only the load before it says
  # whether something else was running.
  if [ -n "${LOAD_BEFORE:-}" ] && (( $(echo "$(cut -d' ' -f1 <<<"$LOAD_BEFORE") > 1" | bc -l) )); then
    echo
    echo "**Warning: the machine was busy when this run started (1-minute load average above 1): throughput and"
    echo "latency here say little; CPU per 1,000 requests is less affected. Re-run on a quiet machine.**"
  fi
  echo
  echo "**sign_ms = $sign_ms** (CPU ms per RS256 signature, provider $provider; JDK provider: \`$sign_jdk_line\`)."
  echo "Signing bound = cores × 1000 / sign_ms / signatures per operation."
  echo
  echo "## Summary"
  echo
  echo "Peak ops/s (closed loop, wrk or SignInLoad.java), p99.9 at half the peak (fixed rate, per operation, from its due"
  echo "time), errors of both runs. G/K: Gatehouse ÷ Keycloak."
  echo
  echo "| store | scenario | Gatehouse ops/s | Keycloak ops/s | G/K ops/s | Gatehouse p99.9 ms @ ½ | Keycloak p99.9 ms @ ½ | CPU per op G/K | errors G / K |"
  echo "|---|---|--:|--:|--:|--:|--:|--:|--:|"
  for st in $stores; do
    fmt "$defs"' . as $all | scenarios[] as $sc | ($all | pair("'"$st"'"; $sc)) as [$g, $k] | select($g != null or $k != null)
      | def e(x): if x == null then "–" else ((x.errors // 0) + (x.fr_errors // 0) | tostring) end;
        def cpo(x): if x == null or x.cpu_s == null or x.ops == 0 then null else x.cpu_s / x.ops end;
      "| '"$st"' | \($sc) | \($g.ops_per_s | n(1)) | \($k.ops_per_s | n(1)) | \(r($g.ops_per_s; $k.ops_per_s)) | \($g.fr_p999_ms | n(1)) | \($k.fr_p999_ms | n(1)) | \(r(cpo($g); cpo($k))) | \(e($g)) / \(e($k)) |"'
  done
  echo
  for st in $stores; do
    echo "## Store: $st"
    echo
    describe_store "$st"
    echo
    echo "### Start and memory"
    echo
    echo "RSS under token load: the largest RSS at the end of a token scenario (refresh, code, client_credentials, claims);"
    echo "during sign-in: the largest at the end of signin or mfa."
    echo
    echo "| server | first start, empty store (s) | cold start to ready (s) | idle RSS (MiB) | RSS under token load (MiB) | RSS during sign-in (MiB) |"
    echo "|---|--:|--:|--:|--:|--:|"
    jq -r --arg st "$st" --argjson all "$all" 'def mx($srv; $names): ([$all[] | select(.store == $st and .server == $srv and (.scenario | IN($names[])) and .rss_mib != null) | .rss_mib] | max);
      .[] | select(.store == $st)
      | mx(.server; ["refresh", "code", "client_credentials", "claims"]) as $tok
      | mx(.server; ["signin", "mfa"]) as $sig
      | "| \(.server) | \(.first_start_s) | \(.cold_start_s) | \(.idle_rss_mib) | \($tok // "–") | \($sig // "–") |"' <<<"$meta_all"
    echo
    echo "### Scenarios (peak, closed loop)"
    echo
    echo "ops/s counts completed operations (code: authorize + token = 2 requests; signin: page + post = 2; mfa: every"
    echo "request from the first page to the app's code, see bench/README.md); latencies are per request. CPU is the server"
    echo "process's user+system time per 1,000 requests; RSS at the end."
    echo
    echo "| scenario | server | ops/s | req/s | p50 ms | p95 ms | p99 ms | CPU s / 1k req | RSS MiB | errors | signing bound ops/s | fraction of bound |"
    echo "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
    fmt "$defs"'sort_by(.scenario, .server)[] | select(.store == "'"$st"'")
      | "| \(.scenario) | \(.server) | \(.ops_per_s | n(1)) | \(.rps | n(1)) | \(.p50_ms | n(1)) | \(.p95_ms | n(1)) | \(.p99_ms | n(1)) | \(.cpu_s_per_1k_requests | n(2)) | \(.rss_mib | n(0)) | \(.errors) | \(.bound | n(0)) | \(if .fraction then (.fraction * 100 | round | tostring) + " %" else "–" end) |"'
    echo
    echo "### Fixed rate: half the peak"
    echo
    echo "SignInLoad.java, wrk2's model: operation i is due at start + i / rate, ${CONNECTIONS:-16} connections take them in turn,"
    echo "and each **operation** (all its requests) is timed from when it was due, so waiting behind a slow response counts"
    echo "(no coordinated omission). When achieved is well below target the driver could not hold the rate (its own CPU"
    echo "on this machine, or the server fell behind): see bench/README.md. errors: unexpected responses + exceptions +"
    echo "operations unfinished 15 s after the last was due."
    echo
    echo "| scenario | server | target ops/s | achieved ops/s | p50 ms | p99 ms | p99.9 ms | max ms | errors |"
    echo "|---|---|--:|--:|--:|--:|--:|--:|--:|"
    fmt "$defs"'sort_by(.scenario, .server)[] | select(.store == "'"$st"'" and .fixed_rate_target != null)
      | "| \(.scenario) | \(.server) | \(.fixed_rate_target | n(1)) | \(.fixed_rate_achieved | n(1)) | \(.fr_p50_ms | n(1)) | \(.fr_p99_ms | n(1)) | \(.fr_p999_ms | n(1)) | \(.fr_max_ms | n(1)) | \(.fr_errors) |"'
    echo
    echo "### CPU per grant against sign_ms"
    echo
    echo "Server CPU ms per operation (peak run) ÷ sign_ms ($sign_ms), against the issue's bound: a one-signature grant"
    echo "(client_credentials, claims) within 2 × sign_ms, a two-signature grant (refresh, code: both its requests) within"
    echo "4 × sign_ms. PostgreSQL's CPU is not in it (see bench/README.md)."
    echo
    echo "| scenario | server | JWTs | CPU ms / op | × sign_ms | bound | verdict | fraction of signing bound (ops/s) |"
    echo "|---|---|--:|--:|--:|--:|---|--:|"
    fmt "$defs"'sort_by(.scenario, .server)[] | select(.store == "'"$st"'" and .sigs > 0)
      | "| \(.scenario) | \(.server) | \(.sigs) | \(.cpu_ms_per_op | n(2)) | \(.cpu_x | n(1)) | \(.cpu_bound_x) × | \(if .cpu_x == null then "–" elif .cpu_x <= .cpu_bound_x then "within" else "short" end) | \(if .fraction then (.fraction * 100 | round | tostring) + " %" else "–" end) |"'
    echo
    if [ "$(fmt "[.[] | select(.store == \"$st\") | .server] | unique | length")" = 2 ]; then
      echo "### Gatehouse / Keycloak"
      echo
      echo "| scenario | throughput (ops/s) | p99 latency | p99.9 at half peak | CPU per 1k requests |"
      echo "|---|--:|--:|--:|--:|"
      fmt "$defs"' . as $all | scenarios[] as $sc | ($all | pair("'"$st"'"; $sc)) as [$g, $k] | select($g != null and $k != null)
        | "| \($sc) | \(r($g.ops_per_s; $k.ops_per_s)) | \(r($g.p99_ms; $k.p99_ms)) | \(r($g.fr_p999_ms; $k.fr_p999_ms)) | \(r($g.cpu_s_per_1k_requests; $k.cpu_s_per_1k_requests)) |"'
      echo
    fi
    fmt '(map(select(.store == "'"$st"'" and .server == "gatehouse" and .scenario == "refresh_before_1m"))[0]) as $a
       | (map(select(.store == "'"$st"'" and .server == "gatehouse" and .scenario == "refresh_1m"))[0]) as $b
       | select($a != null and $b != null)
       | "**Refresh with \(env.BULK_REFRESH_TOKENS // "1000000") more refresh tokens in the table** (`refresh_1m`): \($b.ops_per_s * 10 | round / 10) ops/s against \($a.ops_per_s * 10 | round / 10) ops/s just before they were added (`refresh_before_1m`), a change of \((($b.ops_per_s / $a.ops_per_s - 1) * 1000 | round) / 10) % (target: a drop of less than 10 %).\n"'
    echo "![$st: throughput, p99 and fixed-rate p99.9 per scenario]($name-$st.png)"
    echo
  done
  echo "Errors are unexpected responses (a status or body the scenario does not accept) plus socket errors and"
  echo "timeouts; the first unexpected response of each run is in $name.jsonl (\`bad_sample\`, \`fr_bad_sample\`)."
} >"$out.md"

# Charts, one per store: peak throughput, peak p99 and fixed-rate p99.9 per scenario, both servers.
for st in $stores; do
  data="$(mktemp)"
  fmt "$defs"'def pos(x): if (x // 0) > 0 then x else "?" end;   # none, or 0 (no operation finished): no bar on a log scale
     . as $all | scenarios[] as $sc | ($all | pair("'"$st"'"; $sc)) as [$g, $k] | select($g != null or $k != null)
     | "\($sc) \($g.ops_per_s // "?") \($k.ops_per_s // "?") \($g.p99_ms // "?") \($k.p99_ms // "?") \(pos($g.fr_p999_ms)) \(pos($k.fr_p999_ms))"' >"$data"
  # Without a fixed-rate run (FIXED_RATE=0, e.g. bench/profile) the third panel has nothing to show.
  panels=3 fr_plot=""
  if [ "$(fmt '[.[] | select(.store == "'"$st"'" and (.fr_p999_ms // 0) > 0)] | length')" = 0 ]; then panels=2; fr_plot="#"; fi
  gnuplot <<GP
set terminal pngcairo size $((panels * 500)),520 font "sans,10"
set output "$out-$st.png"
set datafile missing "?"
set termoption noenhanced
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set grid ytics
set xtics rotate by -20
set key top left
set multiplot layout 1,$panels title "Gatehouse vs Keycloak, store $st — $name ($cores cores, wrk -c${CONNECTIONS:-16})"
set title "peak throughput (operations/s, log scale, higher is better)"
set logscale y
set yrange [1:*]
plot "$data" using 2:xtic(1) title "Gatehouse" lc rgb "#2b6cb0", "" using 3 title "Keycloak" lc rgb "#c05621"
set title "peak p99 latency per request (ms, lower is better)"
unset logscale y
set yrange [0:*]
plot "$data" using 4:xtic(1) title "Gatehouse" lc rgb "#2b6cb0", "" using 5 title "Keycloak" lc rgb "#c05621"
${fr_plot}set title "p99.9 per operation at half the peak (ms, log scale, lower is better)"
${fr_plot}set logscale y
${fr_plot}set yrange [*:*]
${fr_plot}plot "$data" using 6:xtic(1) title "Gatehouse" lc rgb "#2b6cb0", "" using 7 title "Keycloak" lc rgb "#c05621"
unset multiplot
GP
  rm -f "$data"
done
