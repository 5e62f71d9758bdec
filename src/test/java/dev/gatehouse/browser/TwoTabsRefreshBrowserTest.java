package dev.gatehouse.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
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

import java.util.List;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two tabs of the sample SPA (okta-auth-js 8), one signed-in user, one stored refresh token, both pressing
 * "Renew now" at the same moment: what refresh-token rotation's grace period ({@code refresh_token.leeway}) is for.
 * With leeway 0 the second use of the token is reuse: {@code invalid_grant}, the family is revoked and the user must
 * sign in again. With leeway 30 (the default) both renewals succeed and both tabs keep working.
 *
 * <p>How the race is made real and deterministic ({@link SpaTabs}). The tabs are two pages of one browser context, as
 * real tabs are: they share {@code localStorage} and okta-auth-js's cross-tab sync (its BroadcastChannel and leader
 * election), so the library behaves exactly as it would for a user. Left alone, that sync hides the race, since
 * whichever tab renews second usually reads the refresh token the first one already stored. So Playwright holds every
 * {@code POST /token} until both tabs have sent theirs, which proves both left with the same refresh token before
 * either answer arrived. Then the held requests go to Gatehouse one after the other: tab A's first, and tab B's only
 * once tab A has shown its renewed tokens. The requests are concurrent as far as the client can tell; only the order
 * in which Gatehouse sees them is fixed, so each run checks the same case. (The truly simultaneous case on the
 * server, one conditional UPDATE with exactly one winner, is covered by the refresh grant's own tests.)
 * Screenshots: {@code target/screenshots/two-tabs-*.png}.
 */
class TwoTabsRefreshBrowserTest {

    /** A renewal is a few round trips (and an iframe); on a loaded CI machine that can take longer than Playwright's 5 s. */
    private static final LocatorAssertions.ContainsTextOptions NETWORK = new LocatorAssertions.ContainsTextOptions().setTimeout(20_000);

    static TestServer server;
    static SampleSpaServer spa;

    @BeforeAll
    static void start() {
        spa = SampleSpaServer.start("localhost", "node_modules/@okta/okta-auth-js/umd/default.js");
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
    void withNoGracePeriodTheSecondTabsRefreshIsReuseAndRevokesTheFamily() {
        String clientId = app(0);
        long reuseBefore = OAuthFlow.events(server, "app.oauth2.as.token.detect_reuse", "FAILURE");
        try (BrowserContext context = Chromium.newContext()) {
            SpaTabs tabs = SpaTabs.open(context, server, spa, clientId);
            String firstAccess = tokenStorage(tabs.a()).at("/accessToken/accessToken").asText();

            List<Route> held = tabs.renewBothAtOnce(context);
            held.get(0).resume(); // tab A: a normal rotation
            assertThat(tabs.a().getByRole(AriaRole.STATUS)).containsText("Tokens renewed at", NETWORK);
            JsonNode renewedInA = tokenStorage(tabs.a());
            String accessOfA = renewedInA.at("/accessToken/accessToken").asText();
            String refreshOfA = renewedInA.at("/refreshToken/refreshToken").asText();
            assertThat(accessOfA).isNotEqualTo(firstAccess);

            held.get(1).resume(); // tab B: the same refresh token again, after its rotation: reuse
            assertThat(tabs.b().getByRole(AriaRole.ALERT)).containsText("Renewal failed", NETWORK);
            assertThat(tabs.b().getByRole(AriaRole.ALERT)).containsText("OAuthError (invalid_grant)");
            assertThat(tabs.b().getByRole(AriaRole.ALERT)).containsText("The refresh token is invalid or expired.");
            Chromium.screenshot(tabs.b(), "two-tabs-01-leeway-0-reuse-detected");

            // The whole family is revoked: tab A's fresh tokens too, not only the reused one.
            assertThat(SampleSpaServer.introspect(server, clientId, accessOfA).get("active").asBoolean()).isFalse();
            assertThat(SampleSpaServer.introspect(server, clientId, firstAccess).get("active").asBoolean()).isFalse();
            Http.Response refresh = refresh(clientId, refreshOfA);
            assertThat(refresh.status()).as(refresh.body()).isEqualTo(400);
            assertThat(refresh.json().get("error").asText()).isEqualTo("invalid_grant");
            assertThat(OAuthFlow.events(server, "app.oauth2.as.token.detect_reuse", "FAILURE")).isEqualTo(reuseBefore + 1);

            // Both tabs now ask the user to sign in again (okta-auth-js dropped the tokens it could not renew).
            for (Page tab : List.of(tabs.a(), tabs.b())) {
                tab.reload();
                assertThat(tab.locator("main")).containsText("You are signed out.");
                assertThat(tab.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in"))).isVisible();
            }
            Chromium.screenshot(tabs.a(), "two-tabs-02-leeway-0-sign-in-again");
        }
    }

    @Test
    void withTheDefaultGracePeriodBothTabsRenewAndKeepWorking() {
        String clientId = app(30);
        long reuseBefore = OAuthFlow.events(server, "app.oauth2.as.token.detect_reuse", "FAILURE");
        try (BrowserContext context = Chromium.newContext()) {
            SpaTabs tabs = SpaTabs.open(context, server, spa, clientId);

            List<Route> held = tabs.renewBothAtOnce(context);
            held.get(0).resume();
            assertThat(tabs.a().getByRole(AriaRole.STATUS)).containsText("Tokens renewed at", NETWORK);
            String accessOfA = tokenStorage(tabs.a()).at("/accessToken/accessToken").asText();
            held.get(1).resume(); // the same refresh token, within the grace period: not reuse
            assertThat(tabs.b().getByRole(AriaRole.STATUS)).containsText("Tokens renewed at", NETWORK);
            assertThat(tabs.b().getByRole(AriaRole.ALERT)).hasCount(0);
            String accessOfB = tokenStorage(tabs.b()).at("/accessToken/accessToken").asText();
            assertThat(accessOfB).isNotEqualTo(accessOfA);
            assertThat(SampleSpaServer.introspect(server, clientId, accessOfA).get("active").asBoolean()).isTrue();
            assertThat(SampleSpaServer.introspect(server, clientId, accessOfB).get("active").asBoolean()).isTrue();
            context.unrouteAll();

            // Both tabs keep renewing with whatever refresh token is stored now.
            for (Page tab : List.of(tabs.a(), tabs.b())) {
                String before = tokenStorage(tab).at("/refreshToken/refreshToken").asText();
                // The status line is already there from the first renewal: wait for the answer and the stored token instead.
                Response answer = tab.waitForResponse(r -> r.url().endsWith("/oauth2/default/v1/token") && "POST".equals(r.request().method()),
                        () -> tab.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Renew now")).click());
                assertThat(answer.status()).as(answer.text()).isEqualTo(200);
                tab.waitForFunction("before => JSON.parse(localStorage.getItem('okta-token-storage') || '{}').refreshToken?.refreshToken !== before",
                        before);
                assertThat(tab.getByRole(AriaRole.ALERT)).hasCount(0);
                JsonNode after = tokenStorage(tab);
                assertThat(after.at("/refreshToken/refreshToken").asText()).isNotBlank().isNotEqualTo(before);
                assertThat(SampleSpaServer.introspect(server, clientId, after.at("/accessToken/accessToken").asText())
                        .get("active").asBoolean()).isTrue();
            }
            assertThat(tabs.b().locator("#userinfo")).containsText(TestServer.ADMIN);
            Chromium.screenshot(tabs.b(), "two-tabs-03-leeway-30-both-renewed");
            assertThat(OAuthFlow.events(server, "app.oauth2.as.token.detect_reuse", "FAILURE")).isEqualTo(reuseBefore);
        }
    }

    private static Http.Response refresh(String clientId, String refreshToken) {
        return server.http().send("POST", "/oauth2/default/v1/token",
                OAuthFlow.encode("grant_type", "refresh_token", "refresh_token", refreshToken, "client_id", clientId),
                "Content-Type", "application/x-www-form-urlencoded", "Accept", "application/json");
    }

    private static String app(int leeway) {
        return SampleSpaServer.spaApp(server, "Two tabs SPA " + leeway, List.of(spa.origin + "/login/callback"), List.of(spa.origin), leeway);
    }

    private static JsonNode tokenStorage(Page page) {
        Object raw = page.evaluate("() => localStorage.getItem('okta-token-storage')");
        assertThat(raw).as("okta-token-storage").isNotNull();
        return Json.readTree((String) raw);
    }
}
