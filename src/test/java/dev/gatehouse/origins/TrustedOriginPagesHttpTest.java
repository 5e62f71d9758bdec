package dev.gatehouse.origins;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.support.Browser;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.Sql;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Security › API › Trusted Origins and the Add Application wizard's Base URIs, over HTTP: each change
 * lands in the same store the API reads, and bad input is shown inline and changes nothing.
 */
class TrustedOriginPagesHttpTest {

    static final String LIST = "/admin/api/trusted-origins";

    static TestServer server;
    static OriginsClient api;

    @BeforeAll
    static void start() {
        server = TestServer.start(TestDatabase.H2);
        api = new OriginsClient(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Browser admin() {
        Browser b = server.browser();
        b.signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD, "/admin");
        return b;
    }

    @Test
    void anAdminAddsEditsDeactivatesAndDeletesAnOrigin() {
        Browser b = admin();
        Http.Response form = b.get(LIST + "/new");
        assertThat(form.status()).isEqualTo(200);
        assertThat(form.body()).contains("Grant only origins you control and trust");
        Http.Response added = b.post(LIST, "csrf", Browser.csrf(form), "name", "Console SPA", "origin", "HTTPS://Console.Example.com:443",
                "scope", "CORS", "scope", "REDIRECT");
        assertThat(added.status()).isEqualTo(303);
        String path = added.header("Location").replaceAll("\\?.*", "");
        String id = path.substring(path.lastIndexOf('/') + 1);
        assertThat(id).startsWith("tos");
        Http.Response list = b.get(LIST);
        assertThat(list.body()).contains("Console SPA").contains("https://console.example.com").contains("CORS, Redirect");

        Http.Response page = b.get(path);
        Http.Response saved = b.post(path, "csrf", Browser.csrf(page), "name", "Console SPA renamed", "origin", "https://console.example.com",
                "scope", "CORS");
        assertThat(saved.header("Location")).isEqualTo(path + "?notice=saved");
        JsonNode o = api.send("GET", OriginsClient.PATH + "/" + id, null).json();
        assertThat(o.get("name").asText()).isEqualTo("Console SPA renamed");
        assertThat(o.get("scopes").toString()).isEqualTo("[{\"type\":\"CORS\"}]");

        b.post(path + "/deactivate", "csrf", Browser.csrf(page));
        assertThat(api.send("GET", OriginsClient.PATH + "/" + id, null).json().get("status").asText()).isEqualTo("INACTIVE");
        assertThat(b.get(path).body()).contains(">Activate<");
        b.post(path + "/activate", "csrf", Browser.csrf(page));
        assertThat(api.send("GET", OriginsClient.PATH + "/" + id, null).json().get("status").asText()).isEqualTo("ACTIVE");

        long deletes = api.events("trusted_origin.delete");
        Http.Response deleted = b.post(path + "/delete", "csrf", Browser.csrf(page));
        assertThat(deleted.header("Location")).isEqualTo(LIST + "?notice=deleted");
        assertThat(api.send("GET", OriginsClient.PATH + "/" + id, null).status()).isEqualTo(404);
        assertThat(api.events("trusted_origin.delete")).isEqualTo(deletes + 1);
    }

    @Test
    void aBadOriginIsShownInlineAndAddsNothing() {
        Browser b = admin();
        Http.Response form = b.get(LIST + "/new");
        long before = origins();
        Http.Response r = b.post(LIST, "csrf", Browser.csrf(form), "name", "Bad", "origin", "https://bad.example.com/app", "scope", "CORS");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).contains("origin: Origin value is not valid").contains("value=\"https://bad.example.com/app\"");
        assertThat(origins()).isEqualTo(before);
    }

    @Test
    void theWizardSuggestsTheRedirectUrisOriginAsBaseUri() {
        Http.Response form = admin().get("/admin/apps/new/settings?method=oidc&type=browser");
        assertThat(form.body()).contains("Trusted Origins").contains("name=\"base_uri\" value=\"http://localhost:8080\"");
    }

    @Test
    void theWizardCreatesACorsAndRedirectOriginForEachNewBaseUriAndSaysSo() {
        Browser b = admin();
        String fresh = "https://wizard-" + System.nanoTime() + ".example.com";
        api.create("https://already-trusted.example.com", "CORS");
        Http.Response form = b.get("/admin/apps/new/settings?method=oidc&type=browser");
        Http.Response saved = b.post("/admin/apps", "csrf", Browser.csrf(form), "type", "browser", "label", "Wizard SPA",
                "grant", "authorization_code", "redirect_uri", fresh + "/login/callback", "post_logout_redirect_uri", fresh,
                "base_uri", fresh + "/", "base_uri", "https://already-trusted.example.com", "base_uri", "", "assignment", "everyone");
        assertThat(saved.status()).as(saved.body()).isEqualTo(303);
        Http.Response app = b.get(saved.header("Location"));
        assertThat(app.body()).contains("App integration created.")
                .contains("Trusted origins created (CORS and Redirect): " + fresh + ".")
                .contains("Already trusted origins, left as they were: https://already-trusted.example.com.");
        JsonNode created = api.send("GET", OriginsClient.PATH + "?filter=" + enc("origin eq \"" + fresh + "\""), null).json().get(0);
        assertThat(created.get("scopes").toString()).isEqualTo("[{\"type\":\"CORS\"},{\"type\":\"REDIRECT\"}]");
        assertThat(created.get("status").asText()).isEqualTo("ACTIVE");
        assertThat(created.get("name").asText()).isEqualTo(fresh);
        JsonNode kept = api.send("GET", OriginsClient.PATH + "?filter=" + enc("origin eq \"https://already-trusted.example.com\""), null)
                .json().get(0);
        assertThat(kept.get("scopes").toString()).as("left as it was").isEqualTo("[{\"type\":\"CORS\"}]");
    }

    @Test
    void aBadBaseUriIsShownInlineAndCreatesNeitherTheAppNorAnyOrigin() {
        Browser b = admin();
        Http.Response form = b.get("/admin/apps/new/settings?method=oidc&type=browser");
        long apps = Sql.count(server.wiring().db, "SELECT COUNT(*) FROM apps");
        long before = origins();
        Http.Response r = b.post("/admin/apps", "csrf", Browser.csrf(form), "type", "browser", "label", "Bad base",
                "grant", "authorization_code", "redirect_uri", "http://localhost:8080/login/callback",
                "base_uri", "https://good-" + System.nanoTime() + ".example.com", "base_uri", "localhost:8080/app", "assignment", "everyone");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).contains("base_uris: 'localhost:8080/app': Origin value is not valid")
                .contains("value=\"localhost:8080/app\"");
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM apps")).isEqualTo(apps);
        assertThat(origins()).isEqualTo(before);
    }

    @Test
    void aWebAppWithASecretAlsoListsItsNewOrigins() {
        Browser b = admin();
        String fresh = "https://web-" + System.nanoTime() + ".example.com";
        Http.Response form = b.get("/admin/apps/new/settings?method=oidc&type=web");
        Http.Response r = b.post("/admin/apps", "csrf", Browser.csrf(form), "type", "web", "label", "Wizard Web",
                "grant", "authorization_code", "redirect_uri", fresh + "/callback", "base_uri", fresh, "assignment", "everyone");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).contains("Client secret").contains("Trusted origins created (CORS and Redirect): " + fresh + ".");
    }

    private static long origins() {
        return Sql.count(server.wiring().db, "SELECT COUNT(*) FROM trusted_origins");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
