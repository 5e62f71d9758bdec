package dev.gatehouse.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.console.Nav;
import dev.gatehouse.support.Browser;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.OAuthFlow;
import dev.gatehouse.support.Sql;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.gatehouse.support.Http.ssws;
import static dev.gatehouse.support.OAuthFlow.enc;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Headers and cookies, surface by surface (checklist items 5 and 8; issue #10 item 8). Every response of every surface
 * — console pages, hosted sign-in and sign-out, the /authorize error page, the form_post and okta_post_message pages,
 * /oauth2 JSON, /api/v1 JSON, health, metrics, static assets, 404s — is fetched over HTTP and over HTTPS (the
 * development certificate) and checked against one rule set ({@link #assertSecurityHeaders}); every cookie any of
 * them sets is checked by {@link #assertCookie}. Then the console's CSRF protection: a cross-site form POST is refused
 * and changes nothing. On H2 and PostgreSQL.
 *
 * <p>Which responses may be cached: only public, secret-free ones — static assets, discovery documents and JWKS
 * ({@link #CACHEABLE}); everything else (tokens, userinfo, sessions, pages with CSRF tokens or client secrets) is
 * {@code no-store}.
 */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class SecurityHeadersHttpTest {

    private static final Set<String> CACHEABLE = Set.of("keys", "discovery", "org discovery", "favicon", "asset css", "asset js");

    /** Sent where pages might echo input; it must never come back raw in HTML. */
    private static final String PROBE = "<x-gh-probe>";

    @Parameter
    TestDatabase database;

    static TestServer server;
    static Http http;
    static Http https;
    static String httpsBase;
    static OAuthFlow spa;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        int httpsPort = TestServer.freePort();
        server = TestServer.start(database, "--https-port", Integer.toString(httpsPort));
        http = server.http();
        httpsBase = "https://127.0.0.1:" + server.wiring().httpsPort();
        https = new Http(httpsBase, HttpClient.newBuilder().sslContext(trusting(server)).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build());
        spa = OAuthFlow.spa(server);
        WALKS.clear();
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    // ---- every surface ------------------------------------------------------------------------------------

    @Test
    void everySurfaceCarriesTheSecurityHeadersOverHttpAndHttps() {
        for (boolean tls : new boolean[]{false, true}) {
            Map<String, Http.Response> seen = walk(tls);
            assertThat(seen).hasSizeGreaterThan(30);
            seen.forEach((what, r) -> assertSecurityHeaders(what, r, tls));
        }
    }

    @Test
    void everyCookieIsHttpOnlySameSiteHostOnlyAndSecureOverHttps() {
        for (boolean tls : new boolean[]{false, true}) {
            List<String> cookies = new ArrayList<>();
            walk(tls).forEach((what, r) -> r.headers().allValues("Set-Cookie").forEach(c -> cookies.add(what + " -> " + c)));
            // Over HTTPS both carry the __Host- prefix: no sibling site or plain-HTTP page can plant them.
            String prefix = tls ? "__Host-" : "";
            assertThat(cookies).as("the walk signs in, so it sees the session and pre-session (CSRF) cookies")
                    .anyMatch(c -> c.contains(" -> " + prefix + "sid=")).anyMatch(c -> c.contains(" -> " + prefix + "gh_pre="));
            assertThat(cookies).as("over HTTPS every cookie is a __Host- cookie").allMatch(c -> !tls || c.contains(" -> __Host-"));
            cookies.forEach(c -> assertCookie(c, tls));
        }
    }

    @Test
    void postMessageRelayIsTheOnlyFrameablePageAndOnlyByTheClientsOrigin() {
        Browser browser = OAuthFlow.signedIn(server);
        Http.Response r = browser.get(authorize(OAuthFlow.randomVerifier(), "&response_mode=okta_post_message&prompt=none"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.header("X-Frame-Options")).isNull();
        assertThat(directive(r, "frame-ancestors")).isEqualTo("http://localhost:8080");
        assertThat(directive(r, "default-src")).isEqualTo("'none'");
        assertThat(r.header("Cache-Control")).isEqualTo("no-store");
    }

    // ---- the console: CSRF and clickjacking ---------------------------------------------------------------------

    @Test
    void crossSiteFormPostToTheConsoleIsRefusedAndChangesNothing() {
        Browser admin = OAuthFlow.signedIn(server);
        Http.Response form = admin.get(Nav.GROUPS.path());
        assertThat(form.status()).isEqualTo(200);
        String realToken = Browser.csrf(form);
        long groups = Sql.count(server.wiring().db, "SELECT COUNT(*) FROM user_groups");
        long events = Sql.count(server.wiring().db, "SELECT COUNT(*) FROM system_log_events");

        // What another site can make the browser send: the cookies ride along, but it cannot know the token.
        List<String[]> forged = List.of(
                new String[]{"name", "Forged A"},
                new String[]{"name", "Forged B", "csrf", ""},
                new String[]{"name", "Forged C", "csrf", "A".repeat(32)},
                new String[]{"name", "Forged D", "csrf", realToken.substring(1) + "x"});
        for (String[] fields : forged) {
            Http.Response r = admin.post(Nav.GROUPS.path(), fields);
            assertThat(r.status()).as(String.join(",", fields)).isEqualTo(403);
            assertThat(r.body()).contains("Nothing was changed");
            assertSecurityHeaders("forged POST", r, false);
        }
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM system_log_events")).isEqualTo(events);

        // A token is bound to its session: the same admin's token from another session, and a pre-session token with the
        // pre-session cookie it belongs to (what an attacker can get from Gatehouse and plant), both fail.
        Browser other = OAuthFlow.signedIn(server);
        String otherToken = Browser.csrf(other.get(Nav.GROUPS.path()));
        assertThat(otherToken).isNotEqualTo(realToken);
        assertThat(admin.post(Nav.GROUPS.path(), "name", "Forged E", "csrf", otherToken).status()).isEqualTo(403);
        Browser stranger = server.browser();
        String preToken = Browser.csrf(stranger.get("/signin"));
        admin.cookies.put(Csrf.PRE_SESSION_COOKIE, stranger.cookies.get(Csrf.PRE_SESSION_COOKIE));
        assertThat(admin.post(Nav.GROUPS.path(), "name", "Forged F", "csrf", preToken).status()).isEqualTo(403);
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM user_groups")).isEqualTo(groups);

        // The same form with its token works: the refusals above were about the token and nothing else.
        Http.Response ok = admin.post(Nav.GROUPS.path(), "name", "Real Group " + database, "csrf", realToken);
        assertThat(ok.status()).as(ok.body()).isIn(302, 303);
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM user_groups")).isEqualTo(groups + 1);
    }

    @Test
    void signInAndSignOutFormsRefuseAPostWithoutTheirToken() {
        Browser b = server.browser();
        b.get("/signin");
        Http.Response r = b.post("/signin", "username", TestServer.ADMIN, "password", TestServer.ADMIN_PASSWORD, "fromURI", "/admin");
        assertThat(r.status()).isNotIn(302, 303);
        assertThat(b.cookies).doesNotContainKey("sid");

        Browser admin = OAuthFlow.signedIn(server);
        long sessions = Sql.count(server.wiring().db, "SELECT COUNT(*) FROM sessions");
        Http.Response out = admin.post("/signout");
        assertThat(out.status()).isNotIn(302, 303);
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM sessions")).isEqualTo(sessions);
        assertThat(admin.get(Nav.DASHBOARD.path()).status()).as("still signed in").isEqualTo(200);
    }

    // ---- the walk -------------------------------------------------------------------------------------------------

    /** The walks of this server, made once per scheme and shared by the tests (each walk signs in, which is slow on purpose). */
    static final Map<Boolean, Map<String, Http.Response>> WALKS = new java.util.concurrent.ConcurrentHashMap<>();

    private static Map<String, Http.Response> walk(boolean tls) {
        return WALKS.computeIfAbsent(tls, SecurityHeadersHttpTest::walkOnce);
    }

    /** One response per surface (and a few per surface where they differ), fetched over HTTP or HTTPS. */
    private static Map<String, Http.Response> walkOnce(boolean tls) {
        String base = tls ? httpsBase : server.url();
        Http client = tls ? https : http;
        Map<String, Http.Response> seen = new LinkedHashMap<>();

        // Hosted sign-in, then the console as a signed-in super admin (cookies kept by hand, so HTTPS works the same).
        Map<String, String> jar = new LinkedHashMap<>();
        Http.Response signIn = get(client, "/signin", jar);
        seen.put("sign-in page", signIn);
        seen.put("Okta's sign-in path", get(client, "/login/login.htm", jar));
        seen.put("sign-in failure", post(client, "/signin", jar, "csrf", Browser.csrf(signIn), "username", TestServer.ADMIN,
                "password", "wrong-password", "fromURI", "/admin"));
        Http.Response signedIn = post(client, "/signin", jar, "csrf", Browser.csrf(signIn), "username", TestServer.ADMIN,
                "password", TestServer.ADMIN_PASSWORD, "fromURI", "/admin");
        assertThat(signedIn.status()).as(signedIn.body()).isEqualTo(303);
        seen.put("sign-in success", signedIn);
        for (Nav nav : Nav.values()) {
            seen.put("console " + nav, get(client, nav.path(), jar));
        }
        seen.put("console new app", get(client, "/admin/apps/new", jar));
        seen.put("console platform (Create New App)", get(client, "/admin/apps/new/create-new-app?type=" + enc(PROBE) + "&method=" + enc(PROBE), jar));
        seen.put("console platform (Create App Integration)", get(client, "/admin/apps/new/create-app-integration", jar));
        seen.put("console new app settings", get(client, "/admin/apps/new/settings?method=oidc&type=browser&from=" + enc(PROBE), jar));
        seen.put("console app page (client id)", get(client, "/admin/apps/" + spa.clientId(), jar));
        seen.put("console 404", get(client, "/admin/people/00uNoSuchPerson00001", jar));
        seen.put("sign-out page", get(client, "/signout", jar));

        // /authorize: an error page, a redirect, the form_post and okta_post_message pages.
        seen.put("authorize error page", get(client, "/oauth2/default/v1/authorize?client_id=0oaNoSuchClient000001&state=" + enc(PROBE), jar));
        seen.put("authorize redirect", get(client, authorize(OAuthFlow.randomVerifier(), ""), jar));
        seen.put("form_post page", get(client, authorize(OAuthFlow.randomVerifier(), "&response_mode=form_post"), jar));
        seen.put("okta_post_message page", get(client, authorize(OAuthFlow.randomVerifier(), "&response_mode=okta_post_message"), jar));

        // /oauth2 JSON: tokens (success and error), userinfo, introspect, revoke, logout, keys, discovery.
        String verifier = OAuthFlow.randomVerifier();
        Http.Response code = get(client, authorize(verifier, ""), jar);
        String c = OAuthFlow.query(java.net.URI.create(code.header("Location")).getRawQuery()).get("code");
        Http.Response token = form(client, "/oauth2/default/v1/token", "grant_type", "authorization_code", "client_id", spa.clientId(),
                "redirect_uri", OAuthFlow.REDIRECT_URI, "code", c, "code_verifier", verifier);
        assertThat(token.status()).as(token.body()).isEqualTo(200);
        seen.put("token", token);
        JsonNode tokens = token.json();
        seen.put("token refresh", form(client, "/oauth2/default/v1/token", "grant_type", "refresh_token", "client_id", spa.clientId(),
                "refresh_token", tokens.get("refresh_token").asText()));
        seen.put("token error", form(client, "/oauth2/default/v1/token", "grant_type", "authorization_code", "client_id", spa.clientId()));
        seen.put("userinfo", client.get(base + "/oauth2/default/v1/userinfo", "Authorization", "Bearer " + tokens.get("access_token").asText()));
        seen.put("userinfo error", client.get(base + "/oauth2/default/v1/userinfo"));
        seen.put("introspect", form(client, "/oauth2/default/v1/introspect", "client_id", spa.clientId(),
                "token", tokens.get("access_token").asText()));
        seen.put("revoke", form(client, "/oauth2/default/v1/revoke", "client_id", spa.clientId(), "token", tokens.get("access_token").asText()));
        seen.put("keys", client.get(base + "/oauth2/default/v1/keys"));
        seen.put("discovery", client.get(base + "/oauth2/default/.well-known/openid-configuration"));
        seen.put("org discovery", client.get(base + "/.well-known/openid-configuration"));
        seen.put("logout", get(client, "/oauth2/default/v1/logout?id_token_hint=" + tokens.get("id_token").asText()
                + "&post_logout_redirect_uri=" + enc(OAuthFlow.POST_LOGOUT_REDIRECT_URI), jar));
        seen.put("logout error page", get(client, "/oauth2/default/v1/logout?post_logout_redirect_uri=" + enc("https://evil.example/"), jar));

        // /api/v1 JSON, the management API and okta-auth-js's session endpoint.
        seen.put("api users", client.get(base + "/api/v1/users", ssws(TestServer.API_TOKEN)));
        seen.put("api apps", client.get(base + "/api/v1/apps", ssws(TestServer.API_TOKEN)));
        seen.put("api 401", client.get(base + "/api/v1/users"));
        seen.put("api 404", client.get(base + "/api/v1/no-such-thing", ssws(TestServer.API_TOKEN)));
        seen.put("api sessions/me (none)", client.get(base + "/api/v1/sessions/me", "Accept", "application/json"));

        // Operations, static assets, 404s.
        seen.put("health live", client.get(base + "/health/live"));
        seen.put("health ready", client.get(base + "/health/ready"));
        seen.put("metrics", client.get(base + "/metrics"));
        seen.put("home", client.get(base + "/"));
        seen.put("favicon", client.get(base + "/favicon.ico"));
        seen.put("asset css", client.get(base + "/assets/gatehouse.css"));
        seen.put("asset js", client.get(base + "/assets/console.js"));
        seen.put("asset 404", client.get(base + "/assets/no-such-file.js"));
        seen.put("page 404", client.get(base + "/no/such/page/" + enc(PROBE)));
        seen.put("oauth 404", client.get(base + "/oauth2/default/v1/no-such-endpoint"));
        return seen;
    }

    private static String authorize(String verifier, String extra) {
        return "/oauth2/default/v1/authorize?client_id=" + enc(spa.clientId()) + "&redirect_uri=" + enc(OAuthFlow.REDIRECT_URI)
                + "&response_type=code&scope=" + enc(OAuthFlow.ALL_SCOPES) + "&state=s1&nonce=" + OAuthFlow.freshNonce() + "&code_challenge="
                + OAuthFlow.challenge(verifier) + "&code_challenge_method=S256" + extra;
    }

    // ---- the rules ----------------------------------------------------------------------------------------------

    private static void assertSecurityHeaders(String what, Http.Response r, boolean tls) {
        String as = what + (tls ? " (https)" : " (http)") + " " + r.status();
        assertThat(r.status()).as(as + ": " + r.body()).isLessThan(500);
        String csp = r.header("Content-Security-Policy");
        assertThat(csp).as(as + " CSP").isNotNull();
        assertThat(csp).as(as + " CSP").doesNotContain("unsafe-inline").doesNotContain("unsafe-eval").doesNotContain("*")
                .contains("base-uri 'none'");
        assertThat(csp).as(as + " CSP: no plugins").containsAnyOf("object-src 'none'", "default-src 'none'");
        boolean relay = what.startsWith("okta_post_message");
        if (relay) {
            assertThat(directive(r, "frame-ancestors")).as(as).isEqualTo("http://localhost:8080");
            assertThat(r.header("X-Frame-Options")).as(as).isNull();
        } else {
            assertThat(directive(r, "frame-ancestors")).as(as).isEqualTo("'none'");
            assertThat(r.header("X-Frame-Options")).as(as).isEqualTo("DENY");
        }
        assertThat(r.header("X-Content-Type-Options")).as(as).isEqualTo("nosniff");
        assertThat(r.header("Referrer-Policy")).as(as).isEqualTo("no-referrer");
        assertThat(r.header("Server")).as(as).isNull();
        assertThat(r.header("X-Powered-By")).as(as).isNull();
        if (tls) {
            assertThat(r.header("Strict-Transport-Security")).as(as).matches("max-age=(\\d{8,})(; includeSubDomains)?");
        } else {
            assertThat(r.header("Strict-Transport-Security")).as(as + ": HSTS only over HTTPS").isNull();
        }
        boolean cacheable = r.status() < 400 && CACHEABLE.contains(what);
        if (!cacheable) {
            assertThat(r.header("Cache-Control")).as(as + " Cache-Control").isEqualTo("no-store");
        }
        String type = r.header("Content-Type");
        assertThat(type).as(as + " Content-Type").satisfiesAnyOf(t -> assertThat(t).isNull(), t -> assertThat(t).contains("/"));
        if (type != null && type.startsWith("text/html")) {
            assertThat(type).as(as).containsIgnoringCase("charset=utf-8");
            assertThat(r.body()).as(as + ": no style attribute (style-src 'self' blocks it)").doesNotContain(" style=");
            assertThat(r.body()).as(as + ": the probe is escaped").doesNotContain(PROBE);
            assertThat(r.body()).as(as).doesNotContainPattern("\\son[a-z]+=\"");
            Matcher scripts = Pattern.compile("<script([^>]*)>").matcher(r.body());
            while (scripts.find()) {
                String attributes = scripts.group(1);
                if (attributes.contains("src=")) {
                    assertThat(attributes).as(as + ": scripts come from this origin").contains("src=\"/assets/");
                } else if (!attributes.contains("type=\"application/json\"")) {
                    Matcher nonce = Pattern.compile("nonce=\"([^\"]+)\"").matcher(attributes);
                    assertThat(nonce.find()).as(as + ": an inline script needs the CSP nonce: " + attributes).isTrue();
                    assertThat(directive(r, "script-src")).as(as).isEqualTo("'nonce-" + nonce.group(1) + "'");
                }
            }
        }
    }

    private static void assertCookie(String seen, boolean tls) {
        String cookie = seen.substring(seen.indexOf(" -> ") + 4);
        List<String> attributes = List.of(cookie.split(";\\s*"));
        assertThat(attributes).as(seen).contains("HttpOnly", "Path=/");
        assertThat(attributes).as(seen).anyMatch(a -> a.matches("SameSite=(Lax|Strict|None)"));
        assertThat(attributes).as(seen + ": host-only").noneMatch(a -> a.toLowerCase().startsWith("domain="));
        if (tls) {
            assertThat(attributes).as(seen).contains("Secure");
        } else {
            assertThat(attributes).as(seen + ": SameSite=None needs Secure, which plain HTTP cannot have").doesNotContain("SameSite=None");
        }
    }

    private static String directive(Http.Response r, String name) {
        Matcher m = Pattern.compile("(?:^|;)\\s*" + name + " ([^;]*)").matcher(r.header("Content-Security-Policy"));
        return m.find() ? m.group(1).trim() : null;
    }

    // ---- a cookie-keeping client over either scheme ---------------------------------------------------------------

    private static Http.Response get(Http client, String path, Map<String, String> jar) {
        return keep(client.get(url(client, path), cookieHeader(jar)), jar);
    }

    private static Http.Response post(Http client, String path, Map<String, String> jar, String... fields) {
        return keep(client.send("POST", url(client, path), OAuthFlow.encode(fields),
                concat(cookieHeader(jar), "Content-Type", "application/x-www-form-urlencoded")), jar);
    }

    private static Http.Response form(Http client, String path, String... fields) {
        return client.send("POST", url(client, path), OAuthFlow.encode(fields), "Content-Type", "application/x-www-form-urlencoded");
    }

    private static String url(Http client, String path) {
        return (client == https ? httpsBase : server.url()) + path;
    }

    private static String[] cookieHeader(Map<String, String> jar) {
        if (jar.isEmpty()) {
            return new String[0];
        }
        return new String[]{"Cookie", String.join("; ", jar.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList())};
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static Http.Response keep(Http.Response r, Map<String, String> jar) {
        Browser.keepCookies(r.headers(), jar);
        return r;
    }

    private static SSLContext trusting(TestServer server) {
        try (InputStream pem = Files.newInputStream(server.wiring().certificate.orElseThrow())) {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("gatehouse", CertificateFactory.getInstance("X.509").generateCertificate(pem));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            return ssl;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
