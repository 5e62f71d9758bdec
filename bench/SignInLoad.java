import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Java load driver of bench/run, for what wrk cannot do:
 * <ul>
 * <li><b>signin</b> and <b>mfa</b>, closed loop (CONNECTIONS workers, each starting its next operation when the last one
 * ends): wrk's Lua sees only the last Set-Cookie header of a response, and Keycloak's login page sets three
 * (AUTH_SESSION_ID, which the form post needs, is not the last). signin: GET the page, read its form, POST the
 * credentials with every cookie the page set; a 302/303 whose Location matches SIGNIN_SUCCESS counts. mfa: the same
 * with MFA_USERS_FILE's users, then the factor form (the password post's 200 page, or the page its redirect leads to)
 * with the user's current TOTP code (RFC 6238, HMAC-SHA1, 6 digits, 30 s) in the field MFA_CODE_FIELD.</li>
 * <li><b>fixed rate</b> (RATE=ops/s set) for every scenario (client_credentials, claims, keys, code, refresh, signin,
 * mfa), wrk2's model: operation i is due at start + i/RATE, CONNECTIONS workers take them in turn, and each operation's
 * latency is measured from when it was <i>due</i>, so a slow server is charged for the operations that wait behind it
 * (no coordinated omission). See {@link #fixedRate}.</li>
 * </ul>
 * Environment: the variables of the setup's env file (same as the Lua scenarios), SCENARIO, CONNECTIONS, DURATION,
 * RATE, WRK_REPORT. Prints (and writes to WRK_REPORT) one JSON summary, the fields wrk's scenarios write (closed loop)
 * or fixed_rate_* / fr_* (fixed rate). Run: java bench/SignInLoad.java BASE_URL
 */
public class SignInLoad {

    static String base;
    static HttpClient client;
    static final AtomicLong ops = new AtomicLong(), bad = new AtomicLong(), errors = new AtomicLong();
    static volatile String badSample;

    public static void main(String[] args) throws Exception {
        base = args[0].replaceAll("/$", "");
        String scenario = env("SCENARIO", "signin");
        double seconds = Double.parseDouble(env("DURATION", "20"));
        double rate = Double.parseDouble(env("RATE", "0"));
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10)).build();
        Op op = switch (scenario) {
            case "signin" -> new SignIn(false);
            case "mfa" -> new SignIn(true);
            case "client_credentials" -> new Grant(env("TOKEN_PATH", null), env("CC_AUTHORIZATION", null), env("CC_SCOPE", ""));
            case "claims" -> new Grant(env("CLAIMS_TOKEN_PATH", null), env("CLAIMS_AUTHORIZATION", null), env("CLAIMS_SCOPE", ""));
            case "keys" -> new Keys();
            case "code" -> new Code();
            case "refresh" -> new Refresh();
            default -> throw new IllegalArgumentException("unknown scenario " + scenario);
        };
        String json = rate > 0 ? fixedRate(op, rate, seconds) : closedLoop(op, Integer.parseInt(env("CONNECTIONS", "16")), seconds);
        if (op instanceof SignIn si && si.mfa) si.saveSteps();
        System.out.println(json);
        String report = System.getenv("WRK_REPORT");
        if (report != null && !report.isEmpty()) Files.writeString(Path.of(report), json + "\n");
        System.exit(0);
    }

    /** One operation; returns true when it succeeded, records its requests' latencies (closed loop) in {@code lat}. */
    interface Op {
        boolean run(List<Long> lat, long end) throws Exception;
    }

    // ── closed loop (signin, mfa) ────────────────────────────────────────────────────────────────────────────────
    static String closedLoop(Op op, int connections, double seconds) throws Exception {
        List<List<Long>> latencies = new ArrayList<>();
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < connections; w++) {
            List<Long> mine = new ArrayList<>();
            latencies.add(mine);
            workers.add(Thread.ofPlatform().start(() -> {
                while (System.nanoTime() < end) {
                    try {
                        if (op.run(mine, end) && System.nanoTime() < end) ops.incrementAndGet();
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread t : workers) t.join();
        double secs = Math.min(System.nanoTime() - start, (long) (seconds * 1e9)) / 1e9;
        long[] all = latencies.stream().flatMap(List::stream).mapToLong(Long::longValue).sorted().toArray();
        return String.format(Locale.ROOT,
                "{\"duration_s\":%.3f,\"requests\":%d,\"ops\":%d,\"rps\":%.2f,\"ops_per_s\":%.2f,"
                        + "\"p50_ms\":%.2f,\"p95_ms\":%.2f,\"p99_ms\":%.2f,\"max_ms\":%.2f,\"mean_ms\":%.2f,"
                        + "\"bad\":%d,\"non2xx3xx\":0,\"socket_errors\":%d,\"timeouts\":0,\"bad_sample\":\"%s\",\"driver\":\"java\"}",
                secs, all.length, ops.get(), all.length / secs, ops.get() / secs, pct(all, 50), pct(all, 95), pct(all, 99),
                all.length == 0 ? 0 : all[all.length - 1] / 1e6, Arrays.stream(all).average().orElse(0) / 1e6,
                bad.get(), errors.get(), sample());
    }

    // ── fixed rate (every scenario) ────────────────────────────────────────────────────────────────────────────
    /**
     * wrk2's model: operation i is due at start + i / rate; CONNECTIONS workers (each its own connection, as wrk's) take
     * the operations in turn, worker k those with i % CONNECTIONS == k. A worker starts an operation at its due time, or
     * at once when the previous one ran late, and the operation's latency runs from when it was due: a slow response
     * is charged for the operations queued behind it (no coordinated omission). The first FR_WARMUP seconds (default
     * 2: the driver's own JIT and connections) are run but not counted.
     */
    static String fixedRate(Op op, double rate, double seconds) throws Exception {
        int connections = Integer.parseInt(env("CONNECTIONS", "16"));
        double warm = Double.parseDouble(env("FR_WARMUP", "2"));
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        double interval = 1e9 / rate;
        long skip = (long) (warm * rate), total = skip + (long) (seconds * rate);
        long start = System.nanoTime() + 50_000_000L;
        long hardEnd = start + (long) ((warm + seconds) * 1e9) + TimeUnit.SECONDS.toNanos(15);
        AtomicLong unfinished = new AtomicLong(), counted = new AtomicLong(), failed = new AtomicLong();
        AtomicLong lastDone = new AtomicLong(start);
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < connections; w++) {
            int k = w;
            workers.add(Thread.ofPlatform().start(() -> {
                for (long i = k; i < total; i += connections) {
                    long due = start + (long) (i * interval);
                    long wait = due - System.nanoTime();
                    if (wait > 0) LockSupport.parkNanos(wait);
                    if (System.nanoTime() > hardEnd) {
                        if (i >= skip) unfinished.incrementAndGet();
                        continue;
                    }
                    try {
                        boolean ok = op.run(null, hardEnd);
                        long now = System.nanoTime();
                        if (i >= skip && ok) {
                            latencies.add(now - due);
                            counted.incrementAndGet();
                            lastDone.accumulateAndGet(now, Math::max);
                        } else if (i >= skip) {
                            failed.incrementAndGet();
                        }
                    } catch (Exception e) {
                        if (i >= skip) {
                            failed.incrementAndGet();
                            if (badSample == null) badSample = "exception " + e;
                        }
                    }
                }
            }));
        }
        for (Thread t : workers) t.join();
        long measuredStart = start + (long) (skip * interval);
        double secs = Math.max(seconds, (lastDone.get() - measuredStart) / 1e9);
        long[] all = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        return String.format(Locale.ROOT,
                "{\"fixed_rate_target\":%.2f,\"fixed_rate_achieved\":%.2f,\"fr_ops\":%d,\"fr_scheduled\":%d,\"fr_connections\":%d,\"fr_p50_ms\":%.2f,"
                        + "\"fr_p99_ms\":%.2f,\"fr_p999_ms\":%.2f,\"fr_max_ms\":%.2f,\"fr_errors\":%d,\"fr_bad_sample\":\"%s\"}",
                rate, counted.get() / secs, counted.get(), total - skip, connections, pct(all, 50), pct(all, 99), pct(all, 99.9),
                all.length == 0 ? 0 : all[all.length - 1] / 1e6, failed.get() + unfinished.get(), sample());
    }

    // ── the operations ──────────────────────────────────────────────────────────────────────────────────────────
    static final class Grant implements Op {
        final String path, auth, body;

        Grant(String path, String auth, String scope) {
            this.path = path;
            this.auth = auth;
            this.body = "grant_type=client_credentials" + (scope.isEmpty() ? "" : "&scope=" + enc(scope));
        }

        public boolean run(List<Long> lat, long end) throws Exception {
            HttpResponse<String> r = send(form(path, body).header("Authorization", auth).build(), lat);
            return check(r.statusCode() == 200 && r.body().contains("\"access_token\""), r);
        }
    }

    static final class Keys implements Op {
        final String keys = env("KEYS_PATH", null), discovery = env("DISCOVERY_PATH", null);
        final AtomicLong n = new AtomicLong();

        public boolean run(List<Long> lat, long end) throws Exception {
            HttpResponse<String> r = send(get(base + (n.getAndIncrement() % 2 == 0 ? keys : discovery), "").build(), lat);
            return check(r.statusCode() == 200, r);
        }
    }

    static final class Code implements Op {
        final String token = env("TOKEN_PATH", null), clientId = env("CLIENT_ID", null), redirect = env("REDIRECT_URI", null);
        final String cookie = env("SESSION_COOKIE", null);
        final String authorize;
        final List<String[]> pairs = new ArrayList<>();
        final AtomicLong next = new AtomicLong();

        Code() throws Exception {
            String path = env("AUTHORIZE_PATH", null);
            authorize = path + (path.contains("?") ? "&" : "?") + "client_id=" + enc(clientId) + "&redirect_uri=" + enc(redirect)
                    + "&response_type=code&scope=" + enc(env("CODE_SCOPE", "openid")) + "&code_challenge_method=S256";
            for (String line : Files.readAllLines(Path.of(env("PKCE_PAIRS_FILE", null)))) {
                if (!line.isBlank()) pairs.add(line.split(" "));
            }
        }

        public boolean run(List<Long> lat, long end) throws Exception {
            String[] pair = pairs.get((int) (next.getAndIncrement() % pairs.size()));
            HttpResponse<String> a = send(get(base + authorize + "&state=s&nonce=n" + pair[1] + "&code_challenge=" + pair[1], cookie).build(), lat);
            Matcher code = Pattern.compile("[?&]code=([^&#]+)").matcher(a.headers().firstValue("Location").orElse(""));
            if (a.statusCode() != 302 || !code.find()) return check(false, a);
            HttpResponse<String> t = send(form(token, "grant_type=authorization_code&client_id=" + enc(clientId) + "&redirect_uri="
                    + enc(redirect) + "&code=" + code.group(1) + "&code_verifier=" + pair[0]).build(), lat);
            return check(t.statusCode() == 200 && t.body().contains("\"id_token\""), t);
        }
    }

    static final class Refresh implements Op {
        final String token = env("TOKEN_PATH", null), clientId = env("CLIENT_ID", null);
        final LinkedBlockingQueue<String> chains = new LinkedBlockingQueue<>();
        final Pattern next = Pattern.compile("\"refresh_token\"\\s*:\\s*\"([^\"]+)\"");

        Refresh() throws Exception {
            for (String line : Files.readAllLines(Path.of(env("REFRESH_TOKENS_FILE", null)))) {
                if (!line.isBlank()) chains.add(line.trim());
            }
        }

        public boolean run(List<Long> lat, long end) throws Exception {
            // Each chain is strictly sequential: wait for one to be free (the wait counts, from the due time).
            String rt = chains.poll(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (rt == null) return check(false, null);
            HttpResponse<String> r = send(form(token, "grant_type=refresh_token&client_id=" + enc(clientId) + "&refresh_token=" + enc(rt)).build(), lat);
            Matcher m = next.matcher(r.body());
            if (r.statusCode() == 200 && m.find() && r.body().contains("\"id_token\"")) {
                chains.add(m.group(1));
                return true;
            }
            return check(false, r);
        }
    }

    /** Password sign-in at the hosted page; with {@code mfa}, then the factor form with the user's TOTP code. */
    static final class SignIn implements Op {
        final boolean mfa;
        final String page = env("SIGNIN_PAGE", null), fixedCookie = env("SIGNIN_COOKIE", ""), extra = env("SIGNIN_EXTRA", "");
        final Pattern success = Pattern.compile(luaToJava(env("SIGNIN_SUCCESS", null)));
        final Pattern mfaSuccess = Pattern.compile(luaToJava(env("MFA_SUCCESS", env("SIGNIN_SUCCESS", null))));
        final String password;
        final String codeField;
        final AtomicLong userSeq = new AtomicLong();
        final String[] users;
        final byte[][] keys;
        final String[] codeExtra;
        final AtomicLong[] lastStep;

        SignIn(boolean mfa) throws Exception {
            this.mfa = mfa;
            if (!mfa) {
                users = env("SIGNIN_USERS", null).split(",");
                password = env("SIGNIN_PASSWORD", null);
                keys = null;
                codeExtra = null;
                lastStep = null;
                codeField = null;
            } else {
                // MFA_USERS_FILE: one user a line, "login key-hex step-of-activation [extra form fields for the code post]".
                List<String> lines = Files.readAllLines(Path.of(env("MFA_USERS_FILE", null))).stream().filter(l -> !l.isBlank()).toList();
                users = new String[lines.size()];
                keys = new byte[lines.size()][];
                codeExtra = new String[lines.size()];
                lastStep = new AtomicLong[lines.size()];
                for (int i = 0; i < lines.size(); i++) {
                    String[] f = lines.get(i).trim().split(" ");
                    users[i] = f[0];
                    keys[i] = HexFormat.of().parseHex(f[1]);
                    lastStep[i] = new AtomicLong(Long.parseLong(f[2]));
                    codeExtra[i] = f.length > 3 ? f[3] : "";
                }
                password = env("MFA_PASSWORD", env("SIGNIN_PASSWORD", null));
                codeField = env("MFA_CODE_FIELD", null);
            }
        }

        /** Writes each user's last used step back to MFA_USERS_FILE: the next run (warm-up, peak, fixed rate) skips them too. */
        void saveSteps() throws Exception {
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < users.length; i++) {
                out.append(users[i]).append(' ').append(HexFormat.of().formatHex(keys[i])).append(' ').append(lastStep[i].get())
                        .append(codeExtra[i].isEmpty() ? "" : " " + codeExtra[i]).append('\n');
            }
            Path file = Path.of(env("MFA_USERS_FILE", null)), tmp = Path.of(file + ".tmp");
            Files.writeString(tmp, out);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }

        /** A user whose code of the current step has not been used yet (a code is good once); waits for the next step if none. */
        int pickMfaUser(long end) {
            while (System.nanoTime() < end) {
                long step = System.currentTimeMillis() / 30_000;
                for (int tries = 0; tries < users.length; tries++) {
                    int u = (int) (userSeq.getAndIncrement() % users.length);
                    long last = lastStep[u].get();
                    if (last < step && lastStep[u].compareAndSet(last, step)) return u;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Math.max(1, 30_000 - System.currentTimeMillis() % 30_000)));
            }
            return -1;
        }

        public boolean run(List<Long> lat, long end) throws Exception {
            int u;
            String user;
            if (mfa) {
                u = pickMfaUser(end);
                if (u < 0) return false;
                user = users[u];
            } else {
                u = -1;
                user = users[(int) (userSeq.getAndIncrement() % users.length)];
            }
            Map<String, String> jar = new LinkedHashMap<>();
            cookies(jar, fixedCookie);
            // mfa: MFA_PAGE may start at the app (Gatehouse's global session policy asks for the factor on the way to an
            // app, not on its own sign-in page); {rand} is a fresh 43-character value per operation (PKCE challenge, nonce).
            String start = mfa ? env("MFA_PAGE", page).replace("{rand}", rand()) : page;
            HttpResponse<String> form = mfa ? follow(send(get(base + start, header(jar)).build(), lat), jar, lat)
                    : send(get(base + start, header(jar)).build(), lat);
            take(jar, form);
            Matcher action = Pattern.compile("<form[^>]*?action=\"([^\"]+)\"").matcher(form.body());
            if (form.statusCode() != 200 || !action.find()) return check(false, form);
            String fields = hidden(form.body(), "") + "username=" + enc(user) + "&password=" + enc(password) + (extra.isEmpty() ? "" : "&" + extra);
            HttpResponse<String> done = send(form(target(action.group(1)), fields).header("Cookie", header(jar)).build(), lat);
            take(jar, done);
            if (!mfa) return check(redirectsTo(done, success), done);
            // The factor form: the password post's own 200 page (Keycloak), or where its redirects lead (Gatehouse:
            // back to the app's /authorize, which sends a session still owing a factor to /signin/verify).
            if (redirectsTo(done, mfaSuccess)) return check(false, done);   // signed in without the second factor
            HttpResponse<String> factorPage = follow(done, jar, lat);
            Matcher factorAction = Pattern.compile("<form[^>]*?action=\"([^\"]+)\"").matcher(factorPage.body());
            if (factorPage.statusCode() != 200 || !factorAction.find()) return check(false, factorPage);
            // The code of the step the user was picked for (still good a step later), so a user is never used twice a step.
            String code = totp(keys[u], lastStep[u].get());
            String post = hidden(factorPage.body(), codeExtra[u]) + codeField + "=" + code + (codeExtra[u].isEmpty() ? "" : "&" + codeExtra[u]);
            HttpResponse<String> last = follow(send(form(target(factorAction.group(1)), post).header("Cookie", header(jar)).build(), lat), jar, lat);
            return check(redirectsTo(last, mfaSuccess), last);
        }

        /** Follows redirects (GET, keeping cookies) until a page, or a redirect to where the operation ends. */
        HttpResponse<String> follow(HttpResponse<String> r, Map<String, String> jar, List<Long> lat) throws Exception {
            take(jar, r);
            for (int hop = 0; hop < 8 && (r.statusCode() == 302 || r.statusCode() == 303) && !redirectsTo(r, mfaSuccess); hop++) {
                r = send(get(base + target(r.headers().firstValue("Location").orElse("/")), header(jar)).build(), lat);
                take(jar, r);
            }
            return r;
        }
    }

    static String rand() {
        byte[] b = new byte[32];
        java.util.concurrent.ThreadLocalRandom.current().nextBytes(b);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    // ── helpers ─────────────────────────────────────────────────────────────────────────────────────────────────
    static HttpResponse<String> send(HttpRequest r, List<Long> lat) throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<String> resp = client.send(r, HttpResponse.BodyHandlers.ofString());
        if (lat != null) lat.add(System.nanoTime() - t0);
        return resp;
    }

    static boolean check(boolean ok, HttpResponse<String> r) {
        if (!ok) {
            bad.incrementAndGet();
            if (badSample == null) {
                badSample = r == null ? "no refresh chain free" : r.statusCode() + " " + r.headers().firstValue("Location").orElse("") + " " + r.body();
            }
        }
        return ok;
    }

    static boolean redirectsTo(HttpResponse<String> r, Pattern success) {
        return (r.statusCode() == 302 || r.statusCode() == 303) && success.matcher(r.headers().firstValue("Location").orElse("")).find();
    }

    static String sample() {
        String s = badSample == null ? "" : badSample.replaceAll("[\\p{Cntrl}\"\\\\]", " ");
        return s.substring(0, Math.min(200, s.length()));
    }

    /** The hidden fields of a page's form, url-encoded, each followed by '&amp;'; those named in {@code skip} are left out. */
    static String hidden(String body, String skip) {
        StringBuilder fields = new StringBuilder();
        Matcher hidden = Pattern.compile("<input[^>]*type=\"hidden\"[^>]*>").matcher(body);
        while (hidden.find()) {
            Matcher n = Pattern.compile("name=\"([^\"]*)\"").matcher(hidden.group());
            Matcher v = Pattern.compile("value=\"([^\"]*)\"").matcher(hidden.group());
            if (n.find() && !n.group(1).isEmpty() && !skip.contains(n.group(1) + "=")) {
                fields.append(enc(n.group(1))).append('=').append(enc(v.find() ? unescape(v.group(1)) : "")).append('&');
            }
        }
        return fields.toString();
    }

    static void cookies(Map<String, String> jar, String header) {
        for (String c : header.split(";")) {
            int eq = c.indexOf('=');
            if (eq > 0) jar.put(c.substring(0, eq).trim(), c.substring(eq + 1).trim());
        }
    }

    /** Keeps the cookies a response sets (a cleared one is dropped). */
    static void take(Map<String, String> jar, HttpResponse<String> r) {
        for (String c : r.headers().allValues("Set-Cookie")) {
            String pair = c.split(";", 2)[0];
            int eq = pair.indexOf('=');
            if (eq <= 0) continue;
            String name = pair.substring(0, eq).trim(), value = pair.substring(eq + 1).trim();
            boolean cleared = value.isEmpty() || c.toLowerCase(Locale.ROOT).contains("max-age=0");
            if (cleared) jar.remove(name); else jar.put(name, value);
        }
    }

    static String header(Map<String, String> jar) {
        return jar.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("; "));
    }

    static String target(String action) {
        return unescape(action).replaceFirst("^https?://[^/]+", "");
    }

    static HttpRequest.Builder get(String url, String cookie) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET();
        if (!cookie.isEmpty()) b.header("Cookie", cookie);
        return b;
    }

    static HttpRequest.Builder form(String path, String body) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body));
    }

    /** RFC 6238 TOTP: HMAC-SHA1 of the step, dynamic truncation, 6 digits. */
    static String totp(byte[] key, long step) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(key, "HmacSHA1"));
        byte[] h = mac.doFinal(java.nio.ByteBuffer.allocate(8).putLong(step).array());
        int o = h[h.length - 1] & 0xf;
        int bin = ((h[o] & 0x7f) << 24) | ((h[o + 1] & 0xff) << 16) | ((h[o + 2] & 0xff) << 8) | (h[o + 3] & 0xff);
        return String.format("%06d", bin % 1_000_000);
    }

    static double pct(long[] sorted, double q) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.max(0, Math.min(sorted.length - 1, Math.ceil(q / 100 * sorted.length) - 1))] / 1e6;
    }

    static String unescape(String s) {
        return s.replace("&amp;", "&").replace("&#x2F;", "/").replace("&#47;", "/").replace("&#x3D;", "=").replace("&#61;", "=");
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** SIGNIN_SUCCESS is a Lua pattern (for signin.lua); the two this harness uses mean the same as regexes once '%' escapes are undone. */
    static String luaToJava(String lua) {
        return lua.replace("%", "\\");
    }

    static String env(String name, String fallback) {
        String v = System.getenv(name);
        if (v == null || v.isEmpty()) {
            if (fallback == null) throw new IllegalArgumentException("set " + name);
            return fallback;
        }
        return v;
    }
}
