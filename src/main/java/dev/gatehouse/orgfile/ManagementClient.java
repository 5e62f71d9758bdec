package dev.gatehouse.orgfile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gatehouse's management API as the org file sees it (issue #22): every read and change of {@code org plan}, {@code org
 * apply}, {@code org export} and {@code serve --org} goes through it, so the file is held to the API's own rules and each
 * change is the API's own transaction and System Log event. An SSWS token of a super admin.
 */
public final class ManagementClient implements AutoCloseable {

    /** The API refused a request: its status and Okta's error text (errorSummary and every errorCause). */
    public static final class Refused extends RuntimeException {
        private final int status;

        Refused(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NEXT = Pattern.compile("<([^>]+)>;\\s*rel=\"next\"");

    private final String base;
    private final String token;
    private final HttpClient http;

    public ManagementClient(String baseUrl, String token) {
        this.base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.token = token;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** Closes the connections it keeps open (a node stopping waits for open ones). */
    @Override
    public void close() {
        http.close();
    }

    public JsonNode get(String path) {
        return send("GET", path, null);
    }

    /** Every item of a listing, following Okta's {@code Link: <…>; rel="next"} pages. */
    public List<JsonNode> list(String path) {
        List<JsonNode> out = new ArrayList<>();
        String next = base + path + (path.contains("?") ? "&" : "?") + "limit=200";
        for (int page = 0; next != null && page < 1000; page++) {
            HttpResponse<String> r = exchange("GET", next, null);
            check("GET", path, r);
            read(r.body()).forEach(out::add);
            next = r.headers().allValues("Link").stream().map(NEXT::matcher).filter(Matcher::find).map(m -> m.group(1)).findFirst().orElse(null);
        }
        return out;
    }

    public JsonNode post(String path, JsonNode body) {
        return send("POST", path, body);
    }

    public JsonNode put(String path, JsonNode body) {
        return send("PUT", path, body);
    }

    public void delete(String path) {
        send("DELETE", path, null);
    }

    private JsonNode send(String method, String path, JsonNode body) {
        HttpResponse<String> r = exchange(method, base + path, body);
        check(method, path, r);
        return r.body() == null || r.body().isBlank() ? JSON.createObjectNode() : read(r.body());
    }

    private HttpResponse<String> exchange(String method, String url, JsonNode body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "SSWS " + token).header("Accept", "application/json");
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new Refused(0, "Cannot reach " + base + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Refused(0, "Interrupted");
        }
    }

    private static void check(String method, String path, HttpResponse<String> r) {
        if (r.statusCode() < 300) {
            return;
        }
        String text = r.body();
        try {
            JsonNode e = JSON.readTree(text);
            StringBuilder m = new StringBuilder(e.path("errorSummary").asText("HTTP " + r.statusCode()));
            for (JsonNode c : e.path("errorCauses")) {
                m.append("; ").append(c.path("errorSummary").asText());
            }
            text = m.toString();
        } catch (IOException | RuntimeException ignored) {
            text = "HTTP " + r.statusCode();
        }
        throw new Refused(r.statusCode(), method + " " + path + ": " + text);
    }

    private static JsonNode read(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new Refused(0, "Unreadable answer: " + e.getMessage());
        }
    }
}
