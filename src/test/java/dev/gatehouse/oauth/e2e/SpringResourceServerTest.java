package dev.gatehouse.oauth.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.OAuthFlow;
import dev.gatehouse.support.People;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import dev.gatehouse.support.TrustedHttps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.security.authorization.AuthorityAuthorizationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtAudienceValidator;
import org.springframework.security.oauth2.jwt.JwtDecoders;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Spring Security's resource-server JWT support, without Spring Boot, checking Gatehouse's access tokens the way a
 * Spring API configured with {@code issuer-uri} does: {@link JwtDecoders#fromIssuerLocation} reads
 * {@code {issuer}/.well-known/openid-configuration} of the {@code default} custom authorization server, checks that
 * the document's {@code issuer} is the one asked for, and fetches the keys from its {@code jwks_uri}; the decoder gets
 * an audience validator for {@code api://default}, as Okta's guides tell Spring users to add. Tokens come from the
 * real code + PKCE flow and from client credentials (support/OAuthFlow). On H2 and PostgreSQL.
 *
 * <p>Transport: HTTPS, like {@link OktaJwtVerifierTest}. {@code JwtDecoders} has no hook for a trust store: it (and
 * the decoder it builds) uses a plain {@code RestTemplate}, so {@code HttpsURLConnection}'s JVM-wide default socket
 * factory, which is set here to one trusting Gatehouse's development certificate and restored afterwards (an operator
 * would import the certificate into the JVM trust store instead).
 */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class SpringResourceServerTest {

    private static final String AUDIENCE = "api://default";

    @Parameter
    TestDatabase database;

    static TrustedHttps https;
    static SSLSocketFactory previousSocketFactory;
    static String issuer;
    static OAuthFlow spa;
    static JsonNode tokens;
    static NimbusJwtDecoder decoder;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        https = TrustedHttps.start(database);
        previousSocketFactory = HttpsURLConnection.getDefaultSSLSocketFactory();
        HttpsURLConnection.setDefaultSSLSocketFactory(https.sslContext().getSocketFactory());
        issuer = https.origin + "/oauth2/default";
        spa = OAuthFlow.spa(https.server);
        tokens = spa.tokens(OAuthFlow.signedIn(https.server), OAuthFlow.ALL_SCOPES);
        decoder = decoderFor(issuer, AUDIENCE);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        HttpsURLConnection.setDefaultSSLSocketFactory(previousSocketFactory);
        https.close();
    }

    @Test
    void theDiscoveredDecoderValidatesAnAccessTokenFromTheCodeFlow() {
        Jwt jwt = decoder.decode(tokens.get("access_token").asText());
        assertThat(jwt.getSubject()).isEqualTo(TestServer.ADMIN);
        assertThat(jwt.getClaimAsString("iss")).isEqualTo(issuer);
        assertThat(jwt.getClaimAsString("cid")).isEqualTo(spa.clientId());
        assertThat(jwt.getClaimAsStringList("scp")).containsExactlyInAnyOrder("openid", "profile", "email", "offline_access");
        assertThat(jwt.getAudience()).containsExactly(AUDIENCE);
        assertThat(jwt.getExpiresAt()).isAfter(jwt.getIssuedAt());
        assertThat(jwt.getHeaders()).containsEntry("alg", "RS256").containsKey("kid");
    }

    @Test
    void aClientCredentialsTokenValidatesWithTheServiceAppAsSubject() {
        Jwt jwt = decoder.decode(OAuthFlow.clientCredentialsToken(https.server));
        assertThat(jwt.getSubject()).isEqualTo(jwt.getClaimAsString("cid")).startsWith("0oa");
        assertThat(jwt.getClaimAsStringList("scp")).singleElement().asString().startsWith("flow.read.");
        assertThat(jwt.hasClaim("uid")).isFalse();
    }

    /** The authentication a Spring resource server builds from the bearer token: principal = sub, authorities from scp. */
    @Test
    void theJwtAuthenticationProviderBuildsScopeAuthorities() {
        JwtGrantedAuthoritiesConverter scopes = new JwtGrantedAuthoritiesConverter();
        scopes.setAuthoritiesClaimName("scp");
        JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
        converter.setJwtGrantedAuthoritiesConverter(scopes);
        JwtAuthenticationProvider provider = new JwtAuthenticationProvider(decoder);
        provider.setJwtAuthenticationConverter(converter);

        Authentication authentication = provider.authenticate(new BearerTokenAuthenticationToken(tokens.get("access_token").asText()));
        assertThat(authentication).isInstanceOf(JwtAuthenticationToken.class);
        assertThat(authentication.isAuthenticated()).isTrue();
        assertThat(authentication.getName()).isEqualTo(TestServer.ADMIN);
        assertThat(((JwtAuthenticationToken) authentication).getToken().getClaimAsString("cid")).isEqualTo(spa.clientId());
        // Spring Security 7 adds FACTOR_BEARER itself: the factor this authentication used.
        assertThat(authentication.getAuthorities()).extracting(GrantedAuthority::getAuthority)
                .containsExactlyInAnyOrder("SCOPE_openid", "SCOPE_profile", "SCOPE_email", "SCOPE_offline_access", "FACTOR_BEARER");

        String tampered = tamperedSubject(tokens.get("access_token").asText());
        assertThatThrownBy(() -> provider.authenticate(new BearerTokenAuthenticationToken(tampered)))
                .isInstanceOf(AuthenticationException.class).hasMessageContaining("Invalid signature");
    }

    /**
     * Issue #17: a GROUPS claim named {@code groups} in the access token (filter STARTS_WITH), mapped by Spring's
     * {@code JwtGrantedAuthoritiesConverter} ({@code setAuthoritiesClaimName("groups")}, prefix {@code GROUP_}) to
     * authorities, and an endpoint of a small resource server that requires one: a member gets 200, a non-member 403,
     * no token 401.
     */
    @Test
    void aGroupsClaimBecomesSpringAuthoritiesThatGuardAnEndpoint() throws Exception {
        dev.gatehouse.support.ApiClient api = dev.gatehouse.support.ApiClient.of(https.server);
        String group = "Spring-Admins-" + database + "-" + System.nanoTime() % 100_000;
        Http.Response g = api.post("/api/v1/groups", "{\"profile\":{\"name\":\"" + group + "\"}}");
        assertThat(g.status()).as(g.body()).isEqualTo(200);
        String adminId = api.get("/api/v1/users/" + TestServer.ADMIN).json().get("id").asText();
        assertThat(api.put("/api/v1/groups/" + g.json().get("id").asText() + "/users/" + adminId, null).status()).isEqualTo(204);
        Http.Response claim = api.post("/api/v1/authorizationServers/default/claims", "{\"name\":\"groups\",\"claimType\":\"RESOURCE\","
                + "\"valueType\":\"GROUPS\",\"group_filter_type\":\"STARTS_WITH\",\"value\":\"spring-\",\"status\":\"ACTIVE\"}");
        assertThat(claim.status()).as(claim.body()).isEqualTo(201);
        String outsider = "outsider." + System.nanoTime() + "@gatehouse.test";
        People.create(https.server.http(), outsider, "Correct-Horse-42");

        JwtGrantedAuthoritiesConverter groups = new JwtGrantedAuthoritiesConverter();
        groups.setAuthoritiesClaimName("groups");
        groups.setAuthorityPrefix("GROUP_");
        JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
        converter.setJwtGrantedAuthoritiesConverter(groups);
        JwtAuthenticationProvider provider = new JwtAuthenticationProvider(decoder);
        provider.setJwtAuthenticationConverter(converter);
        AuthorityAuthorizationManager<Object> admins = AuthorityAuthorizationManager.hasAuthority("GROUP_" + group);

        com.sun.net.httpserver.HttpServer api2 = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        api2.createContext("/admin-only", exchange -> {
            String header = exchange.getRequestHeaders().getFirst("Authorization");
            int status;
            if (header == null || !header.startsWith("Bearer ")) {
                exchange.sendResponseHeaders(401, -1);   // what Spring's BearerTokenAuthenticationEntryPoint answers
                exchange.close();
                return;
            }
            try {
                Authentication a = provider.authenticate(new BearerTokenAuthenticationToken(header == null ? "" : header.substring(7)));
                status = admins.authorize(() -> a, exchange).isGranted() ? 200 : 403;
            } catch (AuthenticationException e) {
                status = 401;
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        api2.start();
        try {
            String url = "http://127.0.0.1:" + api2.getAddress().getPort() + "/admin-only";
            String member = spa.tokens(OAuthFlow.signedIn(https.server), "openid").get("access_token").asText();
            assertThat(decoder.decode(member).getClaimAsStringList("groups")).containsExactly(group);
            String other = spa.tokens(OAuthFlow.signedIn(https.server, outsider, "Correct-Horse-42"), "openid").get("access_token").asText();
            assertThat(decoder.decode(other).getClaimAsStringList("groups")).as("matches none of the outsider's groups").isEmpty();
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            java.util.function.Function<String, Integer> call = token -> {
                try {
                    java.net.http.HttpRequest.Builder r = java.net.http.HttpRequest.newBuilder(java.net.URI.create(url));
                    if (token != null) {
                        r.header("Authorization", "Bearer " + token);
                    }
                    return http.send(r.build(), java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            };
            assertThat(call.apply(member)).isEqualTo(200);
            assertThat(call.apply(other)).isEqualTo(403);
            assertThat(call.apply(null)).isEqualTo(401);
        } finally {
            api2.stop(0);
            assertThat(api.delete("/api/v1/authorizationServers/default/claims/" + claim.json().get("id").asText()).status()).isEqualTo(204);
        }
    }

    @Test
    void tamperedTokensAreRejected() {
        String access = tokens.get("access_token").asText();
        assertThatThrownBy(() -> decoder.decode(tamperedSubject(access)))
                .isInstanceOf(BadJwtException.class).hasMessageContaining("Invalid signature");
        String[] parts = access.split("\\.");
        String badSignature = parts[0] + "." + parts[1] + "." + (parts[2].charAt(0) == 'A' ? 'B' : 'A') + parts[2].substring(1);
        assertThatThrownBy(() -> decoder.decode(badSignature))
                .isInstanceOf(BadJwtException.class).hasMessageContaining("Invalid signature");
        assertThatThrownBy(() -> decoder.decode(parts[0] + "." + parts[1] + "."))
                .as("an unsigned token").isInstanceOf(BadJwtException.class);
    }

    @Test
    void theWrongAudienceIsRejected() {
        // Why the audience validator matters: with Spring's defaults alone (issuer, time), an ID token passes for an access token.
        assertThat(JwtDecoders.<NimbusJwtDecoder>fromIssuerLocation(issuer).decode(tokens.get("id_token").asText()).getAudience())
                .containsExactly(spa.clientId());
        // Signed by the same keys and issued by the same server, but an ID token: its audience is the client id.
        assertThatThrownBy(() -> decoder.decode(tokens.get("id_token").asText()))
                .isInstanceOf(JwtValidationException.class).hasMessageContaining("aud");
        assertThatThrownBy(() -> decoderFor(issuer, "api://payments").decode(tokens.get("access_token").asText()))
                .isInstanceOf(JwtValidationException.class).hasMessageContaining("aud");
    }

    @Test
    void tokensFromAnotherAuthorizationServerAreRejected() {
        // The org server signs with keys of its own and names itself (the base URL) as issuer.
        JsonNode org = spa.at("org").tokens(OAuthFlow.signedIn(https.server), "openid profile email");
        assertThat(OAuthFlow.claims(org.get("access_token").asText()).get("iss").asText()).isEqualTo(https.origin);
        assertThatThrownBy(() -> decoder.decode(org.get("access_token").asText()))
                .isInstanceOf(BadJwtException.class).hasMessageContaining("no matching key");

        // Another custom server with the same audience: its discovered decoder refuses default's token.
        Http.Response other = https.server.http().send("POST", "/api/v1/authorizationServers",
                "{\"name\":\"Spring other " + database + "\",\"audiences\":[\"" + AUDIENCE + "\"]}",
                Http.ssws(TestServer.API_TOKEN, "Content-Type", "application/json"));
        assertThat(other.status()).as(other.body()).isEqualTo(201);
        String otherIssuer = https.origin + "/oauth2/" + other.json().get("id").asText();
        assertThatThrownBy(() -> decoderFor(otherIssuer, AUDIENCE).decode(tokens.get("access_token").asText()))
                .isInstanceOf(BadJwtException.class).hasMessageContaining("no matching key");
    }

    @Test
    void anExpiredTokenIsRejected() {
        // A token minted while Gatehouse's clock stood two hours back: its one-hour lifetime ended an hour ago.
        String expired;
        https.server.clock.advance(Duration.ofHours(-2));
        try {
            expired = OAuthFlow.clientCredentialsToken(https.server);
        } finally {
            https.server.clock.advance(Duration.ofHours(2));
        }
        assertThatThrownBy(() -> decoder.decode(expired))
                .isInstanceOf(JwtValidationException.class).hasMessageContaining("expired");
    }

    @Test
    void discoveryRefusesAnIssuerGatehouseDoesNotHave() {
        assertThatThrownBy(() -> JwtDecoders.fromIssuerLocation(https.origin + "/oauth2/ausNoSuchServer000000"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** What a Spring application does with {@code issuer-uri} plus an audience: discovery, then issuer, time and audience checks. */
    private static NimbusJwtDecoder decoderFor(String issuerLocation, String audience) {
        NimbusJwtDecoder d = JwtDecoders.fromIssuerLocation(issuerLocation);
        d.setJwtValidator(JwtValidators.createDefaultWithValidators(new JwtIssuerValidator(issuerLocation), new JwtAudienceValidator(audience)));
        return d;
    }

    private static String tamperedSubject(String jwt) {
        String[] parts = jwt.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"" + TestServer.ADMIN + "\"", "\"mallory@gatehouse.test\"");
        assertThat(payload).contains("mallory@gatehouse.test");
        return parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
    }
}
