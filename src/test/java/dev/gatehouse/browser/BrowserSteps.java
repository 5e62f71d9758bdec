package dev.gatehouse.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.OAuthFlow;
import dev.gatehouse.support.TestServer;

import java.io.IOException;
import java.io.UncheckedIOException;

import static org.assertj.core.api.Assertions.assertThat;

/** Steps the browser tests share: signing in at the hosted page, reading okta-auth-js's storage, introspecting a token. */
final class BrowserSteps {

    private static final ObjectMapper JSON = new ObjectMapper();

    private BrowserSteps() {
    }

    static Page.GetByRoleOptions named(String name) {
        return new Page.GetByRoleOptions().setName(name).setExact(true);
    }

    /** Fills Gatehouse's hosted sign-in page (already shown) and submits it. */
    static void signIn(Page page, String login, String password) {
        page.getByLabel("Username").fill(login);
        page.getByLabel("Password").fill(password);
        page.getByRole(AriaRole.BUTTON, named("Sign in")).click();
    }

    /** okta-auth-js's {@code okta-token-storage} in localStorage. */
    static JsonNode tokenStorage(Page page) {
        Object raw = page.evaluate("() => localStorage.getItem('okta-token-storage')");
        assertThat(raw).as("okta-token-storage").isNotNull();
        try {
            return JSON.readTree((String) raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code /introspect} at {@code default} as a public client (client_id in the form); {@code hint} access_token or refresh_token. */
    static JsonNode introspect(TestServer server, String clientId, String token, String hint) {
        Http.Response r = server.http().send("POST", "/oauth2/default/v1/introspect",
                OAuthFlow.encode("token", token, "token_type_hint", hint, "client_id", clientId),
                "Content-Type", "application/x-www-form-urlencoded", "Accept", "application/json");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }
}
