package dev.gatehouse.oauth.authorize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.support.Browser;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.Sql;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The authorization-code flow as the protocol tests drive it, one step at a time so each step can be
 * bent: apps made through the Apps API, /authorize requests with any parameters, the code read off the
 * redirect, /token requests with any form and headers. (support/OAuthFlow drives the happy path in one
 * call; these tests need every knob.)
 */
public final class CodeFlow {

    public static final String SPA_REDIRECT = "http://localhost:8080/login/callback";
    public static final String WEB_REDIRECT = "https://app.example.com/callback";
    /** The default custom authorization server's path prefix; the org server's is {@link #ORG}. */
    public static final String DEFAULT = "/oauth2/default/v1";
    public static final String ORG = "/oauth2/v1";

    /** An app as the tests use it; {@code secret} is null for public clients. */
    public record Client(String appId, String clientId, String secret, String redirectUri) {
    }

    /** A code and the PKCE verifier that goes with it (null when the request had no challenge). */
    public record Code(String code, String verifier, Map<String, String> response) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AtomicInteger SEQ = new AtomicInteger();

    private final TestServer server;
    private final Http http;

    public CodeFlow(TestServer server) {
        this.server = server;
        this.http = server.http();
    }

    /**
     * A test server whose configured base URL is the address it really listens on, so issuers, discovery
     * and the {@code iss} of responses name a reachable origin (a free port is picked first).
     */
    public static TestServer startReachable(TestDatabase database) {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return TestServer.start(database, "--port", Integer.toString(port), "--base-url", "http://127.0.0.1:" + port);
    }

    // ---- apps ----------------------------------------------------------------------------------------

    /** A browser app (public, PKCE) with authorization_code and refresh_token, assigned to everyone unless changed. */
    public Client spa(Consumer<ObjectNode> change) {
        return app("""
                {"name":"oidc_client","label":"SPA","signOnMode":"OPENID_CONNECT",
                 "credentials":{"oauthClient":{"token_endpoint_auth_method":"none"}},
                 "settings":{"implicitAssignment":true,"oauthClient":{"application_type":"browser",
                   "redirect_uris":["%s"],"post_logout_redirect_uris":["http://localhost:8080"],
                   "response_types":["code"],"grant_types":["authorization_code","refresh_token"]}}}""".formatted(SPA_REDIRECT), change);
    }

    public Client spa() {
        return spa(a -> { });
    }

    /** A confidential web app (client_secret_basic unless changed) with authorization_code and refresh_token. */
    public Client web(Consumer<ObjectNode> change) {
        return app("""
                {"name":"oidc_client","label":"Web","signOnMode":"OPENID_CONNECT",
                 "settings":{"implicitAssignment":true,"oauthClient":{"application_type":"web",
                   "redirect_uris":["%s"],"grant_types":["authorization_code","refresh_token"]}}}""".formatted(WEB_REDIRECT), change);
    }

    public Client web() {
        return web(a -> { });
    }

    /** A service app: client_credentials with client_secret_basic. */
    public Client service() {
        return app("""
                {"name":"oidc_client","label":"Service","signOnMode":"OPENID_CONNECT",
                 "settings":{"oauthClient":{"application_type":"service"}}}""", a -> { });
    }

    private Client app(String body, Consumer<ObjectNode> change) {
        ObjectNode tree = tree(body);
        tree.put("label", tree.get("label").asText() + " " + SEQ.incrementAndGet() + "-" + Long.toString(System.nanoTime() % 1_000_000, 36));
        change.accept(tree);
        Http.Response r = http.send("POST", "/api/v1/apps", tree.toString(), Http.ssws(TestServer.API_TOKEN, "Content-Type", "application/json"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode app = r.json();
        JsonNode credentials = app.get("credentials").get("oauthClient");
        JsonNode redirects = app.get("settings").get("oauthClient").get("redirect_uris");
        return new Client(app.get("id").asText(), credentials.get("client_id").asText(),
                credentials.has("client_secret") ? credentials.get("client_secret").asText() : null,
                redirects.isEmpty() ? null : redirects.get(0).asText());
    }

    /** {@code settings.oauthClient} of an app request tree, for {@code change} lambdas. */
    public static ObjectNode oauthClient(ObjectNode app) {
        return app.withObjectProperty("settings").withObjectProperty("oauthClient");
    }

    /** Adds a custom scope to an authorization server; returns its name. */
    public String customScope(String serverId, String name) {
        Http.Response r = http.send("POST", "/api/v1/authorizationServers/" + serverId + "/scopes", "{\"name\":\"" + name + "\"}",
                Http.ssws(TestServer.API_TOKEN, "Content-Type", "application/json"));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return name;
    }

    // ---- the browser side ----------------------------------------------------------------------------

    /** A browser with a session of the first admin. */
    public Browser signedIn() {
        Browser b = server.browser();
        Http.Response r = b.signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD, "/");
        assertThat(r.status()).as(r.body()).isEqualTo(303);
        return b;
    }

    /** The parameters okta-auth-js sends for a PKCE sign-in, with a fresh verifier (see {@link #VERIFIER}). */
    public static Map<String, String> params(Client c, String verifier) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("client_id", c.clientId());
        p.put("redirect_uri", c.redirectUri());
        p.put("response_type", "code");
        p.put("scope", "openid profile email offline_access");
        p.put("state", "st-" + SEQ.incrementAndGet());
        p.put("nonce", "n-" + SEQ.incrementAndGet());
        if (verifier != null) {
            p.put("code_challenge", challenge(verifier));
            p.put("code_challenge_method", "S256");
        }
        p.put(VERIFIER, verifier);
        return p;
    }

