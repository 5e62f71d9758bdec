package dev.gatehouse.oauth.servers;

import dev.gatehouse.support.Browser;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.Sql;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Security › API › Authorization Servers in the Admin Console, on H2 and PostgreSQL. */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class AuthorizationServerPagesTest {

    private static final String LIST = "/admin/api/authorization-servers";

    @Parameter
    TestDatabase database;

    static TestServer server;
    static String base;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        server = TestServer.start(database);
        base = server.wiring().config.baseUrl();
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    private static Browser admin() {
        Browser b = server.browser();
        assertThat(b.signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD, "/admin").status()).isEqualTo(303);
        return b;
    }

    @Test
    void theListShowsTheOrgServerAndDefaultWithIssuerAudienceAndMetadata() {
        Http.Response r = admin().get(LIST);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body())
                .contains("Org authorization server")
                .contains("<code>" + base + "</code>")
                .contains(base + "/.well-known/openid-configuration")
                .contains("<code>api://default</code>")
                .contains("<code>" + base + "/oauth2/default</code>")
                .contains(base + "/oauth2/default/.well-known/oauth-authorization-server")
                .contains("Add authorization server");
        assertThat(r.body()).doesNotContain("not available in this version");
    }

    @Test
    void anAddedScopeShowsOnThePageAndInTheApi() {
        Browser b = admin();
        Http.Response page = b.get(LIST + "/default");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("Add scope").contains("Rotate keys").contains("offline_access")
                .contains(server.wiring().signingKeys.activeSigner("default").kid());
        String name = "invoices:read:" + database.name().toLowerCase();
        Http.Response posted = b.post(LIST + "/default/scopes", "csrf", Browser.csrf(page), "name", name, "description", "Read invoices",
                "metadataPublish", "on");
        assertThat(posted.status()).as(posted.body()).isEqualTo(303);
        assertThat(posted.header("Location")).isEqualTo(LIST + "/default?notice=scope-added");
        assertThat(b.get(posted.header("Location")).body()).contains("Scope added.").contains(name).contains("Read invoices");
        assertThat(server.wiring().authorizationServers.find("default").map(s -> server.wiring().authorizationServers.issuer(s))).isPresent();
        assertThat(server.http().get("/oauth2/default/.well-known/openid-configuration").body()).contains(name);
    }

    @Test
    void anInvalidScopeIsShownInlineAndAddsNothing() {
        Browser b = admin();
        long before = Sql.count(server.wiring().db, "SELECT COUNT(*) FROM authorization_server_scopes");
        Http.Response r = b.post(LIST + "/default/scopes", "csrf", Browser.csrf(b.get(LIST + "/default")), "name", "has space", "description", "");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).contains("Nothing was changed").contains("name: A scope name may contain only printable ASCII characters")
                .contains("value=\"has space\"");
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM authorization_server_scopes")).isEqualTo(before);
    }

    @Test
    void rotateKeysMakesThePublishedNextKeySign() {
        Browser b = admin();
        Http.Response page = b.get(LIST + "/org");
        assertThat(page.body()).contains("The org authorization server has only the built-in OpenID Connect scopes").doesNotContain("Add scope");
        String before = server.wiring().signingKeys.activeSigner("org").kid();
        String next = server.wiring().signingKeys.keys("org").get(1).kid();
        Http.Response r = b.post(LIST + "/org/keys/rotate", "csrf", Browser.csrf(page));
        assertThat(r.status()).isEqualTo(303);
        assertThat(server.wiring().signingKeys.activeSigner("org").kid()).isEqualTo(next).isNotEqualTo(before);
        assertThat(b.get(r.header("Location")).body()).contains("Keys rotated").contains(before).contains("EXPIRED");
    }

    @Test
    void anAddedServerGetsItsOwnPageAndBadInputIsShownInline() {
        Browser b = admin();
        Http.Response list = b.get(LIST);
        long before = Sql.count(server.wiring().db, "SELECT COUNT(*) FROM authorization_servers");
        Http.Response bad = b.post(LIST, "csrf", Browser.csrf(list), "name", "No audience", "audience", "", "description", "");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("audiences: An audience is required").contains("value=\"No audience\"");
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM authorization_servers")).isEqualTo(before);

        String name = "Payments " + database;
        Http.Response created = b.post(LIST, "csrf", Browser.csrf(list), "name", name, "audience", "api://payments", "description", "Payments API");
        assertThat(created.status()).as(created.body()).isEqualTo(303);
        String location = created.header("Location");
        assertThat(location).matches(LIST + "/aus[A-Za-z0-9]{17}\\?notice=created");
        String id = location.substring(LIST.length() + 1, location.indexOf('?'));
        assertThat(b.get(location).body()).contains("Authorization server created.").contains(name)
                .contains("<code>" + base + "/oauth2/" + id + "</code>").contains("60 minutes").contains("Set by the matching");

        Http.Response deactivated = b.post(LIST + "/" + id + "/lifecycle/deactivate", "csrf", Browser.csrf(list));
        assertThat(deactivated.status()).isEqualTo(303);
        Http.Response deleted = b.post(LIST + "/" + id + "/delete", "csrf", Browser.csrf(list));
        assertThat(deleted.status()).isEqualTo(303);
        assertThat(server.wiring().authorizationServers.find(id)).isEmpty();
    }

    @Test
    void anUnknownServerIsAPageNotFound() {
        assertThat(admin().get(LIST + "/ausNoSuchServer000001").status()).isEqualTo(404);
    }

    /**
     * The Access Policies tab (issue 17) over plain HTTP: a form without the CSRF token is refused and writes nothing, a bad
     * rule is answered on the page with the API's causes and writes nothing, a good one is saved; the org AS has no tab.
     */
    @Test
    void theAccessPoliciesTabUsesTheConsolesCsrfAndTheApisValidation() {
        Browser b = admin();
        String tab = LIST + "/default/policies";
        Http.Response page = b.get(tab);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("Default Policy").contains("Default Policy Rule").contains("Access 60 minutes");
        String rows = Sql.count(server.wiring().db, "SELECT COUNT(*) FROM as_policies") + "/"
                + Sql.count(server.wiring().db, "SELECT COUNT(*) FROM as_policy_rules");
        Http.Response forged = b.post(tab, "name", "Forged", "description", "no token", "clients", "all");
        assertThat(forged.status()).isEqualTo(403);
        Http.Response bad = b.post(tab, "csrf", Browser.csrf(page), "name", "Console " + database, "description", "d", "clients", "some",
                "clientIds", "0oaNoSuchClient000001");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("Invalid client id: 0oaNoSuchClient000001").contains("value=\"Console " + database + "\"");
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM as_policies") + "/"
                + Sql.count(server.wiring().db, "SELECT COUNT(*) FROM as_policy_rules")).isEqualTo(rows);
        Http.Response created = b.post(tab, "csrf", Browser.csrf(page), "name", "Console " + database, "description", "d", "clients", "all");
        assertThat(created.status()).as(created.body()).isEqualTo(303);
        String policyId = Sql.count(server.wiring().db, "SELECT COUNT(*) FROM as_policies WHERE name = 'Console " + database + "'") == 1
                ? server.wiring().db.read(h -> h.createQuery("SELECT id FROM as_policies WHERE name = :n").bind("n", "Console " + database)
                        .mapTo(String.class).one()) : null;
        Http.Response badRule = b.post(tab + "/" + policyId + "/rules", "csrf", Browser.csrf(page), "name", "r", "grantTypes", "authorization_code",
                "people", "everyone", "scopeMode", "any", "accessMinutes", "5", "refreshMinutes", "0", "windowMinutes", "9");
        assertThat(badRule.status()).isEqualTo(400);
        assertThat(badRule.body()).contains("Refresh token window must be between 10 and 2628000 minutes.");
        Http.Response rule = b.post(tab + "/" + policyId + "/rules", "csrf", Browser.csrf(page), "name", "r", "grantTypes", "authorization_code",
                "people", "everyone", "scopeMode", "any", "accessMinutes", "5", "refreshMinutes", "0", "windowMinutes", "10");
        assertThat(rule.status()).as(rule.body()).isEqualTo(303);
        assertThat(b.post(tab + "/" + policyId + "/down", "csrf", Browser.csrf(page)).status()).isEqualTo(303);
        assertThat(b.post(tab + "/" + policyId + "/delete", "csrf", Browser.csrf(page)).status()).isEqualTo(303);
        Http.Response system = b.post(tab + "/00p0Gatehouse0AsDflt/delete", "csrf", Browser.csrf(page));
        assertThat(system.status()).isEqualTo(400);
        assertThat(system.body()).contains("system policy");
        assertThat(b.get(LIST + "/org/policies").status()).isEqualTo(404);
    }
}
