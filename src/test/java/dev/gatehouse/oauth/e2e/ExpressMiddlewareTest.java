package dev.gatehouse.oauth.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.authn.AuthnClient;
import dev.gatehouse.support.ApiClient;
import dev.gatehouse.support.Browser;
import dev.gatehouse.support.Http;
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

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.gatehouse.support.ApiClient.ok;
import static dev.gatehouse.support.OAuthFlow.query;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Okta's Express middleware, {@code @okta/oidc-middleware} 5.5.1 from npm, in its custom login page mode
 * ({@code routes.login.viewHandler}; docs/okta/authn.md §8), signing a user in to a real Node app
 * ({@code src/test/node/express-custom-login}, whose packages {@code ./gatehouse test} installs with {@code npm ci}):
 * the app's own page carries the middleware's CSRF token, the user agent gets a sessionToken from
 * {@code POST /api/v1/authn}, form-posts it to the app's {@code /login}, follows the middleware's redirect to
 * {@code /authorize?…&sessionToken=…} and Gatehouse's back to the app's callback, where the middleware exchanges the
 * code with the client secret and reads {@code /userinfo}.
 *
 * <p>Gatehouse runs on HTTPS ({@link TrustedHttps}): the middleware refuses an {@code http://} issuer unless told
 * {@code testing.disableHttpsCheck} ("Your Okta URL must start with https"), so the test uses the configuration a
 * real deployment has, and Node trusts Gatehouse's generated certificate through {@code NODE_EXTRA_CA_CERTS}.
 * The user agent is two cookie-keeping clients, one per origin (the app on {@code http://localhost:<port>},
 * Gatehouse on {@code https://localhost:<port>}), that follow every redirect by hand.
 */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class ExpressMiddlewareTest {

    static final Path APP_DIR = Path.of("src", "test", "node", "express-custom-login");
    static final String CALLBACK = "/authorization-code/callback";

    @Parameter
    TestDatabase database;

    static TrustedHttps https;
    static String issuer;
    static ExpressApp app;
    static String clientId;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        https = TrustedHttps.start(database);
        issuer = https.origin + "/oauth2/default";
        int appPort = TestServer.freePort();
        String appOrigin = "http://localhost:" + appPort;
        // A Web app as Okta's Express guide makes it: client secret, the middleware's callback, assigned to everyone.
        JsonNode created = ok(ApiClient.of(https.server).post("/api/v1/apps", """
                {"name":"oidc_client","label":"Express custom login %d","signOnMode":"OPENID_CONNECT",
                 "credentials":{"oauthClient":{"token_endpoint_auth_method":"client_secret_basic"}},
                 "settings":{"implicitAssignment":true,"oauthClient":{"application_type":"web",
                   "redirect_uris":["%s"],"post_logout_redirect_uris":["%s/"],
                   "response_types":["code"],"grant_types":["authorization_code"],"consent_method":"TRUSTED"}}}"""
                .formatted(System.nanoTime(), appOrigin + CALLBACK, appOrigin)));
        JsonNode credentials = created.at("/credentials/oauthClient");
        clientId = credentials.get("client_id").asText();
        app = ExpressApp.start(appPort, appOrigin, issuer, clientId, credentials.get("client_secret").asText(),
                https.server.wiring().certificate.orElseThrow());
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        if (app != null) {
            app.close();
        }
        https.close();
    }

    /** One person's browser: a cookie jar for the app and one for Gatehouse. */
    final class UserAgent {
        final Browser atApp = new Browser(app.origin);
        final Browser atGatehouse = new Browser(https.origin, https.sslContext());

        /** A GET to either origin, with the cookies of that origin. */
        Http.Response get(String url) {
            return (url.startsWith(app.origin) ? atApp : atGatehouse).get(url);
        }

        /** Follows redirects (at most 10) from {@code r}; every hop must stay on the app or on Gatehouse. */
        Http.Response follow(Http.Response r, List<String> hops) {
            for (int i = 0; i < 10 && (r.status() == 302 || r.status() == 303); i++) {
                String next = URI.create(hops.isEmpty() ? app.origin + "/" : hops.getLast()).resolve(r.header("Location")).toString();
                assertThat(next).as("hop %d", i).matches(u -> u.startsWith(app.origin + "/") || u.startsWith(https.origin + "/"));
                hops.add(next);
                r = get(next);
            }
            return r;
        }
    }

    /** {@code POST /api/v1/authn} as the app's page sends it, to the org (the issuer's origin); the sessionToken. */
    String sessionToken(String login) {
        Http authn = new Http(https.origin, HttpClient.newBuilder().sslContext(https.sslContext()).connectTimeout(Duration.ofSeconds(5)).build());
        Http.Response r = authn.send("POST", "/api/v1/authn",
                "{\"username\":" + AuthnClient.str(login) + ",\"password\":" + AuthnClient.str(AuthnClient.PASSWORD) + "}",
                "Content-Type", "application/json", "Accept", "application/json");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("status").asText()).isEqualTo("SUCCESS");
        return r.json().get("sessionToken").asText();
    }

    /** GET /login (the custom page, its CSRF token), then the page's form POST with {@code sessionToken}; the 302. */
    static Http.Response postSessionToken(UserAgent ua, String sessionToken) {
        Http.Response page = ua.atApp.get("/login");
        assertThat(page.status()).as(page.body()).isEqualTo(200);
        assertThat(page.header("Content-Type")).startsWith("text/html");
        Matcher csrf = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(page.body());
        assertThat(csrf.find()).as(page.body()).isTrue();
        assertThat(ua.atApp.cookies).as("the app's session cookie, where the middleware keeps the CSRF token").containsKey("connect.sid");
        return ua.atApp.post("/login", "_csrf", csrf.group(1), "sessionToken", sessionToken);
    }

    static Http.Response profile(UserAgent ua) {
        return ua.atApp.send("GET", "/profile", "Accept", "application/json");
    }

    @Test
    void theCustomLoginPageSignsTheUserInWithASessionToken() {
        String login = "express-" + System.nanoTime() + "@example.com";
        String userId = People.create(https.server.http(), login, AuthnClient.PASSWORD);
        UserAgent ua = new UserAgent();
        assertThat(profile(ua).status()).as("not signed in yet").isEqualTo(401);

        Http.Response toAuthorize = postSessionToken(ua, sessionToken(login));
        assertThat(toAuthorize.status()).as(toAuthorize.body()).isEqualTo(302);
        URI authorize = URI.create(toAuthorize.header("Location"));
        assertThat(authorize.getScheme() + "://" + authorize.getAuthority() + authorize.getPath()).isEqualTo(issuer + "/v1/authorize");
        Map<String, String> q = query(authorize.getRawQuery());
        assertThat(q).containsEntry("client_id", clientId).containsEntry("response_type", "code")
                .containsEntry("redirect_uri", app.origin + CALLBACK).containsKeys("state", "nonce", "sessionToken");

        List<String> hops = new ArrayList<>(List.of(authorize.toString()));
        Http.Response atGatehouse = ua.get(authorize.toString());
        assertThat(atGatehouse.status()).as(atGatehouse.body()).isEqualTo(302);
        URI callback = URI.create(atGatehouse.header("Location"));
        assertThat(callback.toString()).startsWith(app.origin + CALLBACK + "?");
        assertThat(query(callback.getRawQuery())).containsKey("code").containsEntry("state", q.get("state"));

        hops.add(callback.toString());
        Http.Response afterCallback = ua.get(callback.toString());
        assertThat(afterCallback.status()).as("the middleware's callback (app log:\n%s)", app.output()).isEqualTo(302);
        assertThat(afterCallback.header("Location")).isEqualTo("/");
        Http.Response home = ua.follow(afterCallback, hops);
        assertThat(home.status()).isEqualTo(200);
        assertThat(home.body()).contains("Signed in as <span id=\"sub\">" + userId + "</span>");

        Http.Response me = profile(ua);
        assertThat(me.status()).as(me.body()).isEqualTo(200);
        assertThat(me.json().get("sub").asText()).isEqualTo(userId);
        assertThat(me.json().get("email").asText()).isEqualTo(login);
        assertThat(me.json().at("/idTokenClaims/iss").asText()).isEqualTo(issuer);
        assertThat(me.json().at("/idTokenClaims/aud").asText()).isEqualTo(clientId);
        assertThat(me.json().at("/idTokenClaims/nonce").asText()).isEqualTo(q.get("nonce"));
        // The sessionToken also signed the browser in at Gatehouse, as on Okta: its session cookie came with the code.
        assertThat(ua.atGatehouse.cookies).isNotEmpty();
    }

    @Test
    void aUsedSessionTokenDoesNotSignTheUserIn() {
        String login = "express-used-" + System.nanoTime() + "@example.com";
        People.create(https.server.http(), login, AuthnClient.PASSWORD);
        String token = sessionToken(login);
        UserAgent first = new UserAgent();
        Http.Response firstHome = first.follow(postSessionToken(first, token), new ArrayList<>());
        assertThat(firstHome.status()).isEqualTo(200);
        assertThat(profile(first).status()).isEqualTo(200);

        // Another browser replays the same token: Gatehouse has no session for it and asks for a sign-in on its own page.
        UserAgent second = new UserAgent();
        Http.Response toAuthorize = postSessionToken(second, token);
        assertThat(toAuthorize.status()).isEqualTo(302);
        Http.Response atGatehouse = second.get(toAuthorize.header("Location"));
        assertThat(atGatehouse.status()).as(atGatehouse.body()).isIn(302, 303);
        URI signIn = URI.create(https.origin + "/").resolve(atGatehouse.header("Location"));
        assertThat(signIn.toString()).as("no code for the app").startsWith(https.origin + "/signin?");
        assertThat(query(signIn.getRawQuery())).doesNotContainKey("code").containsKey("fromURI");
        Http.Response page = second.get(signIn.toString());
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("name=\"password\"");
        assertThat(profile(second).status()).as("the app did not sign the second browser in").isEqualTo(401);

        // Signing in on that page instead finishes the app's sign-in: the middleware's state waited in its session.
        String fromUri = query(signIn.getRawQuery()).get("fromURI");
        List<String> hops = new ArrayList<>(List.of(signIn.toString()));
        Http.Response home = second.follow(second.atGatehouse.signIn(login, AuthnClient.PASSWORD, fromUri), hops);
        assertThat(home.status()).as("hops %s", hops).isEqualTo(200);
        assertThat(hops).anyMatch(h -> h.startsWith(app.origin + CALLBACK + "?code="));
        assertThat(profile(second).status()).isEqualTo(200);
    }

    @Test
    void aLoginPostWithoutTheCsrfTokenIsRefused() {
        String login = "express-csrf-" + System.nanoTime() + "@example.com";
        People.create(https.server.http(), login, AuthnClient.PASSWORD);
        UserAgent ua = new UserAgent();
        assertThat(ua.atApp.get("/login").status()).isEqualTo(200);
        Http.Response r = ua.atApp.post("/login", "sessionToken", sessionToken(login));
        assertThat(r.status()).as("csrf-sync refuses, and no redirect to Gatehouse").isEqualTo(403);
        assertThat(profile(ua).status()).isEqualTo(401);
    }

    /** {@code node app.js} of src/test/node/express-custom-login, on a free port, trusting Gatehouse's certificate. */
    static final class ExpressApp implements AutoCloseable {
        final String origin;
        private final Process process;
        private final List<String> output = new ArrayList<>();

        private ExpressApp(String origin, Process process) {
            this.origin = origin;
            this.process = process;
            Thread.ofVirtual().start(() -> {
                try (var lines = process.inputReader().lines()) {
                    lines.forEach(line -> {
                        synchronized (output) {
                            output.add(line);
                        }
                    });
                }
            });
        }

        static ExpressApp start(int port, String origin, String issuer, String clientId, String clientSecret, Path certificatePem) {
            Path middleware = APP_DIR.resolve("node_modules/@okta/oidc-middleware/package.json");
            if (!Files.isRegularFile(middleware)) {
                throw new IllegalStateException("The Express test app needs its npm packages: run 'npm ci' in " + APP_DIR.toAbsolutePath()
                        + " (./gatehouse test does it). Missing: " + middleware);
            }
            ProcessBuilder pb = new ProcessBuilder("node", APP_DIR.resolve("app.js").toString(),
                    "--port=" + port, "--app-base-url=" + origin, "--issuer=" + issuer, "--client-id=" + clientId)
                    .redirectErrorStream(true);
            pb.environment().put("CLIENT_SECRET", clientSecret);   // not on the command line, as a deployment would keep it
            pb.environment().put("NODE_EXTRA_CA_CERTS", certificatePem.toAbsolutePath().toString());
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                throw new IllegalStateException("The Express middleware test needs Node.js 18+ ('node' on the PATH)", e);
            }
            ExpressApp a = new ExpressApp(origin, p);
            a.awaitReady();
            return a;
        }

        private void awaitReady() {
            Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
            while (Instant.now().isBefore(deadline)) {
                if (output().contains("express-custom-login ready on ")) {
                    return;
                }
                if (!process.isAlive()) {
                    throw new IllegalStateException("node app.js exited (" + process.exitValue() + "):\n" + output());
                }
                try {
                    Thread.sleep(50); // waiting for a child process to print its ready line
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            close();
            throw new IllegalStateException("node app.js was not ready within 30 s:\n" + output());
        }

        String output() {
            synchronized (output) {
                return String.join("\n", output);
            }
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