    /** Key under which {@link #params} keeps the verifier; {@link #authorizeUrl} leaves it out. */
    public static final String VERIFIER = "__verifier";

    public static String authorizeUrl(String base, Map<String, String> params) {
        return base + "/authorize?" + form(params);
    }

    /** Runs /authorize in {@code browser} with {@code params}; expects the code at the redirect URI (query mode). */
    public Code code(Browser browser, String base, Map<String, String> params) {
        Http.Response r = browser.get(authorizeUrl(base, params));
        assertThat(r.status()).as(r.body()).isEqualTo(302);
        String location = r.header("Location");
        assertThat(location).startsWith(params.get("redirect_uri") + "?");
        Map<String, String> answer = query(location);
        assertThat(answer).as(location).containsKey("code").containsEntry("state", params.get("state"));
        return new Code(answer.get("code"), params.get(VERIFIER), answer);
    }

    /** A code for {@code client} on the default server, in a signed-in browser, scopes {@code openid profile email offline_access}. */
    public Code code(Browser browser, Client client) {
        return code(browser, DEFAULT, params(client, client.secret() == null ? verifier() : null));
    }

    // ---- /token ----------------------------------------------------------------------------------------

    /** POSTs a form to {@code base}/token; {@code headers} are name, value pairs; a null value leaves the field out. */
    public Http.Response token(String base, Map<String, String> form, String... headers) {
        String[] all = new String[headers.length + 2];
        all[0] = "Content-Type";
        all[1] = "application/x-www-form-urlencoded";
        System.arraycopy(headers, 0, all, 2, headers.length);
        return http.send("POST", base + "/token", form(form), all);
    }

    /** The exchange okta-auth-js makes for a public client: client_id in the body, verifier, redirect_uri. */
    public static Map<String, String> exchange(Client c, Code code) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("grant_type", "authorization_code");
        f.put("client_id", c.clientId());
        f.put("redirect_uri", c.redirectUri());
        f.put("code", code.code());
        f.put("code_verifier", code.verifier());
        return f;
    }

    /** Pairs as a map (for forms): name, value, name, value … */
    public static Map<String, String> form(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return m;
    }

    public static String basic(String id, String secret) {
        String raw = secret == null ? id : URLEncoder.encode(id, StandardCharsets.UTF_8) + ":" + URLEncoder.encode(secret, StandardCharsets.UTF_8);
        return "Basic " + Base64.getEncoder().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    // ---- PKCE, URLs, the store -------------------------------------------------------------------------

    /** A fresh RFC 7636 verifier: 32 random bytes, base64url (43 characters). */
    public static String verifier() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    public static String challenge(String verifier) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The parameters in a URL's query, or in its fragment when it has one. */
    public static Map<String, String> query(String url) {
        URI u = URI.create(url);
        String raw = u.getRawFragment() != null ? u.getRawFragment() : u.getRawQuery();
        Map<String, String> m = new LinkedHashMap<>();
        if (raw == null) {
            return m;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            m.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                    eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return m;
    }

    /** Form-encodes {@code params}, leaving out null values and the {@link #VERIFIER} entry. */
    public static String form(Map<String, String> params) {
        return params.entrySet().stream().filter(e -> e.getValue() != null && !VERIFIER.equals(e.getKey()))
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    public long count(String sql) {
        return Sql.count(server.wiring().db, sql);
    }

    /** Rows that a refused request must not add: codes, families, access and refresh tokens. */
    public String issuedRows() {
        return count("SELECT COUNT(*) FROM authorization_codes") + "/" + count("SELECT COUNT(*) FROM token_families") + "/"
                + count("SELECT COUNT(*) FROM access_tokens") + "/" + count("SELECT COUNT(*) FROM refresh_tokens");
    }

    public long events(String type) {
        return server.wiring().db.read(h -> server.wiring().systemLog.count(h, type));
    }

    public static JsonNode claims(String jwt) {
        String[] parts = jwt.split("\\.");
        return tree(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    }

    private static ObjectNode tree(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
