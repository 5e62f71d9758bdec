package dev.gatehouse.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Route;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import dev.gatehouse.http.Json;
import dev.gatehouse.support.Chromium;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.OAuthFlow;
import dev.gatehouse.support.SampleSpaServer;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static dev.gatehouse.browser.BrowserSteps.named;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sign-in doctor (issue #21) end to end, for three mistakes a single-page app makes: each failure is produced by the
 * sample SPA (okta-auth-js 8) in Chromium, then {@code GET /api/v1/apps/{appId}/problems} and the app's Troubleshoot tab
 * name the cause and the fix, the admin applies the fix with its button (and the confirmation console.js asks), and the
 * same SPA, unchanged, signs in or renews.
 * <ul>
 *   <li>A Sign-in redirect URI registered with a trailing slash the SPA does not send: Gatehouse's error page tells a
 *       visitor nothing about the registered URIs, and tells a browser signed in to the Admin Console as an admin what
 *       differs.</li>
 *   <li>The SPA's origin not trusted for CORS: okta-auth-js's first call (discovery, before any redirect) is blocked.</li>
 *   <li>Two tabs renewing with one refresh token under a grace period of 0 (as TwoTabsRefreshBrowserTest): reuse, fixed by
 *       the 30-second grace period the doctor proposes.</li>
 * </ul>
 * Screenshots: {@code target/screenshots/sign-in-doctor-*.png}.
 */
class SignInDoctorBrowserTest {

    /** A sign-in or a renewal is a few round trips; on a loaded CI machine that can take longer than Playwright's 5 s. */
    private static final LocatorAssertions.ContainsTextOptions NETWORK = new LocatorAssertions.ContainsTextOptions().setTimeout(20_000);
    private static final String OKTA_AUTH_JS = "node_modules/@okta/okta-auth-js/umd/default.js";

    static TestServer server;
    /** The sample SPA at http://localhost:port, a trusted origin (CORS and Redirect) as Okta's guide has it. */
    static SampleSpaServer spa;

    @BeforeAll
    static void start() {
        spa = SampleSpaServer.start("localhost", OKTA_AUTH_JS);
        server = TestServer.start(TestDatabase.H2);
        spa.trustIn(server);
    }

    @AfterAll
    static void stop() {
        if (spa != null) {
            spa.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aRedirectUriRegisteredWithATrailingSlashIsExplainedToTheAdminOnlyAndAddedInOneClick() {
        String sent = spa.origin + "/login/callback";   // the sample always sends window.location.origin + '/login/callback'
        String registered = sent + "/";
        SpaApp app = app("Doctor redirect SPA", spa, registered, 30);
        try (BrowserContext visitor = Chromium.newContext(); BrowserContext admin = Chromium.newContext()) {
            Page page = visitor.newPage();
            page.navigate(spa.origin + "/" + SpaTabs.config(server, app.clientId()));
            SpaTabs.pressSignIn(page);
            page.waitForURL(server.url() + "/oauth2/default/v1/authorize?**");
            assertThat(page.getByRole(AriaRole.HEADING, named("Sign-in request not accepted"))).isVisible();
            Locator body = page.locator("body");
            assertThat(body).containsText("Error code invalid_request");
            assertThat(body).containsText("An administrator of this org sees what differs, and can fix it, on the app's Troubleshoot tab");
            assertThat(body.textContent()).as("the page a visitor sees names no registered URI")
                    .doesNotContain(registered).doesNotContain("closest");
            String authorize = page.url();
            assertThat(authorize).contains("redirect_uri=" + OAuthFlow.enc(sent));

            JsonNode problem = onlyProblem(app, "REDIRECT_URI_NOT_REGISTERED");
            assertThat(problem.get("subject").asText()).isEqualTo(sent);
            assertThat(problem.get("count").asLong()).isEqualTo(1);
            assertThat(problem.at("/example/redirect_uri").asText()).isEqualTo(sent);
            assertThat(problem.at("/example/closest").asText()).isEqualTo(registered);
            assertThat(problem.at("/example/difference").asText()).isEqualTo("the trailing slash");
            assertThat(problem.at("/fix/action/type").asText()).isEqualTo("ADD_REDIRECT_URI");
            assertThat(problem.at("/fix/action/value").asText()).isEqualTo(sent);
            assertThat(problem.get("summary").asText()).contains(registered);

            // The same request from a browser signed in to the Admin Console as an admin: what differs, in full.
            Page console = signInToTheConsole(admin);
            console.navigate(authorize);
            assertThat(console.getByRole(AriaRole.HEADING, named("Sign-in request not accepted"))).isVisible();
            assertThat(console.locator("body")).containsText("The closest registered Sign-in redirect URI is " + registered
                    + "; the request's differs in the trailing slash.");
            Chromium.screenshot(console, "sign-in-doctor-00-redirect-uri-error-page-for-an-admin");

            Locator shown = troubleshootTab(console, app, "REDIRECT_URI_NOT_REGISTERED");
            assertThat(shown).containsText("2 times ·"); // the visitor's request and the admin's
            assertThat(shown.locator(".summary")).containsText("The closest registered one is “" + registered + "”");
            assertThat(shown.locator(".fix")).containsText("Fix: If the app is really at “" + sent + "”, add it as a Sign-in redirect URI");
            Chromium.screenshot(console, "sign-in-doctor-01-redirect-uri");
            assertThat(applyFix(console, shown, "Add this redirect URI"))
                    .startsWith("Add " + sent + " to Doctor redirect SPA's Sign-in redirect URIs? Anyone can send a sign-in request")
                    .contains("(the registered one is " + registered + ")");
            assertThat(console.getByRole(AriaRole.STATUS)).containsText("Added " + sent + " to the Sign-in redirect URIs. Try the sign-in again.");
            assertThat(console.locator("section.problem")).hasCount(0);
            assertThat(problems(app)).isEmpty();
            assertThat(redirectUris(app)).containsExactly(registered, sent);

            // The same SPA, unchanged, signs in now.
            SpaTabs.signIn(page, server, spa, app.clientId());
            assertThat(page.getByRole(AriaRole.ALERT)).hasCount(0);
            Chromium.screenshot(page, "sign-in-doctor-02-redirect-uri-fixed-spa-signed-in");
        }
    }

    @Test
    void anOriginThatIsNotTrustedForCorsIsCountedForItsAppAndTrustedInOneClick() {
        // Another origin of the same sample (127.0.0.1 rather than localhost), which nobody trusted.
        try (SampleSpaServer untrusted = SampleSpaServer.start("127.0.0.1", OKTA_AUTH_JS);
             BrowserContext visitor = Chromium.newContext(); BrowserContext admin = Chromium.newContext()) {
            SpaApp app = app("Doctor CORS SPA", untrusted, untrusted.origin + "/login/callback", 30);
            Page page = visitor.newPage();
            page.navigate(untrusted.origin + "/" + SpaTabs.config(server, app.clientId()));
            SpaTabs.pressSignIn(page);
            // okta-auth-js reads the discovery document (code_challenge_methods_supported) before it redirects: blocked.
            assertThat(page.getByRole(AriaRole.ALERT)).containsText("Sign-in could not start", NETWORK);
            assertThat(page).hasURL(untrusted.origin + "/");
            Chromium.screenshot(page, "sign-in-doctor-03-cors-spa-blocked");

            JsonNode problem = onlyProblem(app, "CORS_ORIGIN_NOT_TRUSTED");
            assertThat(problem.get("subject").asText()).isEqualTo(untrusted.origin);
            assertThat(problem.at("/example/origin").asText()).isEqualTo(untrusted.origin);
            assertThat(problem.at("/example/endpoint").asText()).contains("/.well-known/");
            assertThat(problem.at("/fix/action/type").asText()).isEqualTo("ADD_CORS_ORIGIN");
            assertThat(problem.at("/fix/action/value").asText()).isEqualTo(untrusted.origin);

            Page console = signInToTheConsole(admin);
            Locator shown = troubleshootTab(console, app, "CORS_ORIGIN_NOT_TRUSTED");
            assertThat(shown.locator(".summary")).containsText(untrusted.origin + " is not a trusted CORS origin");
            Chromium.screenshot(console, "sign-in-doctor-04-cors-origin");
            assertThat(applyFix(console, shown, "Trust " + untrusted.origin + " for CORS")).startsWith("Let JavaScript at " + untrusted.origin);
            assertThat(console.getByRole(AriaRole.STATUS)).containsText(untrusted.origin + " is now a trusted origin for CORS.");
            assertThat(console.locator("section.problem")).hasCount(0);
            assertThat(problems(app)).isEmpty();

            // Only CORS was missing: /authorize answers registered redirect URIs without a Redirect trusted origin.
            SpaTabs.signIn(page, server, untrusted, app.clientId());
            assertThat(page.getByRole(AriaRole.ALERT)).hasCount(0);
            assertThat(page.locator("#userinfo")).containsText(TestServer.ADMIN, NETWORK); // /userinfo, another CORS call
            Chromium.screenshot(page, "sign-in-doctor-05-cors-fixed-spa-signed-in");
        }
    }

    @Test
    void aRefreshTokenReusedByASecondTabGetsTheGracePeriodItNeededInOneClick() {
        SpaApp app = app("Doctor two-tabs SPA", spa, spa.origin + "/login/callback", 0);
        try (BrowserContext before = Chromium.newContext(); BrowserContext admin = Chromium.newContext()) {
            SpaTabs tabs = SpaTabs.open(before, server, spa, app.clientId());
            List<Route> held = tabs.renewBothAtOnce(before);
            held.get(0).resume();
            assertThat(tabs.a().getByRole(AriaRole.STATUS)).containsText("Tokens renewed at", NETWORK);
            held.get(1).resume(); // the same refresh token after its rotation, with no grace period: reuse
            assertThat(tabs.b().getByRole(AriaRole.ALERT)).containsText("Renewal failed", NETWORK);
            assertThat(tabs.b().getByRole(AriaRole.ALERT)).containsText("OAuthError (invalid_grant)");
            before.unrouteAll();

            JsonNode problem = onlyProblem(app, "REFRESH_TOKEN_REUSED");
            assertThat(problem.at("/example/gracePeriod").asInt()).isZero();
            assertThat(problem.at("/example/client_id").asText()).isEqualTo(app.clientId());
            assertThat(problem.at("/fix/action/type").asText()).isEqualTo("SET_GRACE_PERIOD");
            assertThat(problem.at("/fix/action/value").asText()).isEqualTo("30");

            Page console = signInToTheConsole(admin);
            Locator shown = troubleshootTab(console, app, "REFRESH_TOKEN_REUSED");
            assertThat(shown).containsText("1 time ·");
            assertThat(shown.locator(".summary")).containsText("outside the grace period of 0 s");
            Chromium.screenshot(console, "sign-in-doctor-06-refresh-token-reused");
            assertThat(applyFix(console, shown, "Set the grace period to 30 s"))
                    .isEqualTo("Set Doctor two-tabs SPA's refresh token grace period to 30 seconds?");
            assertThat(console.getByRole(AriaRole.STATUS)).containsText("The refresh token grace period is now 30 seconds.");
            assertThat(console.locator("section.problem")).hasCount(0);
            assertThat(problems(app)).isEmpty();
            assertThat(app(app.id()).at("/settings/oauthClient/refresh_token/leeway").asInt()).isEqualTo(30);
        }
        // The same two tabs again, after signing in again (the reuse revoked the sign-in): both renew now.
        try (BrowserContext after = Chromium.newContext()) {
            SpaTabs tabs = SpaTabs.open(after, server, spa, app.clientId());
            List<Route> held = tabs.renewBothAtOnce(after);
            held.get(0).resume();
            assertThat(tabs.a().getByRole(AriaRole.STATUS)).containsText("Tokens renewed at", NETWORK);
            String accessOfA = BrowserSteps.tokenStorage(tabs.a()).at("/accessToken/accessToken").asText();
            held.get(1).resume(); // the same refresh token, within the grace period: not reuse
            assertThat(tabs.b().getByRole(AriaRole.STATUS)).containsText("Tokens renewed at", NETWORK);
            assertThat(tabs.b().getByRole(AriaRole.ALERT)).hasCount(0);
            String accessOfB = BrowserSteps.tokenStorage(tabs.b()).at("/accessToken/accessToken").asText();
            assertThat(accessOfB).isNotEqualTo(accessOfA);
            assertThat(SampleSpaServer.introspect(server, app.clientId(), accessOfA).get("active").asBoolean()).isTrue();
            assertThat(SampleSpaServer.introspect(server, app.clientId(), accessOfB).get("active").asBoolean()).isTrue();
            Chromium.screenshot(tabs.b(), "sign-in-doctor-07-grace-period-both-tabs-renewed");
            assertThat(problems(app)).isEmpty();
        }
    }

    private record SpaApp(String id, String clientId) {
    }

    /** A Single-Page App integration of the sample at {@code where}, with one Sign-in redirect URI. */
    private static SpaApp app(String label, SampleSpaServer where, String redirectUri, int leeway) {
        JsonNode created = SampleSpaServer.spaAppJson(server, label, List.of(redirectUri), List.of(where.origin), leeway);
        return new SpaApp(created.get("id").asText(), created.at("/credentials/oauthClient/client_id").asText());
    }

    private static JsonNode app(String appId) {
        var r = server.http().get("/api/v1/apps/" + appId, Http.ssws(TestServer.API_TOKEN));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private static List<String> redirectUris(SpaApp app) {
        return StreamSupport.stream(app(app.id()).at("/settings/oauthClient/redirect_uris").spliterator(), false).map(JsonNode::asText).toList();
    }

    /**
     * {@code GET /api/v1/apps/{appId}/problems} with the API token. A Gatehouse extension with no Okta counterpart, so it
     * is called with a plain HttpClient: {@code support.Http} checks every {@code /api/v1} answer against Okta's
     * management API spec, which has no such path.
     */
    private static List<JsonNode> problems(SpaApp app) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/apps/" + app.id() + "/problems"))
                .header("Authorization", "SSWS " + TestServer.API_TOKEN).header("Accept", "application/json")
                .timeout(Duration.ofSeconds(20)).GET().build();
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            List<JsonNode> out = new ArrayList<>();
            Json.readTree(r.body()).forEach(out::add);
            return out;
        } catch (IOException e) {
            throw new AssertionError("GET problems failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The app's only problem, which must have this cause. */
    private static JsonNode onlyProblem(SpaApp app, String cause) {
        List<JsonNode> all = problems(app);
        assertThat(all).as("the app's problems").hasSize(1);
        JsonNode p = all.getFirst();
        assertThat(p.get("cause").asText()).as(p.toString()).isEqualTo(cause);
        assertThat(p.get("summary").asText()).isNotBlank();
        assertThat(p.at("/fix/description").asText()).isNotBlank();
        return p;
    }

    /** A fresh context signed in to the Admin Console as the first admin (on the hosted sign-in page). */
    private static Page signInToTheConsole(BrowserContext context) {
        Page page = context.newPage();
        page.navigate(server.url() + "/admin");
        BrowserSteps.signIn(page, TestServer.ADMIN, TestServer.ADMIN_PASSWORD);
        assertThat(page).hasURL(server.url() + "/admin");
        return page;
    }

    /** Opens the app's Troubleshoot tab and returns its one problem, which has this cause. */
    private static Locator troubleshootTab(Page console, SpaApp app, String cause) {
        console.navigate(server.url() + "/admin/apps/" + app.id() + "/troubleshoot");
        assertThat(console.getByRole(AriaRole.LINK, named("Troubleshoot"))).hasAttribute("aria-current", "page");
        assertThat(console.locator("section.problem")).hasCount(1);
        Locator problem = console.locator("section.problem[data-cause=" + cause + "]");
        assertThat(problem.getByRole(AriaRole.HEADING).locator("code")).hasText(cause);
        assertThat(problem.locator(".fix")).containsText("Fix:");
        return problem;
    }

    /** Clicks the problem's fix button, accepts console.js's confirmation and returns its question. */
    private static String applyFix(Page console, Locator problem, String label) {
        List<String> asked = new ArrayList<>();
        console.onceDialog(d -> {
            asked.add(d.message());
            d.accept();
        });
        problem.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName(label).setExact(true)).click();
        console.waitForURL(url -> url.contains("/troubleshoot?notice="));
        assertThat(asked).as("confirm() asked once").hasSize(1);
        return asked.getFirst();
    }
}
