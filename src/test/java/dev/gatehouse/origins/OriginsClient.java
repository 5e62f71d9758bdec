package dev.gatehouse.origins;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.support.ApiClient;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.TestServer;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code /api/v1/trustedOrigins} calls for the origin tests: an {@link ApiClient} with the first admin's API token. */
final class OriginsClient extends ApiClient {

    static final String PATH = "/api/v1/trustedOrigins";
    private static final AtomicInteger SEQ = new AtomicInteger();

    private final TestServer server;

    OriginsClient(TestServer server) {
        super(server.http(), TestServer.API_TOKEN);
        this.server = server;
    }

    /** A fresh https origin, e.g. {@code https://app-7.example.com}. */
    static String uniqueOrigin() {
        return "https://app-" + SEQ.incrementAndGet() + "x" + Long.toString(System.nanoTime() % 100_000, 36) + ".example.com";
    }

    static String body(String name, String origin, String... scopes) {
        String s = Arrays.stream(scopes).map(t -> "{\"type\":\"" + t + "\"}").collect(Collectors.joining(","));
        return "{\"name\":" + (name == null ? "null" : "\"" + name + "\"") + ",\"origin\":" + (origin == null ? "null" : "\"" + origin + "\"")
                + ",\"scopes\":[" + s + "]}";
    }

    Http.Response post(String body) {
        return send("POST", PATH, body);
    }

    /** Creates an origin (must succeed) and returns its JSON. */
    JsonNode create(String origin, String... scopes) {
        Http.Response r = post(body("Origin " + SEQ.incrementAndGet() + " " + origin, origin, scopes));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    Http.Response lifecycle(String id, String operation) {
        return send("POST", PATH + "/" + id + "/lifecycle/" + operation, null);
    }

    long events(String type) {
        return server.wiring().db.read(h -> server.wiring().systemLog.count(h, type));
    }
}
