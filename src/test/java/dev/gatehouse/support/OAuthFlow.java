package dev.gatehouse.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Getting real tokens in HTTP tests the way an SPA does (Okta §18): an SPA app made through the management API and
 * assigned to everyone, a browser signed in at the hosted page, {@code /authorize} with PKCE S256, then the code
 * exchange at {@code /token}. Also a service app for client-credentials tokens, and small helpers to call the other
 * OAuth endpoints with a form.
 *
 * <pre>{@code
 * OAuthFlow spa = OAuthFlow.spa(server);
 * Browser browser = OAuthFlow.signedIn(server);
 * JsonNode tokens = spa.tokens(browser, "openid profile email offline_access");
 * }</pre>
 */
public final class OAuthFlow {

    public static final String REDIRECT_URI = "http://localhost:8080/login/callback";
    public static final String POST_LOGOUT_REDIRECT_URI = "http://localhost:8080";
    public static final String ALL_SCOPES = "openid profile email offline_access";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger SEQ = new AtomicInteger();

    private final TestServer server;
    private final Http http;
    private final String clientId;
    private final String serverId;

    private OAuthFlow(TestServer server, String clientId, String serverId) {
        this.server = server;
        this.http = server.http();
        this.clientId = clientId;
        this.serverId = serverId;
    }

