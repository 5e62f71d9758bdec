package dev.gatehouse.oauth.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.support.ApiClient;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.gatehouse.support.OktaAssertions.assertOktaError;
import static org.assertj.core.api.Assertions.assertThat;

/** The discovery documents of the org AS and {@code default}, member by member (OKTA-REFERENCE §2), on H2 and PostgreSQL. */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class DiscoveryHttpTest {

    /** Okta's ID-token claims list (§2.1), copied here so the test fails if the code drifts from the spec. */
    private static final List<String> OIDC_CLAIMS = List.of("iss", "ver", "sub", "aud", "iat", "exp", "jti", "auth_time", "amr", "idp",
            "nonce", "name", "nickname", "preferred_username", "given_name", "middle_name", "family_name", "email", "email_verified",
            "profile", "zoneinfo", "locale", "address", "phone_number", "picture", "website", "gender", "birthdate", "updated_at",
            "at_hash", "c_hash");
    private static final List<String> ACCESS_TOKEN_CLAIMS = List.of("ver", "jti", "iss", "aud", "iat", "exp", "cid", "uid", "scp", "sub");
    private static final List<String> AUTH_METHODS = List.of("client_secret_basic", "client_secret_post", "none");

    @Parameter
    TestDatabase database;

    static TestServer server;
    static ApiClient api;
    static String base;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        server = TestServer.start(database);
        api = ApiClient.of(server);
        base = server.wiring().config.baseUrl();
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    /** The expected document: issuer and endpoint base as §1.1 derives them, members in Okta's order. */
    private static Map<String, Object> expected(String issuer, String v1, boolean oidc, List<String> scopes) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("issuer", issuer);
        m.put("authorization_endpoint", v1 + "/authorize");
        m.put("token_endpoint", v1 + "/token");
        if (oidc) {
            m.put("userinfo_endpoint", v1 + "/userinfo");
        }
        m.put("jwks_uri", v1 + "/keys");
        m.put("response_types_supported", List.of("code"));
        m.put("response_modes_supported", List.of("query", "fragment", "form_post", "okta_post_message"));
        m.put("grant_types_supported", List.of("authorization_code", "refresh_token", "client_credentials"));
        m.put("subject_types_supported", List.of("public"));
        if (oidc) {
            m.put("id_token_signing_alg_values_supported", List.of("RS256"));
        }
        m.put("scopes_supported", scopes);
        m.put("token_endpoint_auth_methods_supported", AUTH_METHODS);
        m.put("claims_supported", oidc ? OIDC_CLAIMS : ACCESS_TOKEN_CLAIMS);
        m.put("code_challenge_methods_supported", List.of("S256"));
        m.put("acr_values_supported", List.of("urn:okta:loa:1fa:any", "urn:okta:loa:1fa:pwd", "urn:okta:loa:2fa:any",
                "urn:okta:loa:2fa:any:ifpossible"));
        m.put("introspection_endpoint", v1 + "/introspect");
        m.put("introspection_endpoint_auth_methods_supported", AUTH_METHODS);
        m.put("revocation_endpoint", v1 + "/revoke");
        m.put("revocation_endpoint_auth_methods_supported", AUTH_METHODS);
        m.put("end_session_endpoint", v1 + "/logout");
        m.put("request_parameter_supported", false);
        return m;
    }

    static Stream<String> documents() {
        return Stream.of("org openid-configuration", "default openid-configuration", "default oauth-authorization-server");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documents")
    void documentHasExactlyOktasMembersAndValues(String which) {
        String defaultIssuer = base + "/oauth2/default";
        List<String> customScopes = List.of("openid", "profile", "email", "address", "phone", "offline_access", "groups");
        Map<String, Object> want;
        String path;
        switch (which) {
            case "org openid-configuration" -> {
                path = "/.well-known/openid-configuration";
                want = expected(base, base + "/oauth2/v1", true,
                        List.of("openid", "email", "profile", "address", "phone", "offline_access", "groups"));
            }
            case "default openid-configuration" -> {
                path = "/oauth2/default/.well-known/openid-configuration";
                want = expected(defaultIssuer, defaultIssuer + "/v1", true, customScopes);
            }
            default -> {
                path = "/oauth2/default/.well-known/oauth-authorization-server";
                want = expected(defaultIssuer, defaultIssuer + "/v1", false, customScopes);
            }
        }
        Http.Response r = server.http().get(path);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        JsonNode doc = r.json();
        List<String> members = new ArrayList<>();
        doc.fieldNames().forEachRemaining(members::add);
        assertThat(members).containsExactlyElementsOf(want.keySet());
        assertThat(doc).isEqualTo(new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(want));
        assertThat(r.header("Access-Control-Allow-Origin")).as("no CORS yet").isNull();
    }

    @Test
    void issuersAreByteIdenticalToWhatTokensWillCarry() {
        var servers = server.wiring().authorizationServers;
        String org = server.http().get("/.well-known/openid-configuration").json().get("issuer").asText();
        String def = server.http().get("/oauth2/default/.well-known/openid-configuration").json().get("issuer").asText();
        assertThat(org).isEqualTo(servers.issuer(servers.org())).isEqualTo(base).doesNotEndWith("/");
        assertThat(def).isEqualTo(servers.issuer(servers.find("default").orElseThrow())).isEqualTo(base + "/oauth2/default");
        // okta-jwt-verifier-java derives the keys URL from the issuer without discovery (§1.1): it must be the jwks_uri.
        assertThat(server.http().get("/.well-known/openid-configuration").json().get("jwks_uri").asText()).isEqualTo(org + "/oauth2/v1/keys");
        assertThat(server.http().get("/oauth2/default/.well-known/openid-configuration").json().get("jwks_uri").asText()).isEqualTo(def + "/v1/keys");
    }

    @Test
    void customScopesAreListedOnlyWhenPublishedToAllClients() {
        String published = "orders:read" + database.name().toLowerCase();
        String hidden = "orders:write" + database.name().toLowerCase();
        createScope(published, "ALL_CLIENTS");
        createScope(hidden, "NO_CLIENTS");
        for (String doc : List.of("openid-configuration", "oauth-authorization-server")) {
            List<String> scopes = new ArrayList<>();
            server.http().get("/oauth2/default/.well-known/" + doc).json().get("scopes_supported").forEach(s -> scopes.add(s.asText()));
            assertThat(scopes).as(doc).contains(published).doesNotContain(hidden);
            assertThat(scopes.indexOf(published)).isLessThan(scopes.indexOf("openid"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/.well-known/oauth-authorization-server", "/oauth2/org/.well-known/openid-configuration",
            "/oauth2/org/v1/keys", "/oauth2/nosuchserver/.well-known/openid-configuration", "/oauth2/nosuchserver/v1/keys"})
    void whatOktaDoesNotServeIsNotFound(String path) {
        assertThat(server.http().get(path).status()).isEqualTo(404);
    }

    @Test
    void anInactiveServerHasNoMetadataOrKeysUntilActivatedAgain() {
        Http.Response created = api.send("POST", "/api/v1/authorizationServers",
                "{\"name\":\"Short-lived " + database + "\",\"audiences\":[\"api://short\"]}");
        String id = created.json().get("id").asText();
        List<String> paths = List.of("/oauth2/" + id + "/.well-known/openid-configuration",
                "/oauth2/" + id + "/.well-known/oauth-authorization-server", "/oauth2/" + id + "/v1/keys");
        paths.forEach(p -> assertThat(server.http().get(p).status()).as(p).isEqualTo(200));
        assertThat(api.send("POST", "/api/v1/authorizationServers/" + id + "/lifecycle/deactivate", null).status()).isEqualTo(204);
        for (String p : paths) {
            Http.Response r = server.http().get(p);
            assertOktaError(r, 404, "E0000007");
            assertThat(r.json().get("errorSummary").asText()).isEqualTo("Not found: Resource not found: " + id + " (AuthorizationServer)");
        }
        assertThat(api.send("POST", "/api/v1/authorizationServers/" + id + "/lifecycle/activate", null).status()).isEqualTo(204);
        paths.forEach(p -> assertThat(server.http().get(p).status()).as(p).isEqualTo(200));
    }

    @Test
    void metadataNeedsNoAuthenticationAndIsNotCachedByDefault() {
        Http.Response r = server.http().get("/oauth2/default/.well-known/openid-configuration");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Cache-Control")).isEqualTo("no-store");
    }

    private void createScope(String name, String publish) {
        Http.Response r = api.send("POST", "/api/v1/authorizationServers/default/scopes",
                "{\"name\":\"" + name + "\",\"metadataPublish\":\"" + publish + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }
}
