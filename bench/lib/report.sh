#!/usr/bin/env bash
# Turns one bench/compare run into OUT.md (tables) and OUT.png (gnuplot chart). Usage:
#   lib/report.sh RESULTS.jsonl META.jsonl "SIGN_LINE" "SIGN_JDK_LINE" OUT_PREFIX
set -euo pipefail
results="$1" meta="$2" sign_line="$3" sign_jdk_line="$4" out="$5"
cores="$(nproc)"
sign_ms="$(sed -n 's/.*sign_ms=\([0-9.]*\).*/\1/p' <<<"$sign_line")"
provider="$(sed -n 's/.*provider=\(.*\)$/\1/p' <<<"$sign_line")"

# Signatures one operation makes: a code exchange or a refresh with openid signs an access and an ID token,
# client credentials an access token; keys and sign-in sign nothing.
all="$(jq -sc --argjson cores "$cores" --argjson sign "$sign_ms" '
  map(. + {sigs: ({refresh: 2, refresh_before_1m: 2, refresh_1m: 2, code: 2, client_credentials: 1}[.scenario] // 0)}
      | . + {bound: (if .sigs > 0 then $cores * 1000 / $sign / .sigs else null end)}
      | . + {fraction: (if .bound then .ops_per_s / .bound else null end),
             errors: (.bad + .socket_errors + .timeouts)})' "$results")"

fmt() { jq -r "$1" <<<"$all"; }
{
  echo "# Gatehouse and Keycloak side by side — $(basename "$out")"
  echo
  echo "Machine: $cores cores ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n1), $(free -g | awk '/^Mem:/{print $2}') GiB), load average before"
  echo "the run: ${LOAD_BEFORE:-unknown}. wrk -t${THREADS:-1} -c${CONNECTIONS:-16}; ${WARMUP:-10} s warm-up then"
  echo "${DURATION:-20} s measured per scenario; each server alone on the machine in turn, both on the local PostgreSQL."
  echo "Keycloak mode: ${KEYCLOAK_MODE:-prod}. Gatehouse: rate limits off (GATEHOUSE_RATE_LIMIT_MULTIPLIER=0)."
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
  echo "## Start and memory"
  echo
  echo "| server | first start, empty DB (s) | cold start to ready (s) | idle RSS (MiB) |"
  echo "|---|--:|--:|--:|"
  jq -r '"| \(.server) | \(.first_start_s) | \(.cold_start_s) | \(.idle_rss_mib) |"' "$meta"
  echo
  echo "## Scenarios"
  echo
  echo "ops/s counts completed operations (code: authorize + token = 2 requests; sign-in: page + post = 2 requests);"
  echo "latencies are per request. CPU is the server process's user+system time per 1,000 requests; RSS at the end."
  echo
  echo "| scenario | server | ops/s | req/s | p50 ms | p95 ms | p99 ms | CPU s / 1k req | RSS MiB | errors | signing bound ops/s | fraction of bound |"
  echo "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
  fmt 'def n(d): if . == null then "–" else (. * pow(10; d) | round / pow(10; d) | tostring) end;
       sort_by(.scenario, .server)[] | "| \(.scenario) | \(.server) | \(.ops_per_s | n(1)) | \(.rps | n(1)) | \(.p50_ms | n(1)) | \(.p95_ms | n(1)) | \(.p99_ms | n(1)) | \(.cpu_s_per_1k_requests | n(2)) | \(.rss_mib | n(0)) | \(.errors) | \(.bound | n(0)) | \(if .fraction then (.fraction * 100 | round | tostring) + " %" else "–" end) |"'
  echo
  echo "## Gatehouse / Keycloak"
  echo
  echo "| scenario | throughput (ops/s) | p99 latency | CPU per 1k requests |"
  echo "|---|--:|--:|--:|"
  fmt 'def r(a; b): if a == null or b == null or b == 0 then "–" else ((a / b * 100 | round) / 100 | tostring) + "×" end;
       group_by(.scenario)[] | (map(select(.server == "gatehouse"))[0]) as $g | (map(select(.server == "keycloak"))[0]) as $k
       | select($g != null and $k != null)
       | "| \($g.scenario) | \(r($g.ops_per_s; $k.ops_per_s)) | \(r($g.p99_ms; $k.p99_ms)) | \(r($g.cpu_s_per_1k_requests; $k.cpu_s_per_1k_requests)) |"'
  echo
  fmt '(map(select(.server == "gatehouse" and .scenario == "refresh_before_1m"))[0]) as $a
       | (map(select(.server == "gatehouse" and .scenario == "refresh_1m"))[0]) as $b
       | select($a != null and $b != null)
       | "**Refresh with \(env.BULK_REFRESH_TOKENS // "1000000") more refresh tokens in the table** (`refresh_1m`): \($b.ops_per_s * 10 | round / 10) ops/s against \($a.ops_per_s * 10 | round / 10) ops/s just before they were added (`refresh_before_1m`), a change of \((($b.ops_per_s / $a.ops_per_s - 1) * 1000 | round) / 10) % (target: a drop of less than 10 %).\n"'
  echo "Errors are unexpected responses (a status or body the scenario does not accept) plus socket errors and"
  echo "timeouts; the first unexpected response of each run is in $(basename "$out").jsonl (\`bad_sample\`)."
  echo
  echo "![throughput and p99 per scenario]($(basename "$out").png)"
} >"$out.md"

# Chart: throughput and p99 per scenario, both servers.
data="$(mktemp)"
fmt 'group_by(.scenario)[] | (map(select(.server == "gatehouse"))[0]) as $g | (map(select(.server == "keycloak"))[0]) as $k
     | "\(.[0].scenario) \($g.ops_per_s // "?") \($k.ops_per_s // "?") \($g.p99_ms // "?") \($k.p99_ms // "?")"' >"$data"
gnuplot <<GP
set terminal pngcairo size 1200,520 font "sans,10"
set output "$out.png"
set datafile missing "?"
set termoption noenhanced
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set grid ytics
set xtics rotate by -20
set key top left
set multiplot layout 1,2 title "Gatehouse vs Keycloak — $(basename "$out") ($cores cores, wrk -c${CONNECTIONS:-16})"
set title "throughput (operations/s, log scale, higher is better)"
set logscale y
set yrange [1:*]
plot "$data" using 2:xtic(1) title "Gatehouse" lc rgb "#2b6cb0", "" using 3 title "Keycloak" lc rgb "#c05621"
set title "p99 latency per request (ms, lower is better)"
unset logscale y
set yrange [0:*]
plot "$data" using 4:xtic(1) title "Gatehouse" lc rgb "#2b6cb0", "" using 5 title "Keycloak" lc rgb "#c05621"
unset multiplot
GP
rm -f "$data"
