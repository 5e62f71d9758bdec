package dev.gatehouse.support;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The management API ({@code /api/v1}) as tests call it: SSWS with the first admin's token unless {@link #as} says
 * otherwise, {@code Accept: application/json}, and a JSON body with its content type. Every response is checked
 * against Okta's schema by {@link Http}. Capability clients (DirectoryClient, AppClient …) add their own calls to it.
 *
 * <pre>{@code
 * ApiClient api = ApiClient.of(server);
 * JsonNode user = api.ok(api.post("/api/v1/users?activate=true", body));
 * }</pre>
 */
public class ApiClient {

    private final Http http;
    private final String token;

    public ApiClient(Http http, String token) {
        this.http = http;
        this.token = token;
    }

    /** The first admin's client for this server. */
    public static ApiClient of(TestServer server) {
        return new ApiClient(server.http(), TestServer.API_TOKEN);
    }

    /** The first admin's client for a server known by its {@link Http} (another node, a process). */
    public static ApiClient of(Http http) {
        return new ApiClient(http, TestServer.API_TOKEN);
    }

    /** The same server with another SSWS token. */
    public ApiClient as(String otherToken) {
        return new ApiClient(http, otherToken);
    }

    public Http.Response get(String path, String... extraHeaders) {
        return send("GET", path, null, extraHeaders);
    }

    public Http.Response post(String path, String body) {
        return send("POST", path, body);
    }

    public Http.Response put(String path, String body) {
        return send("PUT", path, body);
    }

    public Http.Response delete(String path) {
        return send("DELETE", path, null);
    }

    /** A call with the SSWS headers, {@code Content-Type: application/json} when there is a body, then {@code extraHeaders}. */
    public Http.Response send(String method, String path, String body, String... extraHeaders) {
        List<String> more = new ArrayList<>();
        if (body != null) {
            more.addAll(List.of("Content-Type", "application/json"));
        }
        more.addAll(List.of(extraHeaders));
        return http.send(method, path, body, Http.ssws(token, more.toArray(String[]::new)));
    }

    /** The JSON of a 2xx response (null when it has no body); any other status fails with the body. */
    public static JsonNode ok(Http.Response r) {
        assertThat(r.status()).as(r.body()).isBetween(200, 299);
        return r.body().isEmpty() ? null : r.json();
    }

    /** The {@code errorSummary} of an Okta error's first cause. */
    public static String firstCause(Http.Response r) {
        return r.json().get("errorCauses").get(0).get("errorSummary").asText();
    }
}
