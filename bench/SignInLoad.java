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
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The sign-in scenario (e) when wrk cannot drive it: wrk's Lua sees only the last Set-Cookie header of a
 * response, and Keycloak's login page sets three (AUTH_SESSION_ID, which the form post needs, is not the last).
 * Same operation as scenarios/signin.lua and the same environment variables: GET the page, read its form,
 * POST the credentials with every cookie the page set; a 302/303 whose Location matches SIGNIN_SUCCESS counts.
 * CONNECTIONS workers loop for DURATION seconds; prints (and writes to WRK_REPORT) the JSON summary wrk's
 * scenarios write. Run: java bench/SignInLoad.java BASE_URL
 */
public class SignInLoad {

    record Sample(long nanos) {}

    public static void main(String[] args) throws Exception {
        String base = args[0].replaceAll("/$", "");
        int connections = Integer.parseInt(env("CONNECTIONS", "16"));
        double seconds = Double.parseDouble(env("DURATION", "20"));
        String page = env("SIGNIN_PAGE", null);
        String fixedCookie = env("SIGNIN_COOKIE", "");
        String[] users = env("SIGNIN_USERS", null).split(",");
        String password = env("SIGNIN_PASSWORD", null);
        String extra = env("SIGNIN_EXTRA", "");
        Pattern success = Pattern.compile(luaToJava(env("SIGNIN_SUCCESS", null)));

        HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10)).build();
        AtomicLong ops = new AtomicLong(), bad = new AtomicLong(), errors = new AtomicLong(), userSeq = new AtomicLong();
        String[] badSample = {null};
        List<List<Long>> latencies = new ArrayList<>();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long start = System.nanoTime();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < connections; w++) {
            List<Long> mine = new ArrayList<>();
            latencies.add(mine);
            workers.add(Thread.ofPlatform().start(() -> {
                while (System.nanoTime() < end) {
                    try {
                        long t0 = System.nanoTime();
                        HttpResponse<String> form = client.send(get(base + page, fixedCookie), HttpResponse.BodyHandlers.ofString());
                        long t1 = System.nanoTime();
                        if (t1 < end) mine.add(t1 - t0);
                        Matcher action = Pattern.compile("<form[^>]*?action=\"([^\"]+)\"").matcher(form.body());
                        if (form.statusCode() != 200 || !action.find()) {
                            record(bad, badSample, form.statusCode() + " " + form.body());
                            continue;
                        }
                        StringBuilder fields = new StringBuilder();
                        Matcher hidden = Pattern.compile("<input[^>]*type=\"hidden\"[^>]*>").matcher(form.body());
                        while (hidden.find()) {
                            Matcher n = Pattern.compile("name=\"([^\"]*)\"").matcher(hidden.group());
                            Matcher v = Pattern.compile("value=\"([^\"]*)\"").matcher(hidden.group());
                            if (n.find()) fields.append(enc(n.group(1))).append('=').append(enc(v.find() ? unescape(v.group(1)) : "")).append('&');
                        }
                        String user = users[(int) (userSeq.getAndIncrement() % users.length)];
                        fields.append("username=").append(enc(user)).append("&password=").append(enc(password));
                        if (!extra.isEmpty()) fields.append('&').append(extra);
                        String cookies = form.headers().allValues("Set-Cookie").stream().map(c -> c.split(";", 2)[0])
                                .collect(Collectors.joining("; "));
                        String target = unescape(action.group(1)).replaceFirst("^https?://[^/]+", "");
                        HttpRequest post = HttpRequest.newBuilder(URI.create(base + target)).timeout(Duration.ofSeconds(10))
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .header("Cookie", join(fixedCookie, cookies))
                                .POST(HttpRequest.BodyPublishers.ofString(fields.toString())).build();
                        long t2 = System.nanoTime();
                        HttpResponse<String> done = client.send(post, HttpResponse.BodyHandlers.ofString());
                        long t3 = System.nanoTime();
                        if (t3 >= end) break;
                        mine.add(t3 - t2);
                        String location = done.headers().firstValue("Location").orElse("");
                        if ((done.statusCode() == 302 || done.statusCode() == 303) && success.matcher(location).find()) {
                            ops.incrementAndGet();
                        } else {
                            record(bad, badSample, done.statusCode() + " " + location + " " + done.body());
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread t : workers) t.join();
        double secs = Math.min(System.nanoTime() - start, (long) (seconds * 1e9)) / 1e9;
        long[] all = latencies.stream().flatMap(List::stream).mapToLong(Long::longValue).sorted().toArray();
        String sample = badSample[0] == null ? "" : badSample[0].replaceAll("[\\p{Cntrl}\"\\\\]", " ");
        String json = String.format(Locale.ROOT,
                "{\"duration_s\":%.3f,\"requests\":%d,\"ops\":%d,\"rps\":%.2f,\"ops_per_s\":%.2f,"
                        + "\"p50_ms\":%.2f,\"p95_ms\":%.2f,\"p99_ms\":%.2f,\"max_ms\":%.2f,\"mean_ms\":%.2f,"
                        + "\"bad\":%d,\"non2xx3xx\":0,\"socket_errors\":%d,\"timeouts\":0,\"bad_sample\":\"%s\",\"driver\":\"java\"}",
                secs, all.length, ops.get(), all.length / secs, ops.get() / secs, pct(all, 50), pct(all, 95), pct(all, 99),
                all.length == 0 ? 0 : all[all.length - 1] / 1e6, Arrays.stream(all).average().orElse(0) / 1e6,
                bad.get(), errors.get(), sample.substring(0, Math.min(200, sample.length())));
        System.out.println(json);
        String report = System.getenv("WRK_REPORT");
        if (report != null && !report.isEmpty()) Files.writeString(Path.of(report), json + "\n");
    }

    private static HttpRequest get(String url, String cookie) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET();
        if (!cookie.isEmpty()) b.header("Cookie", cookie);
        return b.build();
    }

    private static synchronized void record(AtomicLong bad, String[] sample, String what) {
        bad.incrementAndGet();
        if (sample[0] == null) sample[0] = what.substring(0, Math.min(200, what.length()));
    }

    private static double pct(long[] sorted, double q) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.ceil(q / 100 * sorted.length) - 1)] / 1e6;
    }

    private static String join(String a, String b) {
        return a.isEmpty() ? b : b.isEmpty() ? a : a + "; " + b;
    }

    private static String unescape(String s) {
        return s.replace("&amp;", "&").replace("&#x2F;", "/");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** SIGNIN_SUCCESS is a Lua pattern (for signin.lua); the two this harness uses mean the same as regexes once '%' escapes are undone. */
    private static String luaToJava(String lua) {
        return lua.replace("%", "\\");
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        if (v == null || v.isEmpty()) {
            if (fallback == null) throw new IllegalArgumentException("set " + name);
            return fallback;
        }
        return v;
    }
}
