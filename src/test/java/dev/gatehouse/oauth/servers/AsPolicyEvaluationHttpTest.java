package dev.gatehouse.oauth.servers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.support.ApiClient;
import dev.gatehouse.support.Browser;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.OAuthFlow;
import dev.gatehouse.support.People;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.Map;

import static dev.gatehouse.support.ApiClient.ok;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Access-policy evaluation at {@code /authorize} and {@code /token} (research notes §4): a table of cases, each on a fresh
 * custom authorization server, asserting Okta's exact refusal and that nothing was issued (no code, family or token
 * rows); the matched rule's lifetimes in the tokens, with a moving clock; and that a refresh keeps the rule chosen at
 * sign-in after the rule is edited. On H2 and PostgreSQL: the rule's lifetimes are stored on the code and the refresh family.
 */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class AsPolicyEvaluationHttpTest {

    @Parameter
    TestDatabase database;

    static final String NO_MATCH = "Policy evaluation failed for this request, please check the policy configurations.";
    static final String PASSWORD = "Correct-Horse-42!";

    static TestServer server;
    static ApiClient api;
    static OAuthFlow flow;
    static String userId;
    static String login;
    static Browser browser;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        server = TestServer.start(database);
        api = ApiClient.of(server);
        flow = new OAuthFlow(server);
        login = "eval" + System.nanoTime() + "@example.com";
        userId = People.create(server.http(), login, PASSWORD);
        browser = OAuthFlow.signedIn(server, login, PASSWORD);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    // ── helpers ─────────────────────────────────────────────────────────────────────────────────────────────────
    /** A custom server with a custom scope {@code orders} and {@code other}; no access policies (as a new one at Okta). */
    static String newServer() {
        JsonNode s = ok(api.post("/api/v1/authorizationServers",
                "{\"name\":\"eval " + System.nanoTime() + "\",\"audiences\":[\"api://eval" + System.nanoTime() + "\"]}"));
        String id = s.get("id").asText();
        flow.customScope(id, "orders");
        flow.customScope(id, "other");
        return id;
    }

    static String policy(String as, Integer priority, String clients) {
        Http.Response r = api.post("/api/v1/authorizationServers/" + as + "/policies", "{\"name\":\"p" + System.nanoTime()
                + "\",\"description\":\"d\"," + (priority == null ? "" : "\"priority\":" + priority + ",")
                + "\"conditions\":{\"clients\":{\"include\":" + clients + "}}}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    static String rule(String as, String policyId, String people, String grants, String scopes, int accessMinutes, int windowMinutes) {
        Http.Response r = api.post("/api/v1/authorizationServers/" + as + "/policies/" + policyId + "/rules", "{\"name\":\"r" + System.nanoTime()
                + "\",\"conditions\":{\"people\":" + people + ",\"grantTypes\":{\"include\":" + grants + "},\"scopes\":{\"include\":" + scopes
                + "}},\"actions\":{\"token\":{\"accessTokenLifetimeMinutes\":" + accessMinutes + ",\"refreshTokenWindowMinutes\":" + windowMinutes + "}}}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    static String everyone() {
        return "{\"groups\":{\"include\":[\"EVERYONE\"]}}";
    }

    static final String CODE = "[\"authorization_code\",\"refresh_token\"]";

    /** Runs /authorize for {@code client} at {@code as}: the redirect's parameters. */
    static Map<String, String> authorize(String as, OAuthFlow.Client client, String scopes) {
        Map<String, String> p = OAuthFlow.params(client, OAuthFlow.randomVerifier());
        p.put("scope", scopes);
        Http.Response r = browser.get(OAuthFlow.authorizeUrl("/oauth2/" + as + "/v1", p));
        assertThat(r.status()).as(r.body()).isEqualTo(302);
        Map<String, String> answer = OAuthFlow.parameters(r.header("Location"));
        if (answer.containsKey("code")) {
            answer.put(OAuthFlow.VERIFIER, p.get(OAuthFlow.VERIFIER));
        }
        answer.put("sent_state", p.get("state"));
        return answer;
    }

    /** The /token answer for a code. */
    static JsonNode exchange(String as, OAuthFlow.Client client, Map<String, String> answer) {
        Http.Response r = flow.token("/oauth2/" + as + "/v1", OAuthFlow.exchange(client,
                new OAuthFlow.Code(answer.get("code"), answer.get(OAuthFlow.VERIFIER), answer)));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    /** Expects Okta's no-match refusal on the redirect, with state, and nothing issued. */
    static void refused(String as, OAuthFlow.Client client, String scopes) {
        String before = flow.issuedRows();
        Map<String, String> answer = authorize(as, client, scopes);
        assertThat(answer).doesNotContainKey("code")
                .containsEntry("error", "access_denied")
                .containsEntry("error_description", NO_MATCH)
                .containsEntry("state", answer.get("sent_state"));
        assertThat(flow.issuedRows()).isEqualTo(before);
    }

    /** Expects a code, exchanges it, and returns the access token's lifetime in seconds (checked against expires_in). */
    static long granted(String as, OAuthFlow.Client client, String scopes) {
        Map<String, String> answer = authorize(as, client, scopes);
        assertThat(answer).as(answer.toString()).containsKey("code");
        JsonNode tokens = exchange(as, client, answer);
        JsonNode claims = OAuthFlow.claims(tokens.get("access_token").asText());
        long lifetime = claims.get("exp").asLong() - claims.get("iat").asLong();
        assertThat(tokens.get("expires_in").asLong()).isEqualTo(lifetime);
        return lifetime;
    }

    static OAuthFlow.Client spa() {
        return flow.spaClient();
    }

    // ── the table ───────────────────────────────────────────────────────────────────────────────────────────────
    @Test
    void aServerWithoutPoliciesOrWithARulelessPolicyIssuesNothing() {
        String as = newServer();
        OAuthFlow.Client c = spa();
        refused(as, c, "openid");
        policy(as, null, "[\"ALL_CLIENTS\"]");   // a policy without rules is never applied
        refused(as, c, "openid");
    }

    @Test
    void theFirstActivePolicyForTheClientAndItsFirstMatchingRuleDecide() {
        String as = newServer();
        OAuthFlow.Client c = spa();
        OAuthFlow.Client other = spa();
        String forOther = policy(as, null, "[\"" + other.clientId() + "\"]");
        rule(as, forOther, everyone(), CODE, "[\"*\"]", 15, 10080);
        String all = policy(as, null, "[\"ALL_CLIENTS\"]");
        String excluding = rule(as, all, "{\"groups\":{\"include\":[\"EVERYONE\"]},\"users\":{\"exclude\":[\"" + userId + "\"]}}", CODE, "[\"*\"]", 5, 10080);
        rule(as, all, everyone(), CODE, "[\"*\"]", 30, 10080);
        assertThat(granted(as, c, "openid")).isEqualTo(1800);       // not the other client's policy; not the excluding rule
        assertThat(granted(as, other, "openid")).isEqualTo(900);    // the other client's own policy comes first
        // a policy for this client at priority 1 takes over
        String mine = policy(as, 1, "[\"" + c.clientId() + "\"]");
        rule(as, mine, "{\"users\":{\"include\":[\"" + userId + "\"]}}", CODE, "[\"*\"]", 20, 10080);
        assertThat(granted(as, c, "openid")).isEqualTo(1200);
        // deactivated: the next policy again
        assertThat(api.post("/api/v1/authorizationServers/" + as + "/policies/" + mine + "/lifecycle/deactivate", null).status()).isEqualTo(204);
        assertThat(granted(as, c, "openid")).isEqualTo(1800);
        // the excluding rule, first in its policy, never applies to this person
        assertThat(ok(api.get("/api/v1/authorizationServers/" + as + "/policies/" + all + "/rules/" + excluding)).get("priority").asInt()).isEqualTo(1);
    }

    @Test
    void inactiveRulesExcludesGroupsAndGrantTypesAreHonoured() {
        String as = newServer();
        OAuthFlow.Client c = spa();
        String p = policy(as, null, "[\"ALL_CLIENTS\"]");
        String r = rule(as, p, everyone(), CODE, "[\"*\"]", 60, 10080);
        assertThat(api.post("/api/v1/authorizationServers/" + as + "/policies/" + p + "/rules/" + r + "/lifecycle/deactivate", null).status())
                .isEqualTo(204);
        refused(as, c, "openid");
        // a rule for client credentials only does not admit the code flow
        rule(as, p, everyone(), "[\"client_credentials\"]", "[\"*\"]", 60, 10080);
        refused(as, c, "openid");
        // a group the person is not in, then is in; and the same group excluded
        String group = ok(api.post("/api/v1/groups", "{\"profile\":{\"name\":\"eval " + System.nanoTime() + "\"}}")).get("id").asText();
        rule(as, p, "{\"groups\":{\"include\":[\"" + group + "\"]}}", CODE, "[\"*\"]", 45, 10080);
        refused(as, c, "openid");
        assertThat(api.put("/api/v1/groups/" + group + "/users/" + userId, null).status()).isEqualTo(204);
        assertThat(granted(as, c, "openid")).isEqualTo(2700);
        String q = policy(as, 1, "[\"ALL_CLIENTS\"]");
        rule(as, q, "{\"groups\":{\"include\":[\"EVERYONE\"],\"exclude\":[\"" + group + "\"]}}", CODE, "[\"*\"]", 10, 10080);
        assertThat(granted(as, c, "openid")).isEqualTo(2700);    // excluded from q's only rule: on to the next policy
        assertThat(api.delete("/api/v1/groups/" + group + "/users/" + userId).status()).isEqualTo(204);
        assertThat(granted(as, c, "openid")).isEqualTo(600);
    }

    @Test
    void everyRequestedScopeMustBeCoveredAndTheOidcScopesAlwaysAre() {
        String as = newServer();
        OAuthFlow.Client c = spa();
        String p = policy(as, null, "[\"ALL_CLIENTS\"]");
        rule(as, p, everyone(), CODE, "[\"orders\"]", 25, 10080);
        assertThat(granted(as, c, "openid profile orders")).isEqualTo(1500);
        assertThat(granted(as, c, "openid")).isEqualTo(1500);
        refused(as, c, "openid orders other");   // one scope outside every rule: the whole request fails
        rule(as, p, everyone(), CODE, "[\"*\"]", 35, 10080);
        assertThat(granted(as, c, "openid orders other")).isEqualTo(2100);
    }

    @Test
    void clientCredentialsMatchOnlyRulesThatNameNoParticularPerson() {
        String as = newServer();
        OAuthFlow.Client service = flow.serviceClient();
        String base = "/oauth2/" + as + "/v1";
        Map<String, String> form = OAuthFlow.fields("grant_type", "client_credentials", "scope", "orders");
        String auth = OAuthFlow.basic(service.clientId(), service.secret());
        long tokens = flow.count("SELECT COUNT(*) FROM access_tokens");
        Http.Response none = flow.token(base, form, "Authorization", auth);
        assertThat(none.status()).as(none.body()).isEqualTo(401);
        assertThat(none.json().get("error").asText()).isEqualTo("access_denied");
        assertThat(none.json().get("error_description").asText()).isEqualTo(NO_MATCH);
        String p = policy(as, null, "[\"ALL_CLIENTS\"]");
        rule(as, p, "{\"users\":{\"include\":[\"" + userId + "\"]}}", "[\"client_credentials\"]", "[\"*\"]", 60, 10080);
        assertThat(flow.token(base, form, "Authorization", auth).status()).isEqualTo(401);
        assertThat(flow.count("SELECT COUNT(*) FROM access_tokens")).isEqualTo(tokens);
        rule(as, p, "{}", "[\"client_credentials\"]", "[\"orders\"]", 12, 10080);
        Http.Response ok = flow.token(base, form, "Authorization", auth);
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(ok.json().get("expires_in").asLong()).isEqualTo(720);
        // a scope the rule does not cover
        Http.Response other = flow.token(base, OAuthFlow.fields("grant_type", "client_credentials", "scope", "orders other"), "Authorization", auth);
        assertThat(other.status()).isEqualTo(401);
        assertThat(other.json().get("error_description").asText()).isEqualTo(NO_MATCH);
        // the seeded default rule (EVERYONE) keeps client credentials working at default
        Http.Response atDefault = flow.token("/oauth2/default/v1", OAuthFlow.fields("grant_type", "client_credentials", "scope",
                flow.customScope("default", "svc" + System.nanoTime())), "Authorization", auth);
        assertThat(atDefault.status()).as(atDefault.body()).isEqualTo(200);
        assertThat(atDefault.json().get("expires_in").asLong()).isEqualTo(3600);
    }

    // ── lifetimes with a moving clock ───────────────────────────────────────────────────────────────────────────
    @Test
    void theRulesLifetimesSetTheTokensAndARefreshKeepsTheSignInRule() {
        String as = newServer();
        OAuthFlow.Client c = spa();
        String p = policy(as, null, "[\"ALL_CLIENTS\"]");
        String r = rule(as, p, everyone(), CODE, "[\"*\"]", 10, 60);
        Map<String, String> answer = authorize(as, c, "openid offline_access");
        JsonNode tokens = exchange(as, c, answer);
        JsonNode claims = OAuthFlow.claims(tokens.get("access_token").asText());
        assertThat(claims.get("exp").asLong() - claims.get("iat").asLong()).isEqualTo(600);
        assertThat(tokens.get("expires_in").asLong()).isEqualTo(600);
        JsonNode id = OAuthFlow.claims(tokens.get("id_token").asText());
        assertThat(id.get("exp").asLong() - id.get("iat").asLong()).isEqualTo(3600);   // the ID token keeps 60 minutes

        // the rule is edited after sign-in: the family keeps what the sign-in's rule said
        ok(api.put("/api/v1/authorizationServers/" + as + "/policies/" + p + "/rules/" + r, "{\"name\":\"edited\",\"conditions\":{\"people\":"
                + everyone() + ",\"grantTypes\":{\"include\":" + CODE + "},\"scopes\":{\"include\":[\"*\"]}},"
                + "\"actions\":{\"token\":{\"accessTokenLifetimeMinutes\":30,\"refreshTokenWindowMinutes\":600}}}"));
        String refresh = tokens.get("refresh_token").asText();
        server.clock.advance(Duration.ofMinutes(59));
        Http.Response again = refresh(as, c, refresh);
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.json().get("expires_in").asLong()).isEqualTo(600);
        refresh = again.json().get("refresh_token").asText();
        server.clock.advance(Duration.ofMinutes(59));   // the idle window restarted at the last refresh
        Http.Response third = refresh(as, c, refresh);
        assertThat(third.status()).as(third.body()).isEqualTo(200);
        refresh = third.json().get("refresh_token").asText();
        server.clock.advance(Duration.ofMinutes(61));
        String before = flow.issuedRows();
        Http.Response idle = refresh(as, c, refresh);
        assertThat(idle.status()).isEqualTo(400);
        assertThat(idle.json().get("error").asText()).isEqualTo("invalid_grant");
        assertThat(idle.json().get("error_description").asText()).isEqualTo("The refresh token is invalid or expired.");
        assertThat(flow.issuedRows()).isEqualTo(before);
        // a new sign-in (the session has idled out meanwhile) gets the edited rule
        browser = OAuthFlow.signedIn(server, login, PASSWORD);
        assertThat(granted(as, c, "openid")).isEqualTo(1800);
    }

    @Test
    void aRefreshDoesNotEvaluateThePoliciesAgain() {
        String as = newServer();
        OAuthFlow.Client c = spa();
        String p = policy(as, null, "[\"ALL_CLIENTS\"]");
        rule(as, p, everyone(), CODE, "[\"*\"]", 10, 10080);
        JsonNode tokens = exchange(as, c, authorize(as, c, "openid offline_access"));
        assertThat(api.post("/api/v1/authorizationServers/" + as + "/policies/" + p + "/lifecycle/deactivate", null).status()).isEqualTo(204);
        refused(as, c, "openid");
        Http.Response again = refresh(as, c, tokens.get("refresh_token").asText());
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.json().get("expires_in").asLong()).isEqualTo(600);
    }

    @Test
    void aRuleWithoutTheRefreshTokenGrantIssuesNoRefreshToken() {
        String as = newServer();
        OAuthFlow.Client c = spa();
        String p = policy(as, null, "[\"ALL_CLIENTS\"]");
        rule(as, p, everyone(), "[\"authorization_code\"]", "[\"*\"]", 60, 10080);
        JsonNode tokens = exchange(as, c, authorize(as, c, "openid offline_access"));
        assertThat(tokens.has("refresh_token")).isFalse();
        assertThat(tokens.get("scope").asText()).isEqualTo("openid");
    }

    @Test
    void nobodyIsAskedToConsentToOfflineAccessTheRuleDoesNotGrant() {
        String as = newServer();
        OAuthFlow.Client c = spa();
        String p = policy(as, null, "[\"ALL_CLIENTS\"]");
        rule(as, p, everyone(), "[\"authorization_code\"]", "[\"*\"]", 60, 10080);
        JsonNode offline = null;
        for (JsonNode s : ok(api.get("/api/v1/authorizationServers/" + as + "/scopes"))) {
            if (s.get("name").asText().equals("offline_access")) {
                offline = s;
            }
        }
        assertThat(offline).isNotNull();
        Http.Response put = api.put("/api/v1/authorizationServers/" + as + "/scopes/" + offline.get("id").asText(),
                "{\"name\":\"offline_access\",\"consent\":\"REQUIRED\"}");
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        Map<String, String> params = OAuthFlow.params(c, OAuthFlow.randomVerifier());
        params.put("scope", "openid offline_access");
        params.put("prompt", "consent");
        Http.Response r = browser.get(OAuthFlow.authorizeUrl("/oauth2/" + as + "/v1", params));
        assertThat(r.status()).as(r.body()).isEqualTo(302);
        assertThat(r.header("Location")).as("offline_access is not granted by this rule: nothing to consent to")
                .doesNotStartWith("/signin/consent");
        assertThat(OAuthFlow.parameters(r.header("Location"))).containsKey("code");
    }

    static Http.Response refresh(String as, OAuthFlow.Client c, String refreshToken) {
        return flow.token("/oauth2/" + as + "/v1", OAuthFlow.fields("grant_type", "refresh_token", "client_id", c.clientId(),
                "refresh_token", refreshToken, "scope", "openid offline_access"));
    }
}
