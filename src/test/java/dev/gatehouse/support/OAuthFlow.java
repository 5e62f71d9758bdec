package dev.gatehouse.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The authorization-code flow in HTTP tests, two ways.
 *
 * <p>The happy path in one call, the way an SPA does it (Okta §18): an SPA app made through the management API and
 * assigned to everyone, a browser signed in at the hosted page, {@code /authorize} with PKCE S256, then the code
 * exchange at {@code /token}. Also a service app for client-credentials tokens, and small helpers to call the other
 * OAuth endpoints with a form.
 *
 * <pre>{@code
 * OAuthFlow spa = OAuthFlow.spa(server);
 * Browser browser = OAuthFlow.signedIn(server);
 * JsonNode tokens = spa.tokens(browser, "openid profile email offline_access");
 * }</pre>
 *
 * <p>And one step at a time, so the protocol tests can bend each step: {@code new OAuthFlow(server)} makes apps of
 * any kind ({@link #spaClient}, {@link #webClient}, {@link #serviceClient}), runs {@code /authorize} with any
 * parameters ({@link #params}, {@link #code(Browser, String, Map)}) and {@code /token} with any form and headers
 * ({@link #token}), and counts what a refused request must not have written ({@link #issuedRows}).
 *
 * <pre>{@code
 * OAuthFlow flow = new OAuthFlow(server);
 * OAuthFlow.Client spa = flow.spaClient();
 * OAuthFlow.Code code = flow.code(flow.signedIn(), spa);
 * Http.Response r = flow.token(OAuthFlow.DEFAULT, OAuthFlow.exchange(spa, code));
 * }</pre>
 */
public final class OAuthFlow {

    public static final String REDIRECT_URI = "http://localhost:8080/login/callback";
    public static final String POST_LOGOUT_REDIRECT_URI = "http://localhost:8080";
    public static final String WEB_REDIRECT = "https://app.example.com/callback";
    public static final String ALL_SCOPES = "openid profile email offline_access";
    /** The default custom authorization server's path prefix; the org server's is {@link #ORG}. */
    public static final String DEFAULT = "/oauth2/default/v1";
    public static final String ORG = "/oauth2/v1";
    /** Key under which {@link #params} keeps the verifier; {@link #authorizeUrl} and {@link #encode(Map)} leave it out. */
    public static final String VERIFIER = "__verifier";

    /** An app as the step-by-step tests use it; {@code secret} is null for public clients. */
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
    private final String clientId;
    private final String serverId;

    private OAuthFlow(TestServer server, String clientId, String serverId) {
        this.server = server;
        this.http = server.http();
        this.clientId = clientId;
        this.serverId = serverId;
    }

    /** The flow on this server one step at a time, with no client of its own: make them with {@link #spaClient} … */
    public OAuthFlow(TestServer server) {
        this(server, null, "default");
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
        return new OAuthFlow(server, createApp(ApiClient.of(server), body).get("credentials").get("oauthClient").get("client_id").asText(), "default");
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
        return "org".equals(serverId) ? ORG : "/oauth2/" + serverId + "/v1";
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

    /** RFC 6749 §2.3.1 Basic credentials (form-encoded id and secret); with a null secret, the bare client id. */
    public static String basic(String clientId, String secret) {
        if (secret == null) {
            return basicClientIdOnly(clientId);
        }
        return "Basic " + Base64.getEncoder().encodeToString((enc(clientId) + ":" + enc(secret)).getBytes(StandardCharsets.UTF_8));
    }

    /** A service app (client_secret_basic) and a custom scope on {@code default}; its client-credentials access token. */
    public static String clientCredentialsToken(TestServer server) {
        return clientCredentials(server).token();
    }

    /** A client-credentials access token, with the service app that got it. */
    public record ServiceToken(String token, String clientId, String secret) {
    }

    /** A new service app on the default server and an access token it got with the client-credentials grant. */
    public static ServiceToken clientCredentials(TestServer server) {
        ApiClient api = ApiClient.of(server);
        String scope = customScope(api, "default", "flow.read." + SEQ.incrementAndGet() + "x" + Long.toString(System.nanoTime() % 100_000, 36));
        String body = """
                {"name":"oidc_client","label":"Flow Service %d","signOnMode":"OPENID_CONNECT",
                 "settings":{"oauthClient":{"application_type":"service","grant_types":["client_credentials"],"response_types":["token"]}}}"""
                .formatted(SEQ.incrementAndGet());
        JsonNode credentials = createApp(api, body).get("credentials").get("oauthClient");
        Http.Response t = server.http().send("POST", "/oauth2/default/v1/token", encode("grant_type", "client_credentials", "scope", scope),
                "Content-Type", "application/x-www-form-urlencoded",
                "Authorization", basic(credentials.get("client_id").asText(), credentials.get("client_secret").asText()));
        assertThat(t.status()).as(t.body()).isEqualTo(200);
        return new ServiceToken(t.json().get("access_token").asText(), credentials.get("client_id").asText(),
                credentials.get("client_secret").asText());
    }

    /** The default server's introspection of a client-credentials token, asked by its own client. */
    public static JsonNode introspect(TestServer server, ServiceToken t) {
        Http.Response r = server.http().send("POST", "/oauth2/default/v1/introspect", encode("token", t.token(), "token_type_hint", "access_token"),
                "Content-Type", "application/x-www-form-urlencoded", "Authorization", basic(t.clientId(), t.secret()));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
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

    /** A fresh RFC 7636 verifier: 32 random bytes, base64url (43 characters), as okta-auth-js makes. */
    public static String randomVerifier() {
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

    /** {@code name=value&…} of pairs, form-encoded (a repeated name is sent repeated). */
    public static String encode(String... fields) {
        return IntStream.range(0, fields.length / 2).mapToObj(i -> enc(fields[2 * i]) + "=" + enc(fields[2 * i + 1]))
                .collect(Collectors.joining("&"));
    }

    /** Form-encodes {@code params}, leaving out null values and the {@link #VERIFIER} entry. */
    public static String encode(Map<String, String> params) {
        return params.entrySet().stream().filter(e -> e.getValue() != null && !VERIFIER.equals(e.getKey()))
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    /** Pairs as a map (for forms): name, value, name, value … (a null value leaves the field out of the form). */
    public static Map<String, String> fields(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return m;
    }

    /** The parameters in a URL's query, or in its fragment when it has one. */
    public static Map<String, String> parameters(String url) {
        URI u = URI.create(url);
        return query(u.getRawFragment() != null ? u.getRawFragment() : u.getRawQuery());
    }

    /** The decoded parameters of a raw query string (or a form body). */
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

    // ---- one step at a time: apps --------------------------------------------------------------------------

    /** A browser app (public, PKCE) with authorization_code and refresh_token, assigned to everyone unless changed. */
    public Client spaClient(Consumer<ObjectNode> change) {
        return client("""
                {"name":"oidc_client","label":"SPA","signOnMode":"OPENID_CONNECT",
                 "credentials":{"oauthClient":{"token_endpoint_auth_method":"none"}},
                 "settings":{"implicitAssignment":true,"oauthClient":{"application_type":"browser",
                   "redirect_uris":["%s"],"post_logout_redirect_uris":["%s"],
                   "response_types":["code"],"grant_types":["authorization_code","refresh_token"]}}}"""
                .formatted(REDIRECT_URI, POST_LOGOUT_REDIRECT_URI), change);
    }

    public Client spaClient() {
        return spaClient(a -> { });
    }

    /** A confidential web app (client_secret_basic unless changed) with authorization_code and refresh_token. */
    public Client webClient(Consumer<ObjectNode> change) {
        return client("""
                {"name":"oidc_client","label":"Web","signOnMode":"OPENID_CONNECT",
                 "settings":{"implicitAssignment":true,"oauthClient":{"application_type":"web",
                   "redirect_uris":["%s"],"grant_types":["authorization_code","refresh_token"]}}}""".formatted(WEB_REDIRECT), change);
    }

    public Client webClient() {
        return webClient(a -> { });
    }

    /** A service app: client_credentials with client_secret_basic. */
    public Client serviceClient() {
        return client("""
                {"name":"oidc_client","label":"Service","signOnMode":"OPENID_CONNECT",
                 "settings":{"oauthClient":{"application_type":"service"}}}""", a -> { });
    }

    private Client client(String body, Consumer<ObjectNode> change) {
        ObjectNode tree = tree(body);
        tree.put("label", tree.get("label").asText() + " " + SEQ.incrementAndGet() + "-" + Long.toString(System.nanoTime() % 1_000_000, 36));
        change.accept(tree);
        JsonNode app = createApp(ApiClient.of(server), tree.toString());
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

    /** The policy body {@link #allowAll} creates (a new custom server has no access policy, as at Okta: it issues nothing). */
    public static final String ALLOW_ALL_POLICY = "{\"name\":\"Allow all\",\"description\":\"tests\",\"conditions\":{\"clients\":{\"include\":[\"ALL_CLIENTS\"]}}}";
    /** The rule body {@link #allowAll} creates: everyone, the grant types Gatehouse issues, any scope, Okta's default lifetimes. */
    public static final String ALLOW_ALL_RULE = "{\"name\":\"Allow all\",\"conditions\":{\"people\":{\"groups\":{\"include\":[\"EVERYONE\"]}},"
            + "\"grantTypes\":{\"include\":[\"authorization_code\",\"client_credentials\",\"refresh_token\"]},\"scopes\":{\"include\":[\"*\"]}}}";

    /** Gives a new custom authorization server an access policy and rule that admit every client, person and scope. */
    public static void allowAll(ApiClient api, String serverId) {
        Http.Response p = api.post("/api/v1/authorizationServers/" + serverId + "/policies", ALLOW_ALL_POLICY);
        assertThat(p.status()).as(p.body()).isEqualTo(201);
        Http.Response r = api.post("/api/v1/authorizationServers/" + serverId + "/policies/" + p.json().get("id").asText() + "/rules", ALLOW_ALL_RULE);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    /** Adds a custom scope to an authorization server; returns its name. */
    public String customScope(String serverId, String name) {
        return customScope(ApiClient.of(server), serverId, name);
    }

    private static String customScope(ApiClient api, String serverId, String name) {
        Http.Response r = api.post("/api/v1/authorizationServers/" + serverId + "/scopes", "{\"name\":\"" + name + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return name;
    }

    private static JsonNode createApp(ApiClient api, String body) {
        Http.Response r = api.post("/api/v1/apps", body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    // ---- one step at a time: the browser side ----------------------------------------------------------------

    /** A browser with a session of the first admin. */
    public Browser signedIn() {
        return signedIn(server);
    }

    /** The parameters okta-auth-js sends for a PKCE sign-in (no challenge when {@code verifier} is null; see {@link #VERIFIER}). */
    public static Map<String, String> params(Client c, String verifier) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("client_id", c.clientId());
        p.put("redirect_uri", c.redirectUri());
        p.put("response_type", "code");
        p.put("scope", ALL_SCOPES);
        p.put("state", "st-" + SEQ.incrementAndGet());
        p.put("nonce", "n-" + SEQ.incrementAndGet());
        if (verifier != null) {
            p.put("code_challenge", challenge(verifier));
            p.put("code_challenge_method", "S256");
        }
        p.put(VERIFIER, verifier);
        return p;
    }

    public static String authorizeUrl(String base, Map<String, String> params) {
        return base + "/authorize?" + encode(params);
    }

    /** Runs /authorize in {@code browser} with {@code params}; expects the code at the redirect URI (query mode). */
    public Code code(Browser browser, String base, Map<String, String> params) {
        Http.Response r = browser.get(authorizeUrl(base, params));
        assertThat(r.status()).as(r.body()).isEqualTo(302);
        String location = r.header("Location");
        assertThat(location).startsWith(params.get("redirect_uri") + "?");
        Map<String, String> answer = parameters(location);
        assertThat(answer).as(location).containsKey("code").containsEntry("state", params.get("state"));
        return new Code(answer.get("code"), params.get(VERIFIER), answer);
    }

    /** A code for {@code client} on the default server, in a signed-in browser, scopes {@link #ALL_SCOPES}. */
    public Code code(Browser browser, Client client) {
        return code(browser, DEFAULT, params(client, client.secret() == null ? randomVerifier() : null));
    }

    // ---- one step at a time: /token ----------------------------------------------------------------------------

    /** POSTs a form to {@code base}/token; {@code headers} are name, value pairs; a null value leaves the field out. */
    public Http.Response token(String base, Map<String, String> form, String... headers) {
        String[] all = new String[headers.length + 2];
        all[0] = "Content-Type";
        all[1] = "application/x-www-form-urlencoded";
        System.arraycopy(headers, 0, all, 2, headers.length);
        return http.send("POST", base + "/token", encode(form), all);
    }

    /** The exchange okta-auth-js makes for a public client: client_id in the body, verifier, redirect_uri. */
    public static Map<String, String> exchange(Client c, Code code) {
        return fields("grant_type", "authorization_code", "client_id", c.clientId(), "redirect_uri", c.redirectUri(),
                "code", code.code(), "code_verifier", code.verifier());
    }

    // ---- one step at a time: the store ---------------------------------------------------------------------

    public long count(String sql) {
        return Sql.count(server.wiring().db, sql);
    }

    /** Rows that a refused request must not add: codes, families, access and refresh tokens. */
    public String issuedRows() {
        return count("SELECT COUNT(*) FROM authorization_codes") + "/" + count("SELECT COUNT(*) FROM token_families") + "/"
                + count("SELECT COUNT(*) FROM access_tokens") + "/" + count("SELECT COUNT(*) FROM refresh_tokens");
    }

    /** How many System Log events of this type there are. */
    public long events(String type) {
        return server.wiring().db.read(h -> server.wiring().systemLog.count(h, type));
    }

    private static ObjectNode tree(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
