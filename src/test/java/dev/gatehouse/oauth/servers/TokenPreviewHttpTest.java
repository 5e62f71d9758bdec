package dev.gatehouse.oauth.servers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.support.ApiClient;
import dev.gatehouse.support.Browser;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.OAuthFlow;
import dev.gatehouse.support.People;
import dev.gatehouse.support.Sql;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's Token Preview on a custom authorization server: which access policy and rule match, or why none does, and
 * the payloads the tokens would carry (the rule's lifetime, the custom claims), with nothing issued or logged. The preview
 * reads the same in-memory snapshots as the token path, so one database is enough here (the evaluation and claims are
 * tested on both in AsPolicyEvaluationHttpTest and AsClaimsHttpTest).
 */
class TokenPreviewHttpTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static TestServer server;
    static ApiClient api;
    static String serverId;
    static String clientId;
    static String member;
    static String outsider;
    static Browser admin;
    static String page;

    @BeforeAll
    static void start() {
        server = TestServer.start(TestDatabase.H2);
        api = ApiClient.of(server);
        Http.Response as = api.post("/api/v1/authorizationServers",
                "{\"name\":\"Preview\",\"description\":\"preview\",\"audiences\":[\"api://preview\"]}");
        assertThat(as.status()).as(as.body()).isIn(200, 201);
        serverId = as.json().get("id").asText();
        clientId = OAuthFlow.spa(server).clientId();
        member = "member-" + System.nanoTime() + "@example.com";
        outsider = "outsider-" + System.nanoTime() + "@example.com";
        String memberId = People.create(server.http(), member, "Preview-Pass-123");
        People.create(server.http(), outsider, "Preview-Pass-123");
        String group = api.post("/api/v1/groups", "{\"profile\":{\"name\":\"Preview readers\"}}").json().get("id").asText();
        assertThat(api.put("/api/v1/groups/" + group + "/users/" + memberId, null).status()).isEqualTo(204);
        admin = server.browser();
        assertThat(admin.signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD, "/admin").status()).isEqualTo(303);
        page = "/admin/api/authorization-servers/" + serverId + "/preview";
        // Stored for the tests below once the server has no policy yet (the first test looks at that state).
        groupId = group;
    }

    static String groupId;

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Http.Response preview(String grantType, String user, String scopes) {
        Http.Response form = admin.get(page);
        assertThat(form.status()).isEqualTo(200);
        return admin.post(page, "csrf", Browser.csrf(form), "clientId", clientId, "grantType", grantType, "user", user, "scopes", scopes);
    }

    private static JsonNode payload(Http.Response r, String id) throws Exception {
        Matcher m = Pattern.compile("<pre id=\"" + id + "\">(.*?)</pre>", Pattern.DOTALL).matcher(r.body());
        assertThat(m.find()).as(r.body()).isTrue();
        return JSON.readTree(m.group(1).replace("&#34;", "\"").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&"));
    }

    @Test
    void aServerWithoutPoliciesIssuesNothingThenItsRuleAndClaimsShowWithoutIssuingAnything() throws Exception {
        Http.Response none = preview("authorization_code", member, "openid profile");
        assertThat(none.status()).isEqualTo(200);
        assertThat(none.body()).contains("The request would be refused").contains("has no access policies")
                .doesNotContain("preview-access-token");

        String policy = api.post("/api/v1/authorizationServers/" + serverId + "/policies",
                "{\"name\":\"Readers\",\"description\":\"readers\",\"conditions\":{\"clients\":{\"include\":[\"ALL_CLIENTS\"]}}}").json()
                .get("id").asText();
        Http.Response rule = api.post("/api/v1/authorizationServers/" + serverId + "/policies/" + policy + "/rules",
                "{\"name\":\"Readers get ten minutes\",\"conditions\":{\"people\":{\"groups\":{\"include\":[\"" + groupId + "\"]}},"
                        + "\"grantTypes\":{\"include\":[\"authorization_code\"]},\"scopes\":{\"include\":[\"*\"]}},"
                        + "\"actions\":{\"token\":{\"accessTokenLifetimeMinutes\":10,\"refreshTokenLifetimeMinutes\":0,"
                        + "\"refreshTokenWindowMinutes\":60}}}");
        assertThat(rule.status()).as(rule.body()).isEqualTo(201);
        Http.Response claim = api.post("/api/v1/authorizationServers/" + serverId + "/claims",
                "{\"name\":\"shout\",\"status\":\"ACTIVE\",\"claimType\":\"RESOURCE\",\"valueType\":\"EXPRESSION\","
                        + "\"value\":\"String.toUpperCase(user.email)\",\"conditions\":{\"scopes\":[]},\"alwaysIncludeInToken\":true}");
        assertThat(claim.status()).as(claim.body()).isEqualTo(201);

        assertThat(api.post("/api/v1/authorizationServers/" + serverId + "/scopes",
                "{\"name\":\"preview:write\",\"consent\":\"REQUIRED\"}").status()).isIn(200, 201);
        String consenting = new OAuthFlow(server).spaClient(app -> OAuthFlow.oauthClient(app).put("consent_method", "REQUIRED")).clientId();
        String service = new OAuthFlow(server).serviceClient().clientId();
        assertThat(api.post("/api/v1/authorizationServers/" + serverId + "/scopes", "{\"name\":\"preview:read\"}").status()).isIn(200, 201);
        long tokens = Sql.count(server.wiring().db, "SELECT COUNT(*) FROM access_tokens");
        long codes = Sql.count(server.wiring().db, "SELECT COUNT(*) FROM authorization_codes");
        long events = Sql.count(server.wiring().db, "SELECT COUNT(*) FROM system_log_events");

        Http.Response matched = preview("authorization_code", member, "openid profile email");
        assertThat(matched.body()).contains("Tokens would be issued").contains("Readers get ten minutes")
                .contains("Access token 10 minutes; refresh token without a lifetime limit, expiring when unused for 1 hour.");
        JsonNode at = payload(matched, "preview-access-token");
        assertThat(at.get("exp").asLong() - at.get("iat").asLong()).isEqualTo(600);
        assertThat(at.get("cid").asText()).isEqualTo(clientId);
        assertThat(at.get("sub").asText()).isEqualTo(member);
        assertThat(at.get("shout").asText()).isEqualTo(member.toUpperCase(java.util.Locale.ROOT));
        assertThat(at.get("aud").toString()).contains("api://preview");
        JsonNode id = payload(matched, "preview-id-token");
        assertThat(id.get("aud").toString()).contains(clientId);
        assertThat(id.get("email").asText()).isEqualTo(member);
        assertThat(id.has("at_hash")).isFalse();

        Http.Response refused = preview("authorization_code", outsider, "openid");
        assertThat(refused.body()).contains("The request would be refused").contains("the person is not among its people")
                .contains(AccessPolicyEvaluator.NO_MATCH).doesNotContain("preview-access-token");

        // offline_access: the rule does not list refresh_token, so no refresh token (as /authorize drops it).
        Http.Response offline = preview("authorization_code", member, "openid offline_access");
        assertThat(offline.body()).contains("offline_access would not be granted (no refresh token): the rule does not allow");
        assertThat(payload(offline, "preview-access-token").get("scp").toString()).isEqualTo("[\"openid\"]");

        // Consent: an app that requires it and a scope whose consent is REQUIRED: the person would be asked first.
        Http.Response form = admin.get(page);
        Http.Response asked = admin.post(page, "csrf", Browser.csrf(form), "clientId", consenting, "grantType", "authorization_code",
                "user", member, "scopes", "openid preview:write");
        assertThat(asked.body()).contains("The person would first be asked to consent to preview:write");

        // Client credentials: OpenID scopes and REQUIRED-consent scopes are refused as at /token; the rule lists only authorization_code.
        Http.Response cc = admin.post(page, "csrf", Browser.csrf(form), "clientId", service, "grantType", "client_credentials",
                "user", "", "scopes", "openid");
        assertThat(cc.body()).contains("The following scopes are not allowed: [openid].");
        Http.Response ccWrite = admin.post(page, "csrf", Browser.csrf(form), "clientId", service, "grantType", "client_credentials",
                "user", "", "scopes", "preview:write");
        assertThat(ccWrite.body()).contains("require user consent and cannot be granted for the client credentials grant type: [preview:write]");
        Http.Response ccRead = admin.post(page, "csrf", Browser.csrf(form), "clientId", service, "grantType", "client_credentials",
                "user", "", "scopes", "preview:read");
        assertThat(ccRead.body()).contains("The request would be refused").contains("does not include the grant type client_credentials");

        // Nothing issued, recorded or logged by any preview.
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM access_tokens")).isEqualTo(tokens);
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM authorization_codes")).isEqualTo(codes);
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM system_log_events")).isEqualTo(events);
    }

    @Test
    void theFormSaysWhatIsWrongInsteadOfEvaluating() {
        assertThat(preview("client_credentials", "", "openid").body())
                .contains("does not allow the grant type client_credentials");
        assertThat(preview("authorization_code", "nobody@example.com", "openid").body())
                .contains("No person has the username nobody@example.com.");
        assertThat(preview("authorization_code", member, "openid no:such:scope").body())
                .contains("This authorization server has no scope no:such:scope.");
        assertThat(preview("urn:bogus", member, "openid").body()).contains("Choose a grant type");
        // A service: /token refuses OpenID Connect scopes for client credentials before any policy; so must the preview.
        Http.Response app = api.post("/api/v1/apps", "{\"name\":\"oidc_client\",\"label\":\"Preview service\",\"signOnMode\":\"OPENID_CONNECT\","
                + "\"settings\":{\"oauthClient\":{\"application_type\":\"service\",\"grant_types\":[\"client_credentials\"],\"response_types\":[\"token\"]}}}");
        assertThat(app.status()).as(app.body()).isEqualTo(200);
        Http.Response f = admin.get(page);
        Http.Response service = admin.post(page, "csrf", Browser.csrf(f), "clientId", app.json().get("credentials").get("oauthClient")
                .get("client_id").asText(), "grantType", "client_credentials", "user", "", "scopes", "openid");
        assertThat(service.body()).contains("The following scopes are not allowed: [openid].").doesNotContain("preview-access-token");
        Http.Response form = admin.get(page);
        Http.Response noApp = admin.post(page, "csrf", Browser.csrf(form), "clientId", "0oaNoSuchClient", "grantType",
                "authorization_code", "user", member, "scopes", "openid");
        assertThat(noApp.body()).contains("Choose the app (client) to preview tokens for.");
        Http.Response script = preview("authorization_code", "<script>alert(1)</script>", "openid");
        assertThat(script.status()).isEqualTo(200);
        assertThat(script.body()).doesNotContain("<script>alert(1)</script>").contains("&lt;script&gt;");
    }

    @Test
    void aForgedPreviewIsRefusedByTheOneCsrfMechanism() {
        Http.Response forged = admin.post(page, "csrf", "forged", "clientId", clientId, "grantType", "authorization_code",
                "user", member, "scopes", "openid");
        assertThat(forged.status()).isEqualTo(403);
        Http.Response anonymous = server.browser().post(page, "clientId", clientId, "grantType", "authorization_code", "user", member,
                "scopes", "openid");
        assertThat(anonymous.status()).isIn(303, 403);
        assertThat(anonymous.body()).doesNotContain("preview-access-token");
    }
}
