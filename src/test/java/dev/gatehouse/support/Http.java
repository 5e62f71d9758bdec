package dev.gatehouse.support;

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

/** A small HTTP client for tests: raw requests in, status/headers/body (and JSON) out. */
public final class Http {

    public record Response(int status, java.net.http.HttpHeaders headers, String body) {
        public JsonNode json() {
            try {
                return new ObjectMapper().readTree(body);
            } catch (IOException e) {
                throw new AssertionError("Not JSON: " + body, e);
            }
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    private final HttpClient client;
    private final String base;

    public Http(String base) {
        this(base, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
    }

    public Http(String base, HttpClient client) {
        this.base = base;
        this.client = client;
    }

    public Response send(String method, String path, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : base + path))
                .timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            return received(client.send(b.build(), HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * A response as tests see it, after the check every {@code /api/v1} response gets against Okta's management API
     * schema ({@link OktaSchema}): one that does not conform fails the test that received it.
     */
    public static Response received(HttpResponse<String> r) {
        OktaSchema.check(r.request().method(), r.request().uri(), r.statusCode(), r.headers(), r.body());
        return new Response(r.statusCode(), r.headers(), r.body());
    }

    public Response get(String path, String... headers) {
        return send("GET", path, null, headers);
    }

    /** Headers for an SSWS-authenticated JSON call. */
    public static String[] ssws(String token, String... more) {
        List<String> h = new ArrayList<>(List.of("Authorization", "SSWS " + token, "Accept", "application/json"));
        h.addAll(List.of(more));
        return h.toArray(String[]::new);
    }
}
