package dev.gatehouse.support;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A cookie-keeping HTTP client that does not follow redirects, for testing pages and forms the way a
 * browser uses them (real browser tests use Playwright; this one is for fast HTTP-level checks).
 */
public final class Browser {

    private final String base;
    private final HttpClient client;
    public final Map<String, String> cookies = new LinkedHashMap<>();

    public Browser(String base) {
        this.base = base;
        this.client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
    }

    /**
     * A browser on another machine, as the server sees it: its connections come from {@code localAddress} (e.g.
     * 127.0.0.2; Linux routes all of 127/8 to the loopback interface), so per-client limits treat it as another client.
     */
    public Browser(String base, java.net.InetAddress localAddress) {
        this.base = base;
        this.client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5))
                .localAddress(localAddress).build();
    }

    /** A browser that reaches an HTTPS base URL, trusting what {@code ssl} trusts (e.g. {@link TrustedHttps#sslContext()}). */
    public Browser(String base, javax.net.ssl.SSLContext ssl) {
        this.base = base;
        this.client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5))
                .sslContext(ssl).build();
    }

    public Http.Response get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    /** Posts a form; pairs of name, value. */
    public Http.Response post(String path, String... fields) {
        String body = java.util.stream.IntStream.range(0, fields.length / 2)
                .mapToObj(i -> enc(fields[2 * i]) + "=" + enc(fields[2 * i + 1])).collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /**
     * Posts a form with request headers a real browser adds ({@code Origin}, {@code Sec-Fetch-Site}...); {@code headers}
     * are name, value pairs, {@code fields} as in {@link #post}.
     */
    public Http.Response postWithHeaders(String path, List<String> headers, String... fields) {
        String body = java.util.stream.IntStream.range(0, fields.length / 2)
                .mapToObj(i -> enc(fields[2 * i]) + "=" + enc(fields[2 * i + 1])).collect(Collectors.joining("&"));
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i + 1 < headers.size(); i += 2) {
            b.header(headers.get(i), headers.get(i + 1));
        }
        return send(b);
    }

    public Http.Response send(String method, String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).method(method, HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b);
    }

    /** The value of the hidden CSRF field in a page. */
    public static String csrf(Http.Response page) {
        Matcher m = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(page.body());
        if (!m.find()) {
            throw new AssertionError("No CSRF field in: " + page.body());
        }
        return m.group(1);
    }

    /** Signs in through the hosted page; returns the final response (a 303 on success). */
    public Http.Response signIn(String username, String password, String fromUri) {
        Http.Response page = get("/signin" + (fromUri == null ? "" : "?fromURI=" + enc(fromUri)));
        return post("/signin", "csrf", csrf(page), "username", username, "password", password, "fromURI", fromUri == null ? "/" : fromUri);
    }

    /** Puts the cookies a response sets into {@code jar} and drops the ones it clears, as a browser does. */
    public static void keepCookies(java.net.http.HttpHeaders headers, Map<String, String> jar) {
        for (String set : headers.allValues("Set-Cookie")) {
            String pair = set.split(";", 2)[0];
            String name = pair.substring(0, pair.indexOf('='));
            String value = pair.substring(pair.indexOf('=') + 1);
            if (value.isEmpty() || set.contains("Max-Age=0")) {
                jar.remove(name);
            } else {
                jar.put(name, value);
            }
        }
    }

    private Http.Response send(HttpRequest.Builder b) {
        if (!cookies.isEmpty()) {
            b.header("Cookie", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("; ")));
        }
        try {
            HttpResponse<String> r = client.send(b.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            keepCookies(r.headers(), cookies);
            return Http.received(r);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    public static List<String> setCookies(Http.Response r) {
        return r.headers().allValues("Set-Cookie");
    }

    private URI uri(String path) {
        return URI.create(path.startsWith("http") ? path : base + path);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
