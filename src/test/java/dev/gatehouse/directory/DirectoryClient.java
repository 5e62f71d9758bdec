package dev.gatehouse.directory;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.support.ApiClient;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.Sql;
import dev.gatehouse.support.TestServer;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The Users and Groups APIs as the directory tests call them (an {@link ApiClient}), with unique names and looks at the store. */
final class DirectoryClient extends ApiClient {

    static final String PASSWORD = "Tr0ub4dor&3-horse";
    private static final AtomicInteger SEQ = new AtomicInteger();

    private final TestServer server;

    DirectoryClient(TestServer server) {
        this(server, TestServer.API_TOKEN);
    }

    DirectoryClient(TestServer server, String token) {
        super(server.http(), token);
        this.server = server;
    }

    @Override
    public DirectoryClient as(String otherToken) {
        return new DirectoryClient(server, otherToken);
    }

    /** A name no other test of this run uses, e.g. {@code p17x}, to keep tests on one server apart. */
    static String unique(String prefix) {
        return prefix + SEQ.incrementAndGet() + "x" + Long.toString(System.nanoTime() % 100_000, 36);
    }

    static String userBody(String login, String firstName, String lastName, String password) {
        String credentials = password == null ? "" : ",\"credentials\":{\"password\":{\"value\":\"" + password + "\"}}";
        return """
                {"profile":{"firstName":"%s","lastName":"%s","email":"%s","login":"%s"}%s}"""
                .formatted(firstName, lastName, login, login, credentials);
    }

    /** Creates an ACTIVE user with {@link #PASSWORD} and returns its JSON. */
    JsonNode createUser(String login) {
        return createUser(login, "Ada", "Lovelace", true);
    }

    JsonNode createUser(String login, String firstName, String lastName, boolean activate) {
        Http.Response r = post("/api/v1/users?activate=" + activate, userBody(login, firstName, lastName, PASSWORD));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    JsonNode createGroup(String name) {
        Http.Response r = post("/api/v1/groups", "{\"profile\":{\"name\":\"" + name + "\",\"description\":\"for tests\"}}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    String status(String userId) {
        return get("/api/v1/users/" + userId).json().get("status").asText();
    }

    long events(String type) {
        return server.wiring().db.read(h -> server.wiring().systemLog.count(h, type));
    }

    long allEvents() {
        return Sql.count(server.wiring().db, "SELECT COUNT(*) FROM system_log_events");
    }

    long users() {
        return Sql.count(server.wiring().db, "SELECT COUNT(*) FROM users");
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** The path of the {@code rel="next"} link, or null on the last page. */
    static String nextLink(Http.Response r) {
        String link = r.header("Link");
        assertThat(link).contains("rel=\"self\"");
        Matcher m = Pattern.compile("<([^>]+)>; rel=\"next\"").matcher(link);
        return m.find() ? m.group(1).replaceFirst("^https?://[^/]+", "") : null;
    }
}