    /** Creates an SPA (public client, PKCE, refresh tokens) assigned to everyone, for the {@code default} server. */
    public static OAuthFlow spa(TestServer server) {
        String body = """
                {"name":"oidc_client","label":"Flow SPA %d","signOnMode":"OPENID_CONNECT",
                 "credentials":{"oauthClient":{"token_endpoint_auth_method":"none","pkce_required":true}},
                 "settings":{"implicitAssignment":true,"oauthClient":{"application_type":"browser",
                   "redirect_uris":["%s"],"post_logout_redirect_uris":["%s"],
                   "response_types":["code"],"grant_types":["authorization_code","refresh_token"],
                   "refresh_token":{"rotation_type":"ROTATE","leeway":30},"consent_method":"TRUSTED"}}}"""
                .formatted(SEQ.incrementAndGet(), REDIRECT_URI, POST_LOGOUT_REDIRECT_URI);
        Http.Response r = server.http().send("POST", "/api/v1/apps", body, Http.ssws(TestServer.API_TOKEN, "Content-Type", "application/json"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return new OAuthFlow(server, r.json().get("credentials").get("oauthClient").get("client_id").asText(), "default");
    }

    /** An app made some other way (the console, the demo seed) whose redirect URI is {@link #REDIRECT_URI}, at {@code default}. */
    public static OAuthFlow forClient(TestServer server, String clientId) {
        return new OAuthFlow(server, clientId, "default");
    }

    /** The same client at another authorization server ({@code "org"} for the org server at /oauth2/v1). */
    public OAuthFlow at(String otherServerId) {
        return new OAuthFlow(server, clientId, otherServerId);
    }

    public String clientId() {
        return clientId;
    }

    /** The endpoint base: {@code /oauth2/{id}/v1}, or {@code /oauth2/v1} for the org server. */
    public String base() {
        return "org".equals(serverId) ? "/oauth2/v1" : "/oauth2/" + serverId + "/v1";
    }

    /** A browser signed in as the first admin. */
    public static Browser signedIn(TestServer server) {
        return signedIn(server, TestServer.ADMIN, TestServer.ADMIN_PASSWORD);
    }

    public static Browser signedIn(TestServer server, String login, String password) {
        Browser b = server.browser();
        Http.Response r = b.signIn(login, password, "/");
        assertThat(r.status()).as(r.body()).isEqualTo(303);
        return b;
    }

    /** Runs /authorize in the signed-in browser and exchanges the code: the /token JSON. */
    public JsonNode tokens(Browser browser, String scopes) {
        return tokens(browser, scopes, freshNonce());
    }

    /** As {@link #tokens(Browser, String)}, with this {@code nonce} (it must be new: a reused one is refused). */
    public JsonNode tokens(Browser browser, String scopes, String nonce) {
        String verifier = randomVerifier();
        String code = code(browser, scopes, verifier, nonce);
        Http.Response r = form("/token", "grant_type", "authorization_code", "client_id", clientId, "redirect_uri", REDIRECT_URI,
                "code", code, "code_verifier", verifier);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    /** The authorization code /authorize gives the signed-in browser (state {@code s1}, a new nonce). */
    public String code(Browser browser, String scopes, String verifier) {
        return code(browser, scopes, verifier, freshNonce());
    }

    /** As {@link #code(Browser, String, String)}, with this {@code nonce}. */
    public String code(Browser browser, String scopes, String verifier, String nonce) {
        String url = base() + "/authorize?client_id=" + enc(clientId) + "&redirect_uri=" + enc(REDIRECT_URI) + "&response_type=code&scope="
                + enc(scopes) + "&state=s1&nonce=" + enc(nonce) + "&code_challenge=" + challenge(verifier) + "&code_challenge_method=S256";
        Http.Response r = browser.get(url);
        assertThat(r.status()).as(r.body()).isEqualTo(302);
        String location = r.header("Location");
        assertThat(location).as("redirect").startsWith(REDIRECT_URI + "?");
        Map<String, String> q = query(URI.create(location).getRawQuery());
        assertThat(q).as(location).containsEntry("state", "s1").containsKey("code");
        return q.get("code");
    }

    /** A new refresh grant with the SPA's client id. */
    public Http.Response refresh(String refreshToken) {
        return form("/token", "grant_type", "refresh_token", "client_id", clientId, "refresh_token", refreshToken);
    }

    /** POSTs a form to an endpoint of this server ({@code "/introspect"} …), with no Authorization header. */
    public Http.Response form(String endpoint, String... fields) {
        return http.send("POST", base() + endpoint, encode(fields), "Content-Type", "application/x-www-form-urlencoded");
    }

    /** POSTs a form with okta-auth-js's public-client header {@code Authorization: Basic base64(client_id)}. */
    public Http.Response formAsAuthJs(String endpoint, String... fields) {
        return formWith(basicClientIdOnly(clientId), endpoint, fields);
    }

    /** POSTs a form with the given {@code Authorization} header value. */
    public Http.Response formWith(String authorization, String endpoint, String... fields) {
        return http.send("POST", base() + endpoint, encode(fields), "Content-Type", "application/x-www-form-urlencoded",
                "Authorization", authorization);
    }

    public static String basicClientIdOnly(String clientId) {
        return "Basic " + Base64.getEncoder().encodeToString(clientId.getBytes(StandardCharsets.UTF_8));
    }

    public static String basic(String clientId, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((enc(clientId) + ":" + enc(secret)).getBytes(StandardCharsets.UTF_8));
    }

    /** A service app (client_secret_basic) and a custom scope on {@code default}; its client-credentials access token. */
    public static String clientCredentialsToken(TestServer server) {
        Http http = server.http();
        String scope = "flow.read." + SEQ.incrementAndGet() + "x" + Long.toString(System.nanoTime() % 100_000, 36);
        Http.Response s = http.send("POST", "/api/v1/authorizationServers/default/scopes", "{\"name\":\"" + scope + "\"}",
                Http.ssws(TestServer.API_TOKEN, "Content-Type", "application/json"));
        assertThat(s.status()).as(s.body()).isEqualTo(201);
        String body = """
                {"name":"oidc_client","label":"Flow Service %d","signOnMode":"OPENID_CONNECT",
                 "settings":{"oauthClient":{"application_type":"service","grant_types":["client_credentials"],"response_types":["token"]}}}"""
                .formatted(SEQ.incrementAndGet());
        Http.Response app = http.send("POST", "/api/v1/apps", body, Http.ssws(TestServer.API_TOKEN, "Content-Type", "application/json"));
        assertThat(app.status()).as(app.body()).isEqualTo(200);
        JsonNode credentials = app.json().get("credentials").get("oauthClient");
        Http.Response t = http.send("POST", "/oauth2/default/v1/token", encode("grant_type", "client_credentials", "scope", scope),
                "Content-Type", "application/x-www-form-urlencoded",
                "Authorization", basic(credentials.get("client_id").asText(), credentials.get("client_secret").asText()));
        assertThat(t.status()).as(t.body()).isEqualTo(200);
        return t.json().get("access_token").asText();
    }

    /** How many System Log events of this type and outcome ({@code SUCCESS}, {@code FAILURE}, {@code SKIPPED} …) there are. */
    public static long events(TestServer server, String eventType, String outcome) {
        return server.wiring().db.read(h -> h.createQuery(
                        "SELECT COUNT(*) FROM system_log_events WHERE event_type = :t AND outcome_result = :o")
                .bind("t", eventType).bind("o", outcome).mapTo(Long.class).one());
    }

    /** The payload of a JWT, not verified. */
    public static JsonNode claims(String jwt) {
        try {
            return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A nonce no request has used: Gatehouse refuses a nonce the client used for a code that still lives, as it does a
     * reused PKCE challenge (okta-auth-js makes a new one per request too).
     */
    public static String freshNonce() {
        return "n-" + SEQ.incrementAndGet() + "-" + Long.toString(System.nanoTime(), 36);
    }

    /** A 43-character PKCE verifier, as okta-auth-js makes. */
    public static String randomVerifier() {
        StringBuilder b = new StringBuilder();
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        for (int i = 0; i < 43; i++) {
            b.append("0123456789abcdef".charAt(r.nextInt(16)));
        }
        return b.toString();
    }

    public static String challenge(String verifier) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code name=value&…} of pairs, form-encoded. */
    public static String encode(String... fields) {
        return IntStream.range(0, fields.length / 2).mapToObj(i -> enc(fields[2 * i]) + "=" + enc(fields[2 * i + 1]))
                .collect(Collectors.joining("&"));
    }

    /** The decoded parameters of a raw query string. */
    public static Map<String, String> query(String rawQuery) {
        Map<String, String> m = new LinkedHashMap<>();
        if (rawQuery == null) {
            return m;
        }
        List<String> pairs = new ArrayList<>(List.of(rawQuery.split("&")));
        for (String p : pairs) {
            int eq = p.indexOf('=');
            m.put(URLDecoder.decode(eq < 0 ? p : p.substring(0, eq), StandardCharsets.UTF_8),
                    eq < 0 ? "" : URLDecoder.decode(p.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return m;
    }

    public static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
