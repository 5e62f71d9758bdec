package dev.gatehouse.browser;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Route;
import com.microsoft.playwright.options.AriaRole;
import dev.gatehouse.support.OAuthFlow;
import dev.gatehouse.support.SampleSpaServer;
import dev.gatehouse.support.TestServer;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample SPA (okta-auth-js 8) as the browser tests drive it: signing in from its home page, and two tabs of one
 * browser context renewing with one refresh token at the same moment (TwoTabsRefreshBrowserTest,
 * SignInDoctorBrowserTest).
 *
 * <p>{@link #renewBothAtOnce} holds every {@code POST /token} until both tabs have sent theirs, which proves both left
 * with the same refresh token before either answer arrived (okta-auth-js's cross-tab sync would otherwise hide the
 * race); the caller then lets the held requests go to Gatehouse one after the other (TwoTabsRefreshBrowserTest says why).
 */
record SpaTabs(Page a, Page b) {

    /** The sample's configuration for one tab: the query string it reads and remembers in sessionStorage. */
    static String config(TestServer server, String clientId) {
        return "?issuer=" + OAuthFlow.enc(server.url() + "/oauth2/default") + "&clientId=" + OAuthFlow.enc(clientId);
    }

    /** Presses the SPA's (or the hosted page's) "Sign in" button. */
    static void pressSignIn(Page page) {
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
    }

    /**
     * Opens the SPA's home page in {@code page}, signs in as the first admin on Gatehouse's hosted page (the browser has
     * no Gatehouse session yet) and waits for the profile.
     */
    static void signIn(Page page, TestServer server, SampleSpaServer spa, String clientId) {
        page.navigate(spa.origin + "/" + config(server, clientId));
        pressSignIn(page);
        page.getByLabel("Username").fill(TestServer.ADMIN);
        page.getByLabel("Password").fill(TestServer.ADMIN_PASSWORD);
        pressSignIn(page);
        page.waitForURL(spa.origin + "/profile", new Page.WaitForURLOptions().setTimeout(20_000));
        assertThat(page.locator("#claims")).containsText(TestServer.ADMIN);
    }

    /** Tab A signs in; tab B opens the profile in the same browser and finds the same tokens. */
    static SpaTabs open(BrowserContext context, TestServer server, SampleSpaServer spa, String clientId) {
        Page a = context.newPage();
        signIn(a, server, spa, clientId);
        assertThat(a.locator("#tokens")).containsText("offline_access");

        Page b = context.newPage(); // sessionStorage is per tab: the configuration comes along in the query string
        b.navigate(spa.origin + "/profile" + config(server, clientId));
        assertThat(b.locator("#claims")).containsText(TestServer.ADMIN);
        assertThat(BrowserSteps.tokenStorage(b).at("/refreshToken/refreshToken").asText())
                .isEqualTo(BrowserSteps.tokenStorage(a).at("/refreshToken/refreshToken").asText());
        return new SpaTabs(a, b);
    }

    /**
     * Presses "Renew now" in both tabs while every {@code POST /token} of {@code context} is held, and returns the two
     * held requests, tab A's first, once both have been sent with the same refresh token.
     */
    List<Route> renewBothAtOnce(BrowserContext context) {
        String stored = BrowserSteps.tokenStorage(a).at("/refreshToken/refreshToken").asText();
        List<Route> held = new CopyOnWriteArrayList<>();
        context.route("**/oauth2/default/v1/token", route -> {
            if ("POST".equals(route.request().method())) {
                held.add(route);
            } else {
                route.resume();
            }
        });
        a.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Renew now")).click();
        b.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Renew now")).click();
        a.waitForCondition(() -> held.size() == 2, new Page.WaitForConditionOptions().setTimeout(15_000));
        for (Route r : held) {
            assertThat(OAuthFlow.query(r.request().postData())).containsEntry("grant_type", "refresh_token")
                    .containsEntry("refresh_token", stored);
        }
        Route first = held.stream().filter(r -> r.request().frame().page() == a).findFirst().orElseThrow();
        Route second = held.stream().filter(r -> r.request().frame().page() == b).findFirst().orElseThrow();
        return List.of(first, second);
    }
}
