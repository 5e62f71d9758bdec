package dev.gatehouse.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.sessions.SignInPages;
import dev.gatehouse.storage.Database;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.OAuthFlow;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static dev.gatehouse.support.Http.ssws;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Outside review, finding 2: unauthenticated requests grew the database without limit. The System Log stored
 * attacker-chosen values whole (a 950 KB {@code client_id} at /token, ~5.7 MB per request; a 900 KB username at
 * /signin; a {@code token_type_hint} at /revoke), and on PostgreSQL a 950 KB username became a 950 KB rate-limit bucket
 * row. {@link #thirtyOversizedRequestsGrowTheStoreByBoundedEventsOnly} repeats the attack and measures the store
 * (prints {@code MEASURE} lines; the figures before the fix came from running it on the previous commit). The other
 * tests: each surface's refusal in its own format, the legitimate values just under each limit, the sign-in form's
 * generic failure, refused values described rather than logged, and every field of an event bounded whoever writes it.
 * Rate limits are on (scaled up so none is reached) because their buckets are one of the things a request could grow.
 */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class OversizedInputHttpTest {

    private static final int HUGE = 950_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    @Parameter
    TestDatabase database;

    static TestServer server;
    static Http http;
    static OAuthFlow spa;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        server = TestServer.start(database, "--rate-limit-multiplier", "100");
        http = server.http();
        spa = OAuthFlow.spa(server);
        // The signing keys are made in the background after start; fetching them waits for them, so no measurement counts them.
        assertThat(http.get("/oauth2/default/v1/keys").status()).isEqualTo(200);
        assertThat(http.get("/oauth2/v1/keys").status()).isEqualTo(200);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    // ---- the attack, measured --------------------------------------------------------------------------------

    @Test
    void thirtyOversizedRequestsGrowTheStoreByBoundedEventsOnly() {
        Map<String, Supplier<Http.Response>> attacks = new LinkedHashMap<>();
        attacks.put("/token client_id", () -> spa.form("/token", "grant_type", "client_credentials", "client_id", random(HUGE)));
        attacks.put("/signin username", () -> server.browser().signIn(random(HUGE), "Not-the-password-1", "/"));
        attacks.put("/revoke token_type_hint", () -> spa.form("/revoke", "client_id", spa.clientId(), "token", random(43),
                "token_type_hint", random(HUGE)));
        Size start = size();
        print("before", start, start);
        List<Size> sizes = new ArrayList<>(List.of(start));
        Map<String, List<Http.Response>> responses = new LinkedHashMap<>();
        for (Map.Entry<String, Supplier<Http.Response>> attack : attacks.entrySet()) {
            List<Http.Response> answers = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                answers.add(attack.getValue().get());
            }
            responses.put(attack.getKey(), answers);
            sizes.add(size());
            print("after 10 x " + attack.getKey(), sizes.get(sizes.size() - 2), sizes.getLast());
        }
        print("after all 30", start, sizes.getLast());

        int i = 0;
        for (Map.Entry<String, List<Http.Response>> attack : responses.entrySet()) {
            Size before = sizes.get(i);
            Size after = sizes.get(++i);
            assertRefused(attack.getKey(), attack.getValue());
            if (attack.getKey().startsWith("/signin")) {
                assertThat(after.events() - before.events()).as("one FAILURE event per sign-in").isEqualTo(10);
            } else {
                assertThat(after.events() - before.events()).as("an edge refusal writes no event").isZero();
            }
            assertThat(after.logChars() - before.logChars()).as("characters the new events hold").isLessThanOrEqualTo(10 * 4_096);
            assertThat(after.rows()).as("rows in every other table").isEqualTo(start.rows());
            assertThat(after.longestBucketKey()).as("the longest rate-limit bucket key").isLessThanOrEqualTo(200);
        }
        assertThat(sizes.getLast().storeBytes() - start.storeBytes()).as("growth of the store, bytes").isLessThan(4L * 1024 * 1024);
    }

    private static void assertRefused(String attack, List<Http.Response> responses) {
        for (Http.Response r : responses) {
            if (attack.startsWith("/signin")) {
                assertThat(r.status()).isEqualTo(401);
                assertThat(r.body()).contains(SignInPages.FAILED.substring(0, 40));
            } else {
                assertThat(r.status()).as(r.body()).isEqualTo(400);
                assertThat(r.json().get("error").asText()).isEqualTo("invalid_request");
                assertThat(r.json().get("error_description").asText()).contains("too long");
            }
        }
    }

    // ---- each surface's refusal ------------------------------------------------------------------------------

    static Stream<Arguments> oauthJsonParameters() {
        return Stream.of(
                Arguments.of("/token", "client_id", 256), Arguments.of("/token", "client_secret", 1024),
                Arguments.of("/token", "grant_type", 256), Arguments.of("/token", "code", 512),
                Arguments.of("/token", "code_verifier", 128), Arguments.of("/token", "redirect_uri", 2048),
                Arguments.of("/token", "refresh_token", 8192), Arguments.of("/token", "scope", 4096),
                Arguments.of("/token", "anything_else", 8192), Arguments.of("/introspect", "token", 8192),
                Arguments.of("/introspect", "token_type_hint", 64), Arguments.of("/revoke", "token", 8192),
                Arguments.of("/revoke", "token_type_hint", 64), Arguments.of("/userinfo", "access_token", 8192));
    }

    @ParameterizedTest(name = "{0} {1} over {2}")
    @MethodSource("oauthJsonParameters")
    void anOAuthJsonEndpointRefusesAnOversizedParameterWithInvalidRequestAndWritesNothing(String endpoint, String name, int limit) {
        Size before = size();
        Http.Response r = spa.form(endpoint, "client_id", name.equals("client_id") ? random(limit + 1) : spa.clientId(),
                "grant_type", name.equals("grant_type") ? random(limit + 1) : "refresh_token", "token", "x",
                name, random(limit + 1));

        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().get("error").asText()).isEqualTo("invalid_request");
        assertThat(r.json().get("error_description").asText())
                .isEqualTo("The '" + name + "' parameter is too long: at most " + limit + " characters.");
        assertThat(r.header("Cache-Control")).isEqualTo("no-store");
        assertThat(r.header("X-Okta-Request-Id")).isNotNull();
        if (endpoint.equals("/userinfo")) {
            assertThat(r.header("WWW-Authenticate")).startsWith("Bearer error=\"invalid_request\"");
        }
        assertThat(size()).as("nothing written").isEqualTo(before);
    }

    @Test
    void aBodyOverTheSizeLimitAtAnOAuthJsonEndpointIsInvalidRequestJson() {
        Size before = size();
        Http.Response r = spa.form("/token", "grant_type", "client_credentials", "client_id", spa.clientId(), "x", random(1_100_000));
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.json().get("error").asText()).isEqualTo("invalid_request");
        assertThat(r.json().get("error_description").asText()).isEqualTo("The request body is too large.");
        assertThat(r.header("Cache-Control")).isEqualTo("no-store");
        assertThat(size()).isEqualTo(before);
    }

    @Test
    void anOversizedClientIdInTheAuthorizationHeaderIsRefusedLikeTheBodys() {
        Size before = size();
        Http.Response r = spa.formWith(OAuthFlow.basicClientIdOnly(random(257)), "/revoke", "token", "x");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error_description").asText()).contains("client_id in the Authorization header is too long");
        assertThat(size()).isEqualTo(before);
    }

    @Test
    void justUnderEachLimitTheEndpointJudgesTheValueAsBefore() {
        Http.Response token = spa.form("/token", "grant_type", "authorization_code", "client_id", spa.clientId(),
                "redirect_uri", OAuthFlow.REDIRECT_URI, "code", random(512), "code_verifier", random(128));
        assertThat(token.json().get("error").asText()).as("an unknown code, not a refused request").isEqualTo("invalid_grant");

        Http.Response client = spa.form("/token", "grant_type", "client_credentials", "client_id", random(256));
        assertThat(client.status()).isEqualTo(401);
        assertThat(client.json().get("error").asText()).isEqualTo("invalid_client");

        assertThat(spa.form("/revoke", "client_id", spa.clientId(), "token", random(8192), "token_type_hint", random(64)).status()).isEqualTo(200);
        Http.Response introspect = spa.form("/introspect", "client_id", spa.clientId(), "token", random(8192));
        assertThat(introspect.status()).isEqualTo(200);
        assertThat(introspect.json().get("active").asBoolean()).isFalse();
    }

    static Stream<Arguments> browserFlowParameters() {
        return Stream.of(
                Arguments.of("/authorize", "state", 2048), Arguments.of("/authorize", "nonce", 2048),
                Arguments.of("/authorize", "login_hint", 256), Arguments.of("/authorize", "redirect_uri", 2048),
                Arguments.of("/authorize", "client_id", 256), Arguments.of("/authorize", "idp_scope", 2048),
                Arguments.of("/logout", "post_logout_redirect_uri", 2048), Arguments.of("/logout", "state", 512),
                Arguments.of("/logout", "id_token_hint", 8192));
    }

    @ParameterizedTest(name = "{0} {1} over {2}")
    @MethodSource("browserFlowParameters")
    void authorizeAndLogoutRefuseAnOversizedParameterWithTheErrorPageAndNeverRedirect(String endpoint, String name, int limit) {
        Size before = size();
        Map<String, String> params = new LinkedHashMap<>(Map.of("client_id", spa.clientId(), "redirect_uri", OAuthFlow.REDIRECT_URI,
                "response_type", "code", "scope", "openid", "state", "s1"));
        params.put(name, random(limit + 1));
        for (boolean post : new boolean[]{false, true}) {
            if (!post && limit > 6_000) {
                continue;   // a GET this long is Jetty's 414 before any of this (JettyErrorsHttpTest)
            }
            String[] fields = params.entrySet().stream().flatMap(e -> Stream.of(e.getKey(), e.getValue())).toArray(String[]::new);
            Http.Response r = post ? spa.form(endpoint, fields) : http.get(spa.base() + endpoint + "?" + OAuthFlow.encode(fields));

            assertThat(r.status()).as(r.body()).isEqualTo(400);
            assertThat(r.header("Location")).isNull();
            assertThat(r.header("Content-Type")).startsWith("text/html");
            assertThat(r.body()).contains("invalid_request").contains("The '" + name + "' parameter is too long: at most " + limit);
        }
        assertThat(size()).as("nothing written").isEqualTo(before);
    }

    @Test
    void authorizeRefusesParametersTooLongTogether() {
        List<String> fields = new ArrayList<>(List.of("client_id", spa.clientId(), "redirect_uri", OAuthFlow.REDIRECT_URI,
                "response_type", "code", "scope", "openid", "state", "s1"));
        for (int i = 0; i < 5; i++) {
            fields.addAll(List.of("extra" + i, random(2_000)));
        }
        Http.Response r = spa.form("/authorize", fields.toArray(String[]::new));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).contains("too long together: at most 8192 characters");
    }

    @Test
    void anApiQueryParameterOverItsLimitIsOktasValidationError() {
        Http.Response r = http.get("/api/v1/users?search=" + random(4097), ssws(TestServer.API_TOKEN));
        assertThat(r.status()).isEqualTo(400);
        JsonNode body = r.json();
        assertThat(body.get("errorCode").asText()).isEqualTo("E0000001");
        assertThat(body.get("errorSummary").asText()).isEqualTo("Api validation failed: search");
        assertThat(body.get("errorCauses").get(0).get("errorSummary").asText()).isEqualTo("search: The field cannot be longer than 4096 characters");

        assertThat(http.get("/api/v1/users?search=" + OAuthFlow.enc("profile.login eq \"" + random(4000) + "\""), ssws(TestServer.API_TOKEN))
                .status()).as("under the limit the search is judged").isEqualTo(200);
    }

    // ---- sign-in --------------------------------------------------------------------------------------------

    @Test
    void anOversizedUsernameOrPasswordIsTheGenericSignInFailureWithOneBoundedEvent() {
        long failures = OAuthFlow.events(server, "user.session.start", "FAILURE");
        String username = "a\u0007" + random(255);
        Http.Response r = server.browser().signIn(username, "whatever-1A", "/");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.body()).contains(SignInPages.FAILED.substring(0, 40));
        Http.Response p = server.browser().signIn(TestServer.ADMIN, "x".repeat(1025), "/");
        assertThat(p.status()).isEqualTo(401);
        assertThat(OAuthFlow.events(server, "user.session.start", "FAILURE")).isEqualTo(failures + 2);

        Map<String, Object> event = lastEvent("user.session.start");
        assertThat((String) event.get("debug_data")).contains("password longer than 1024 characters");
        assertThat(server.browser().signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD, "/").status())
                .as("the admin signs in; the refused attempt moved no failure counter that matters").isEqualTo(303);
    }

    @Test
    void aRefusedValueIsDescribedInTheLogAndAPlausibleOneIsLoggedAsSent() {
        spa.form("/token", "grant_type", "client_credentials", "client_id", "no-such-client-42");
        assertThat((String) lastEvent("app.oauth2.as.token.grant").get("debug_data")).contains("unknown or inactive client no-such-client-42");

        spa.form("/token", "grant_type", "client_credentials", "client_id", "bell\u0007" + "z".repeat(150));
        String debug = (String) lastEvent("app.oauth2.as.token.grant").get("debug_data");
        assertThat(debug).contains("[refused: 155 characters, starting \\\"bell\\\\u0007zzzzzzzzzzz\\\"]").doesNotContain("z".repeat(20));

        spa.form("/revoke", "client_id", spa.clientId(), "token", "x", "token_type_hint", "refresh_token");
        assertThat((String) lastEvent("app.oauth2.as.token.revoke").get("debug_data")).contains("\"token_type_hint\":\"refresh_token\"");
        spa.form("/revoke", "client_id", spa.clientId(), "token", "x", "token_type_hint", "<script>\r\n" + "h".repeat(40));
        assertThat((String) lastEvent("app.oauth2.as.token.revoke").get("debug_data")).contains("[refused: 50 characters")
                .doesNotContain("<script>").doesNotContain("h".repeat(20));

        String login = "l" + "\u200b".repeat(3) + "x".repeat(200);
        server.browser().signIn(login, "whatever-1A", "/");
        Map<String, Object> event = lastEvent("user.session.start");
        assertThat((String) event.get("actor_alternate_id")).startsWith("[refused: 204 characters");
        assertThat((String) event.get("debug_data")).contains("\"loginAttempted\":\"[refused: 204 characters");
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    /** What the store holds: events, the characters in them, its size on disk, rows elsewhere, the longest bucket key. */
    record Size(long events, long logChars, long storeBytes, Map<String, Long> rows, long longestBucketKey) {
        long otherRows() {
            return rows.values().stream().mapToLong(Long::longValue).sum();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Size s && s.events == events && s.logChars == logChars && s.rows.equals(rows)
                    && s.longestBucketKey == longestBucketKey;   // the file may grow by a page without a row
        }

        @Override
        public int hashCode() {
            return Long.hashCode(events + logChars);
        }
    }

    private Size size() {
        Database db = server.wiring().db;
        return db.read(h -> {
            long events = h.createQuery("SELECT COUNT(*) FROM system_log_events").mapTo(Long.class).one();
            long chars = h.createQuery("""
                    SELECT COALESCE(SUM(LENGTH(uuid) + LENGTH(event_type) + LENGTH(display_message) + LENGTH(severity)
                        + COALESCE(LENGTH(actor_id), 0) + COALESCE(LENGTH(actor_type), 0) + COALESCE(LENGTH(actor_alternate_id), 0)
                        + COALESCE(LENGTH(actor_display_name), 0) + COALESCE(LENGTH(client_ip), 0) + COALESCE(LENGTH(client_user_agent), 0)
                        + LENGTH(outcome_result) + COALESCE(LENGTH(outcome_reason), 0) + LENGTH(targets)
                        + COALESCE(LENGTH(transaction_id), 0) + COALESCE(LENGTH(debug_data), 0)), 0) FROM system_log_events""")
                    .mapTo(Long.class).one();
            List<String> tables = h.createQuery("""
                    SELECT table_name FROM information_schema.tables WHERE table_schema = CURRENT_SCHEMA AND table_type = 'BASE TABLE'""")
                    .mapTo(String.class).list();
            Map<String, Long> other = new java.util.TreeMap<>();
            for (String t : tables) {
                if (!List.of("system_log_events", "rate_limit_buckets", "flyway_schema_history").contains(t.toLowerCase())) {
                    other.put(t.toLowerCase(), h.createQuery("SELECT COUNT(*) FROM " + t).mapTo(Long.class).one());
                }
            }
            long bucketKey = h.createQuery("SELECT COALESCE(MAX(LENGTH(id)), 0) FROM rate_limit_buckets").mapTo(Long.class).one();
            long bytes;
            if (database == TestDatabase.H2) {
                try {
                    bytes = Files.size(server.dataDir.resolve("gatehouse.mv.db"));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            } else {
                bytes = h.createQuery("""
                        SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                        WHERE n.nspname = current_schema() AND c.relkind = 'r'""").mapTo(Long.class).one();
            }
            return new Size(events, chars, bytes, other, bucketKey);
        });
    }

    private void print(String phase, Size from, Size to) {
        Map<String, Long> changed = new java.util.TreeMap<>();
        to.rows().forEach((t, n) -> {
            if (!n.equals(from.rows().get(t))) {
                changed.put(t, n - from.rows().getOrDefault(t, 0L));
            }
        });
        System.out.printf("MEASURE %s %-32s events %+d (%d), System Log characters %+,d, store %,d -> %,d bytes (%+,d), other rows %s, "
                        + "longest bucket key %d%n", database, phase, to.events() - from.events(), to.events(), to.logChars() - from.logChars(),
                from.storeBytes(), to.storeBytes(), to.storeBytes() - from.storeBytes(), changed, to.longestBucketKey());
    }

    /** The text columns of the latest event of a type (read as strings: H2 hands TEXT out as a CLOB). */
    private static Map<String, Object> lastEvent(String eventType) {
        return server.wiring().db.read(h -> h.createQuery("SELECT * FROM system_log_events WHERE event_type = :t ORDER BY seq DESC LIMIT 1")
                .bind("t", eventType).map((rs, c) -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    for (String col : List.of("actor_id", "actor_alternate_id", "actor_display_name", "outcome_reason", "targets", "debug_data")) {
                        m.put(col, rs.getString(col));
                    }
                    return m;
                }).one());
    }

    private static String random(int length) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return b.toString();
    }
}
