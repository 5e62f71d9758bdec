package dev.gatehouse.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.gatehouse.support.ApiClient;
import dev.gatehouse.support.Browser;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.NodeFlow;
import dev.gatehouse.support.NodeProcess;
import dev.gatehouse.support.OAuthFlow;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #10, item 3: two real Gatehouse processes on one PostgreSQL schema, with clients that send each request to
 * whichever node they like (nothing in front but round robin). A change made through one node must be in force on
 * the other within {@link #PROPAGATION} (features are read from the database on every use; apps, authorization
 * servers, scopes and trusted origins are cached per node and dropped on PostgreSQL NOTIFY, see
 * {@code storage/ChangeFeed}: each test warms the other node's cache before the change, so a missed notification
 * would show); sessions and tokens made on one node work on the other;
 * both nodes started at the same moment on an empty schema make one org.
 *
 * <p>Latencies are measured from the moment the changing request was answered until the other node's answer shows
 * the change, and are printed at the end (surefire keeps them in {@code target/surefire-reports/*-output.txt}).
 */
@EnabledIfEnvironmentVariable(named = TestDatabase.POSTGRES_URL_ENV, matches = ".+")
@Timeout(value = 240, unit = java.util.concurrent.TimeUnit.SECONDS)   // a hang guard (node start alone may take 180 s on a loaded machine)
class MultiNodeTest {

    static final Duration PROPAGATION = Duration.ofSeconds(1);
    static final String OTHER_REDIRECT = "http://localhost:8080/other/callback";

    static String dbUrl;
    static NodeProcess a;
    static NodeProcess b;
    static final Map<String, Duration> LATENCIES = new ConcurrentHashMap<>();

    @BeforeAll
    static void startBothNodesAtOnce() {
        dbUrl = TestDatabase.POSTGRES.freshUrl();
        a = NodeProcess.create("multinode-a", dbUrl, null, Map.of());
        // One public base URL for the cluster (what a load balancer would serve): the issuer in every token.
        b = NodeProcess.create("multinode-b", dbUrl, "http://127.0.0.1:" + a.port, Map.of());
        a.launch();
        b.launch();
        a.awaitReady();
        b.awaitReady();
    }

    @AfterAll
    static void stopNodes() {
        try {
            if (a != null) {
                a.close();
            }
            if (b != null) {
                b.close();
            }
        } finally {
            TestDatabase.drop(dbUrl);
            System.out.println("MultiNodeTest propagation latencies (answer on one node -> in force on the other): " + LATENCIES);
        }
    }

    @Test
    void bothNodesStartedAtOnceOnAnEmptySchemaMakeOneOrgAndOneFirstAdmin() {
        assertThat(count("SELECT COUNT(*) FROM orgs")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM users")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM system_log_events WHERE event_type = 'user.lifecycle.create'")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM api_tokens")).isEqualTo(1);
        long announced = java.util.stream.Stream.of(a, b).filter(n -> n.log().contains("First super admin created")).count();
        assertThat(announced).as("exactly one node says it created the first admin").isEqualTo(1);
        for (NodeProcess n : List.of(a, b)) {
            assertThat(n.http().get("/api/v1/users?limit=1", Http.ssws(TestServer.API_TOKEN)).status()).as(n.name).isEqualTo(200);
        }
    }

    @Test
    void appChangesMadeOnOneNodeAreInForceOnTheOtherWithinASecond() {
        NodeFlow spa = NodeFlow.spa(a.url(), 30);
        Browser browser = signedInOn(a);
        String appId = appId(a, spa.clientId);

        assertThat(authorize(browser, b, spa, OTHER_REDIRECT).status()).as("not registered yet").isEqualTo(400);
        JsonNode app = a.http().get("/api/v1/apps/" + appId, Http.ssws(TestServer.API_TOKEN)).json();
        ((ArrayNode) app.get("settings").get("oauthClient").get("redirect_uris")).add(OTHER_REDIRECT);
        Http.Response put = a.http().send("PUT", "/api/v1/apps/" + appId, app.toString(),
                Http.ssws(TestServer.API_TOKEN, "Content-Type", "application/json"));
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        assertInForceWithin("app redirect URI added on A, accepted by B",
                () -> authorize(browser, b, spa, OTHER_REDIRECT).status() == 302);

        lifecycle(b, "/api/v1/apps/" + appId, "deactivate");
        assertInForceWithin("app deactivated on B, refused by A",
                () -> authorize(browser, a, spa, OAuthFlow.REDIRECT_URI).status() == 400);
        lifecycle(a, "/api/v1/apps/" + appId, "activate");
        assertInForceWithin("app activated on A, accepted by B",
                () -> authorize(browser, b, spa, OAuthFlow.REDIRECT_URI).status() == 302);
    }

    @Test
    void clientSecretScopeAndServerChangesMadeOnOneNodeAreInForceOnTheOtherWithinASecond() {
        String server = json(a, "POST", "/api/v1/authorizationServers",
                "{\"name\":\"cluster-" + System.nanoTime() + "\",\"audiences\":[\"api://cluster\"]}").get("id").asText();
        String scopeId = json(a, "POST", "/api/v1/authorizationServers/" + server + "/scopes", "{\"name\":\"jobs:run\"}").get("id").asText();
        // A new custom server issues nothing without an access policy (issue 17): allow everything.
        String policyId = json(a, "POST", "/api/v1/authorizationServers/" + server + "/policies", OAuthFlow.ALLOW_ALL_POLICY).get("id").asText();
        json(a, "POST", "/api/v1/authorizationServers/" + server + "/policies/" + policyId + "/rules", OAuthFlow.ALLOW_ALL_RULE);
        JsonNode app = json(a, "POST", "/api/v1/apps", "{\"label\":\"Cluster job " + System.nanoTime()
                + "\",\"settings\":{\"oauthClient\":{\"application_type\":\"service\"}}}");
        String clientId = app.get("credentials").get("oauthClient").get("client_id").asText();
        String oldSecret = app.get("credentials").get("oauthClient").get("client_secret").asText();
        assertThat(clientCredentials(b, server, clientId, oldSecret, "jobs:run")).as("B's caches warm").isEqualTo(200);
        assertThat(clientCredentials(a, server, clientId, oldSecret, "jobs:run")).as("A's caches warm").isEqualTo(200);

        String newSecret = json(a, "POST", "/api/v1/apps/" + app.get("id").asText() + "/credentials/secrets", null)
                .get("client_secret").asText();
        assertInForceWithin("client secret rotated on A, old one refused by B",
                () -> clientCredentials(b, server, clientId, oldSecret, "jobs:run") == 401);
        assertThat(clientCredentials(b, server, clientId, newSecret, "jobs:run")).isEqualTo(200);

        Http.Response deleted = b.http().send("DELETE", "/api/v1/authorizationServers/" + server + "/scopes/" + scopeId, null,
                Http.ssws(TestServer.API_TOKEN));
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(204);
        assertInForceWithin("scope deleted on B, refused by A", () -> clientCredentials(a, server, clientId, newSecret, "jobs:run") == 400);

        json(a, "POST", "/api/v1/authorizationServers/" + server + "/scopes", "{\"name\":\"jobs:run\"}");
        lifecycle(a, "/api/v1/authorizationServers/" + server, "deactivate");
        assertInForceWithin("authorization server deactivated on A, issues nothing on B",
                () -> clientCredentials(b, server, clientId, newSecret, "jobs:run") == 404);
        lifecycle(b, "/api/v1/authorizationServers/" + server, "activate");
        assertInForceWithin("authorization server activated on B, issues on A",
                () -> clientCredentials(a, server, clientId, newSecret, "jobs:run") == 200);
    }

    static JsonNode json(NodeProcess node, String method, String path, String body) {
        Http.Response r = ApiClient.of(node.http()).send(method, path, body);
        assertThat(r.status()).as(path + ": " + r.body()).isIn(200, 201); // 201 for a created server or scope, as Okta
        return r.json();
    }

    /** A client-credentials token request on {@code node}: its status (200, 400 invalid_scope, 401 invalid_client, 404). */
    static int clientCredentials(NodeProcess node, String server, String clientId, String secret, String scope) {
        String basic = java.util.Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Http.Response r = node.http().send("POST", "/oauth2/" + server + "/v1/token", "grant_type=client_credentials&scope=" + scope,
                "Authorization", "Basic " + basic, "Content-Type", "application/x-www-form-urlencoded", "Accept", "application/json");
        assertThat(r.status()).as(r.body()).isIn(200, 400, 401, 404);
        return r.status();
    }

    @Test
    void trustedOriginChangesMadeOnOneNodeAreInForceOnTheOtherWithinASecond() {
        String origin = "https://spa-" + System.nanoTime() + ".example";
        assertThat(corsAllowed(b, origin)).isFalse();
        Http.Response created = a.http().send("POST", "/api/v1/trustedOrigins",
                "{\"name\":\"Cluster " + origin + "\",\"origin\":\"" + origin + "\",\"scopes\":[{\"type\":\"CORS\"}]}",
                Http.ssws(TestServer.API_TOKEN, "Content-Type", "application/json"));
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        String id = created.json().get("id").asText();
        assertInForceWithin("trusted origin created on A, CORS on B", () -> corsAllowed(b, origin));

        lifecycle(b, "/api/v1/trustedOrigins/" + id, "deactivate");
        assertInForceWithin("trusted origin deactivated on B, no CORS on A", () -> !corsAllowed(a, origin));
        lifecycle(a, "/api/v1/trustedOrigins/" + id, "activate");
        assertInForceWithin("trusted origin activated on A, CORS on B", () -> corsAllowed(b, origin));
        assertThat(a.http().send("DELETE", "/api/v1/trustedOrigins/" + id, null, Http.ssws(TestServer.API_TOKEN)).status()).isEqualTo(204);
        assertInForceWithin("trusted origin deleted on A, no CORS on B", () -> !corsAllowed(b, origin));
    }

    @Test
    void featureChangesMadeOnOneNodeAreInForceOnTheOtherWithinASecond() {
        String feature = featureId(a, "Refresh Token Rotation for SPA");
        try {
            assertThat(spaWithRefreshGrant(b)).as("the feature starts enabled (GATEHOUSE_FEATURES)").isEqualTo(200);
            lifecycle(a, "/api/v1/features/" + feature, "disable");
            assertInForceWithin("feature disabled on A, in force on B", () -> spaWithRefreshGrant(b) == 400);
            lifecycle(b, "/api/v1/features/" + feature, "enable");
            assertInForceWithin("feature enabled on B, in force on A", () -> spaWithRefreshGrant(a) == 200);
        } finally {
            lifecycle(a, "/api/v1/features/" + feature, "enable");
        }
    }

    /**
     * Each node keeps the signer of the active key for {@code KeyRotationSettings.signerCache} (60 s), by design: a
     * token another node signs meanwhile uses the retired key, which stays published. What must hold at once is that
     * the new key is published by every node, and that tokens signed before and after the rotation verify everywhere.
     */
    @Test
    void aKeyRotatedOnOneNodeIsPublishedByTheOtherWithinASecondAndEveryTokenKeepsVerifying() {
        NodeFlow spa = NodeFlow.spa(a.url(), 30);
        Browser browser = signedInOn(b);
        String before = spa.tokens(browser, b.url(), b.url()).get("access_token").asText();
        Http.Response rotated = a.http().send("POST", "/api/v1/authorizationServers/default/credentials/lifecycle/keyRotate",
                "{\"use\":\"sig\"}", Http.ssws(TestServer.API_TOKEN, "Content-Type", "application/json"));
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
        String newKid = rotated.json().get(0).get("kid").asText();
        assertInForceWithin("signing key rotated on A, published by B",
                () -> b.http().get("/oauth2/default/v1/keys").body().contains("\"" + newKid + "\""));
        String afterOnA = spa.tokens(browser, a.url(), a.url()).get("access_token").asText();
        assertThat(header(afterOnA).get("kid").asText()).as("the rotating node signs with the new key at once").isEqualTo(newKid);
        String afterOnB = spa.tokens(browser, b.url(), b.url()).get("access_token").asText();
        for (String token : List.of(before, afterOnA, afterOnB)) {
            for (NodeProcess n : List.of(a, b)) {
                assertThat(n.http().get("/oauth2/default/v1/keys").body()).as(n.name + " publishes the key of every live token")
                        .contains("\"" + header(token).get("kid").asText() + "\"");
                JsonNode introspected = spa.introspect(n.url(), token, "access_token").json();
                assertThat(introspected.get("active").asBoolean()).as(n.name + ": " + introspected).isTrue();
            }
        }
    }

    @Test
    void aSessionMadeOnOneNodeWorksOnTheOtherAndEndsOnBoth() {
        Browser browser = signedInOn(a);
        Http.Response onB = browser.send("GET", b.url() + "/api/v1/sessions/me", "Accept", "application/json");
        assertThat(onB.status()).as(onB.body()).isEqualTo(200);
        Http.Response onA = browser.send("GET", a.url() + "/api/v1/sessions/me", "Accept", "application/json");
        assertThat(onA.json().get("id")).isEqualTo(onB.json().get("id"));
        assertThat(browser.send("DELETE", b.url() + "/api/v1/sessions/me", "Accept", "application/json").status()).isEqualTo(204);
        assertThat(browser.send("GET", a.url() + "/api/v1/sessions/me", "Accept", "application/json").status()).isEqualTo(404);
    }

    @Test
    void tokensIssuedByOneNodeVerifyIntrospectAndRefreshOnTheOther() {
        NodeFlow spa = NodeFlow.spa(a.url(), 30);
        JsonNode tokens = spa.tokens(signedInOn(a), a.url(), a.url());
        String access = tokens.get("access_token").asText();
        String refresh = tokens.get("refresh_token").asText();

        JsonNode introspected = spa.introspect(b.url(), access, "access_token").json();
        assertThat(introspected.get("active").asBoolean()).as(introspected.toString()).isTrue();
        assertThat(spa.introspect(b.url(), refresh, "refresh_token").json().get("active").asBoolean()).isTrue();
        Http.Response userinfo = b.http().get("/oauth2/default/v1/userinfo", "Authorization", "Bearer " + access);
        assertThat(userinfo.status()).as(userinfo.body()).isEqualTo(200);
        String headerKid = header(access).get("kid").asText();
        assertThat(b.http().get("/oauth2/default/v1/keys").body()).as("B publishes the key A signed with").contains(headerKid);

        Http.Response refreshedOnB = spa.refresh(b.url(), refresh);
        assertThat(refreshedOnB.status()).as(refreshedOnB.body()).isEqualTo(200);
        String next = refreshedOnB.json().get("refresh_token").asText();
        assertThat(next).isNotEqualTo(refresh);
        Http.Response refreshedOnA = spa.refresh(a.url(), next);
        assertThat(refreshedOnA.status()).as(refreshedOnA.body()).isEqualTo(200);
        assertThat(spa.introspect(a.url(), refreshedOnB.json().get("access_token").asText(), "access_token").json().get("active").asBoolean())
                .isTrue();
    }

    @Test
    void aRoundRobinClientSignsInGetsTokensWithPkceAndRefreshesAcrossBothNodes() {
        RoundRobin nodes = new RoundRobin(List.of(a.url(), b.url()));
        NodeFlow spa = NodeFlow.spa(nodes.next(), 30);
        Browser browser = new Browser(a.url());
        Http.Response signedIn = NodeFlow.signIn(browser, nodes.next(), nodes.next(), TestServer.ADMIN, TestServer.ADMIN_PASSWORD);
        assertThat(signedIn.status()).as(signedIn.body()).isEqualTo(303);
        JsonNode tokens = spa.tokens(browser, nodes.next(), nodes.next());
        String refresh = tokens.get("refresh_token").asText();
        int refreshes = 20;
        for (int i = 0; i < refreshes; i++) {
            Http.Response r = spa.refresh(nodes.next(), refresh);
            assertThat(r.status()).as("refresh " + i + ": " + r.body()).isEqualTo(200);
            refresh = r.json().get("refresh_token").asText();
            JsonNode active = spa.introspect(nodes.next(), r.json().get("access_token").asText(), "access_token").json();
            assertThat(active.get("active").asBoolean()).as(active.toString()).isTrue();
        }
        Http.Response userinfo = NodeFlow.api(nodes.next()).get("/oauth2/default/v1/userinfo", "Authorization", "Bearer "
                + tokens.get("access_token").asText());
        assertThat(userinfo.status()).isEqualTo(200);
        assertThat(nodes.sent()).isGreaterThanOrEqualTo(2 * refreshes + 5);
        System.out.println("MultiNodeTest round robin: " + nodes.sent() + " requests alternating between two nodes, " + refreshes
                + " refreshes, each access token introspected on the other node");
    }

    /** Each call to {@link #next()} gives the other node, as a round-robin balancer would. */
    static final class RoundRobin {
        private final List<String> nodes;
        private int sent;

        RoundRobin(List<String> nodes) {
            this.nodes = nodes;
        }

        String next() {
            return nodes.get(sent++ % nodes.size());
        }

        int sent() {
            return sent;
        }
    }

    /** Polls until {@code inForce}, then asserts it took less than {@link #PROPAGATION} from now (the change's answer). */
    static void assertInForceWithin(String what, BooleanSupplier inForce) {
        long start = System.nanoTime();
        long giveUp = start + Duration.ofSeconds(10).toNanos();
        while (!inForce.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what + ": still not in force after 10 s").isLessThan(giveUp);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        LATENCIES.put(what, took);
        assertThat(took).as(what).isLessThan(PROPAGATION);
    }

    static Browser signedInOn(NodeProcess node) {
        Browser browser = new Browser(node.url());
        Http.Response r = NodeFlow.signIn(browser, node.url(), node.url(), TestServer.ADMIN, TestServer.ADMIN_PASSWORD);
        assertThat(r.status()).as(r.body()).isEqualTo(303);
        return browser;
    }

    static Http.Response authorize(Browser browser, NodeProcess node, NodeFlow spa, String redirectUri) {
        String url = node.url() + "/oauth2/default/v1/authorize?client_id=" + spa.clientId + "&redirect_uri=" + OAuthFlow.enc(redirectUri)
                + "&response_type=code&scope=openid&state=s1&nonce=" + OAuthFlow.freshNonce() + "&code_challenge_method=S256&code_challenge="
                + OAuthFlow.challenge(OAuthFlow.randomVerifier());
        Http.Response r = browser.get(url);
        assertThat(r.status()).as(r.body()).isIn(302, 400);
        return r;
    }

    static boolean corsAllowed(NodeProcess node, String origin) {
        Http.Response r = node.http().send("OPTIONS", "/oauth2/default/v1/token", null, "Origin", origin,
                "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type");
        return origin.equals(r.header("Access-Control-Allow-Origin"));
    }

    /** Tries to create an SPA with the Refresh Token grant on {@code node}: 200 while the feature is on, 400 while off. */
    static int spaWithRefreshGrant(NodeProcess node) {
        String body = """
                {"name":"oidc_client","label":"Feature probe %d","signOnMode":"OPENID_CONNECT",
                 "credentials":{"oauthClient":{"token_endpoint_auth_method":"none","pkce_required":true}},
                 "settings":{"oauthClient":{"application_type":"browser","redirect_uris":["%s"],
                   "response_types":["code"],"grant_types":["authorization_code","refresh_token"]}}}"""
                .formatted(System.nanoTime(), OAuthFlow.REDIRECT_URI);
        Http.Response r = ApiClient.of(node.http()).post("/api/v1/apps", body);
        assertThat(r.status()).as(r.body()).isIn(200, 400);
        return r.status();
    }

    static void lifecycle(NodeProcess node, String path, String operation) {
        String url = path.startsWith("/api/v1/features/") ? path + "/" + operation : path + "/lifecycle/" + operation;
        Http.Response r = ApiClient.of(node.http()).post(url, null);
        assertThat(r.status()).as(url + ": " + r.body()).isIn(200, 204);   // authorization servers answer 204, as Okta's
    }

    static String appId(NodeProcess node, String clientId) {
        for (JsonNode app : ApiClient.of(node.http()).get("/api/v1/apps?limit=200").json()) {
            if (clientId.equals(app.get("credentials").get("oauthClient").get("client_id").asText())) {
                return app.get("id").asText();
            }
        }
        throw new AssertionError("no app with client_id " + clientId);
    }

    static String featureId(NodeProcess node, String name) {
        for (JsonNode f : ApiClient.of(node.http()).get("/api/v1/features").json()) {
            if (name.equals(f.get("name").asText())) {
                return f.get("id").asText();
            }
        }
        throw new AssertionError("no feature " + name);
    }

    static JsonNode header(String jwt) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(java.util.Base64.getUrlDecoder().decode(jwt.split("\\.")[0]));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    static long count(String sql) {
        try (Connection c = DriverManager.getConnection(dbUrl); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new AssertionError(sql, e);
        }
    }
}
