package dev.gatehouse.oauth.servers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.support.ApiClient;
import dev.gatehouse.support.Browser;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.OAuthFlow;
import dev.gatehouse.support.People;
import dev.gatehouse.support.Sql;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.gatehouse.support.OktaAssertions.assertOktaError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /api/v1/authorizationServers/{id}/claims} (issue #17): Okta's OAuth2Claim shapes and refusals, the claims in
 * access tokens, ID tokens and /userinfo, and the console's Claims page with its live check; on H2 and PostgreSQL.
 * Claims are made on {@code default} and deleted after each test, so the tests do not see each other's claims.
 */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class AsClaimsHttpTest {

    private static final String CLAIMS = "/api/v1/authorizationServers/default/claims";
    private static final String PASSWORD = "Correct-Horse-42";
    private static final AtomicInteger SEQ = new AtomicInteger();

    @Parameter
    TestDatabase database;

    static TestServer server;
    static ApiClient api;
    static OAuthFlow spa;
    static String login;
    static String groupPrefix;
    static Browser person;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        server = TestServer.start(database);
        api = ApiClient.of(server);
        spa = OAuthFlow.spa(server);
        login = "ada." + System.nanoTime() + "@gatehouse.test";
        String userId = People.create(server.http(), login, PASSWORD);
        groupPrefix = "Eng" + Long.toString(System.nanoTime() % 1_000_000, 36);
        for (String name : List.of(groupPrefix + "-Backend", groupPrefix + "-Frontend", "Sales " + groupPrefix)) {
            Http.Response g = api.post("/api/v1/groups", "{\"profile\":{\"name\":\"" + name + "\"}}");
            assertThat(g.status()).as(g.body()).isEqualTo(200);
            assertThat(api.put("/api/v1/groups/" + g.json().get("id").asText() + "/users/" + userId, null).status()).isEqualTo(204);
        }
        person = OAuthFlow.signedIn(server, login, PASSWORD);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    @AfterEach
    void deleteTheClaims() {
        for (JsonNode c : api.get(CLAIMS).json()) {
            assertThat(api.delete(CLAIMS + "/" + c.get("id").asText()).status()).isEqualTo(204);
        }
    }

    private static String unique(String prefix) {
        return prefix + SEQ.incrementAndGet();
    }

    private static JsonNode create(String body) {
        Http.Response r = api.post(CLAIMS, body);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json();
    }

    private static long rows() {
        return Sql.count(server.wiring().db, "SELECT COUNT(*) FROM authorization_server_claims");
    }

    private static long events(String type) {
        return Sql.count(server.wiring().db, "SELECT COUNT(*) FROM system_log_events WHERE event_type = '" + type + "'");
    }

    // ---- the API ---------------------------------------------------------------------------------------------------

    @Test
    void anExpressionClaimIsCreatedInOktasShapeReadReplacedAndDeleted() {
        long created = events("oauth2.claim.created");
        String name = unique("department");
        JsonNode c = create("{\"alwaysIncludeInToken\":true,\"claimType\":\"RESOURCE\",\"conditions\":{},\"name\":\"" + name
                + "\",\"status\":\"ACTIVE\",\"value\":\"user.email\",\"valueType\":\"EXPRESSION\"}");
        String id = c.get("id").asText();
        assertThat(id).matches("ocl[A-Za-z0-9]{17}");
        List<String> keys = new ArrayList<>();
        c.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).as("Okta's recorded key order").containsExactly("id", "name", "status", "claimType", "valueType", "value",
                "conditions", "system", "alwaysIncludeInToken", "_links");
        assertThat(c.get("conditions").get("scopes").isArray()).isTrue();
        assertThat(c.get("conditions").get("scopes")).isEmpty();
        assertThat(c.get("system").asBoolean()).isFalse();
        assertThat(c.get("_links").get("self").get("href").asText()).endsWith(CLAIMS + "/" + id);
        assertThat(c.get("_links").get("self").get("hints").get("allow").toString()).isEqualTo("[\"GET\",\"PUT\",\"DELETE\"]");
        assertThat(events("oauth2.claim.created")).isEqualTo(created + 1);
        assertThat(api.get(CLAIMS + "/" + id).json()).isEqualTo(c);
        assertThat(api.get(CLAIMS).json().toString()).contains(id);

        Http.Response put = api.put(CLAIMS + "/" + id, "{\"claimType\":\"IDENTITY\",\"name\":\"" + name + "\",\"status\":\"INACTIVE\","
                + "\"valueType\":\"EXPRESSION\",\"value\":\"user.login\",\"alwaysIncludeInToken\":false,\"conditions\":{\"scopes\":[\"profile\"]}}");
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        assertThat(put.json().get("status").asText()).isEqualTo("INACTIVE");
        assertThat(put.json().get("claimType").asText()).isEqualTo("IDENTITY");
        assertThat(put.json().get("alwaysIncludeInToken").asBoolean()).isFalse();
        assertThat(put.json().get("conditions").get("scopes").toString()).isEqualTo("[\"profile\"]");
        assertThat(put.json().get("created")).isNull();

        assertThat(api.delete(CLAIMS + "/" + id).status()).isEqualTo(204);
        assertOktaError(api.get(CLAIMS + "/" + id), 404, "E0000007");
        assertOktaError(api.delete(CLAIMS + "/" + id), 404, "E0000007");
    }

    @Test
    void aGroupsClaimCarriesItsFilterType() {
        JsonNode c = create("{\"alwaysIncludeInToken\":true,\"claimType\":\"RESOURCE\",\"conditions\":{},\"group_filter_type\":\"EQUALS\","
                + "\"name\":\"groups\",\"status\":\"ACTIVE\",\"value\":\"Everyone\",\"valueType\":\"GROUPS\"}");
        assertThat(c.get("valueType").asText()).isEqualTo("GROUPS");
        assertThat(c.get("group_filter_type").asText()).isEqualTo("EQUALS");
        List<String> keys = new ArrayList<>();
        c.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("id", "name", "status", "claimType", "valueType", "value", "conditions", "system",
                "alwaysIncludeInToken", "group_filter_type", "_links");
        assertThat(c.get("status").asText()).isEqualTo("ACTIVE");
    }

    @Test
    void badClaimsAreRefusedWithTheirCauseAndNothingIsWritten() {
        create("{\"claimType\":\"RESOURCE\",\"name\":\"taken\",\"valueType\":\"EXPRESSION\",\"value\":\"'x'\"}");
        long before = rows();
        String[][] cases = {
                {"{\"claimType\":\"RESOURCE\",\"valueType\":\"EXPRESSION\",\"value\":\"'x'\"}", "name: The field cannot be left blank"},
                {"{\"claimType\":\"RESOURCE\",\"name\":\"sub\",\"valueType\":\"EXPRESSION\",\"value\":\"'x'\"}", "name: The claim name 'sub' is reserved"},
                {"{\"claimType\":\"RESOURCE\",\"name\":\"scp\",\"valueType\":\"EXPRESSION\",\"value\":\"'x'\"}", "is reserved"},
                {"{\"claimType\":\"IDENTITY\",\"name\":\"iss\",\"valueType\":\"EXPRESSION\",\"value\":\"'x'\"}", "is reserved"},
                {"{\"claimType\":\"RESOURCE\",\"name\":\"exp\",\"valueType\":\"EXPRESSION\",\"value\":\"'x'\"}", "is reserved"},
                {"{\"claimType\":\"IDENTITY\",\"name\":\"email\",\"valueType\":\"EXPRESSION\",\"value\":\"'x'\"}", "system claim"},
                {"{\"claimType\":\"RESOURCE\",\"name\":\"taken\",\"valueType\":\"EXPRESSION\",\"value\":\"'y'\"}", "name: An object with this field already exists"},
                {"{\"claimType\":\"RESOURCE\",\"name\":\"has space\",\"valueType\":\"EXPRESSION\",\"value\":\"'x'\"}", "name: A claim name"},
                {"{\"claimType\":\"RESOURCE\",\"name\":\"" + "n".repeat(256) + "\",\"valueType\":\"EXPRESSION\",\"value\":\"'x'\"}", "longer than 255"},
                {"{\"claimType\":\"ACCESS\",\"name\":\"a\",\"valueType\":\"EXPRESSION\",\"value\":\"'x'\"}", "claimType: Must be RESOURCE or IDENTITY"},
                {"{\"name\":\"a\",\"valueType\":\"EXPRESSION\",\"value\":\"'x'\"}", "claimType: The field cannot be left blank"},
                {"{\"claimType\":\"RESOURCE\",\"name\":\"a\",\"valueType\":\"SYSTEM\"}", "valueType: SYSTEM"},
                {"{\"claimType\":\"RESOURCE\",\"name\":\"a\",\"valueType\":\"EXPRESSION\"}", "value: The field cannot be left blank"},
                {"{\"claimType\":\"RESOURCE\",\"name\":\"a\",\"valueType\":\"EXPRESSION\",\"value\":\"T(java.lang.Runtime).getRuntime()\"}",
                        "value: Invalid expression: Type references (T(...)) cannot be used in a claim expression (at position 0)"},
                {"{\"claimType\":\"RESOURCE\",\"name\":\"a\",\"valueType\":\"EXPRESSION\",\"value\":\"new java.io.File('x')\"}", "Constructors"},
                {"{\"claimType\":\"RESOURCE\",\"name\":\"a\",\"valueType\":\"EXPRESSION\",\"value\":\"user.email +\"}", "(at position"},
                {"{\"claimType\":\"RESOURCE\",\"name\":\"a\",\"valueType\":\"EXPRESSION\",\"value\":\"#root\"}", "Variables"},
                {"{\"claimType\":\"RESOURCE\",\"name\":\"a\",\"valueType\":\"EXPRESSION\",\"value\":\"'" + "x".repeat(1100) + "'\"}", "longer than 1024"},
                {"{\"claimType\":\"RESOURCE\",\"name\":\"a\",\"valueType\":\"GROUPS\",\"value\":\"Eng\"}", "group_filter_type: A GROUPS claim needs"},
                {"{\"claimType\":\"RESOURCE\",\"name\":\"a\",\"valueType\":\"GROUPS\",\"group_filter_type\":\"LIKE\",\"value\":\"Eng\"}", "group_filter_type: Must be"},
                {"{\"claimType\":\"RESOURCE\",\"name\":\"a\",\"valueType\":\"GROUPS\",\"group_filter_type\":\"REGEX\",\"value\":\"(open\"}", "Invalid regular expression at position"},
                {"{\"claimType\":\"RESOURCE\",\"name\":\"a\",\"valueType\":\"EXPRESSION\",\"value\":\"'x'\",\"conditions\":{\"scopes\":[\"nope\"]}}",
                        "conditions.scopes: Scope nope does not exist on this authorization server"},
                {"{\"claimType\":\"RESOURCE\",\"name\":\"a\",\"valueType\":\"EXPRESSION\",\"value\":\"'x'\",\"conditions\":{\"scopes\":\"profile\"}}", "conditions.scopes"},
                {"{\"claimType\":\"RESOURCE\",\"name\":\"a\",\"valueType\":\"EXPRESSION\",\"value\":\"'x'\",\"conditions\":[]}", "conditions: Does not match required type: object"},
                {"{\"claimType\":\"RESOURCE\",\"name\":\"a\",\"valueType\":\"EXPRESSION\",\"value\":\"'x'\",\"alwaysIncludeInToken\":\"yes\"}", "alwaysIncludeInToken"},
                {"{\"claimType\":\"RESOURCE\",\"name\":7,\"valueType\":\"EXPRESSION\",\"value\":\"'x'\"}", "name"},
                {"{\"claimType\":\"RESOURCE\",\"name\":\"a\",\"valueType\":\"EXPRESSION\",\"value\":\"'x'\",\"status\":\"DELETED\"}", "status: Must be ACTIVE or INACTIVE"},
        };
        for (String[] c : cases) {
            Http.Response r = api.post(CLAIMS, c[0]);
            assertOktaError(r, 400, "E0000001");
            assertThat(r.json().get("errorCauses").toString()).as(c[0]).contains(c[1]);
        }
        assertThat(rows()).as("nothing written").isEqualTo(before);
        // The same name as another claim type is fine ("unique per claimType").
        create("{\"claimType\":\"IDENTITY\",\"name\":\"taken\",\"valueType\":\"EXPRESSION\",\"value\":\"'x'\"}");
        assertOktaError(api.post(CLAIMS, "[]"), 400, "E0000003");
    }

    @Test
    void otherServersIdsAndTheOrgServerAreNotFound() {
        String id = create("{\"claimType\":\"RESOURCE\",\"name\":\"mine\",\"valueType\":\"EXPRESSION\",\"value\":\"'x'\"}").get("id").asText();
        Http.Response other = api.post("/api/v1/authorizationServers", "{\"name\":\"Claims other " + System.nanoTime()
                + "\",\"audiences\":[\"api://claims-other\"]}");
        assertThat(other.status()).as(other.body()).isIn(200, 201);
        String otherId = other.json().get("id").asText();
        assertOktaError(api.get("/api/v1/authorizationServers/" + otherId + "/claims/" + id), 404, "E0000007");
        assertOktaError(api.put("/api/v1/authorizationServers/" + otherId + "/claims/" + id,
                "{\"claimType\":\"RESOURCE\",\"name\":\"mine\",\"valueType\":\"EXPRESSION\",\"value\":\"'hijacked'\"}"), 404, "E0000007");
        assertOktaError(api.delete("/api/v1/authorizationServers/" + otherId + "/claims/" + id), 404, "E0000007");
        assertThat(api.get("/api/v1/authorizationServers/" + otherId + "/claims").json()).isEmpty();
        assertOktaError(api.get("/api/v1/authorizationServers/org/claims"), 404, "E0000007");
        assertOktaError(api.post("/api/v1/authorizationServers/nope/claims", "{}"), 404, "E0000007");
        assertThat(api.get(CLAIMS + "/" + id).json().get("value").asText()).isEqualTo("'x'");
        // Claims go with their server.
        create2(otherId);
        assertThat(api.post("/api/v1/authorizationServers/" + otherId + "/lifecycle/deactivate", null).status()).isEqualTo(204);
        assertThat(api.delete("/api/v1/authorizationServers/" + otherId).status()).isEqualTo(204);
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM authorization_server_claims WHERE authorization_server_id = '" + otherId + "'"))
                .isZero();
    }

    private static void create2(String serverId) {
        Http.Response r = api.post("/api/v1/authorizationServers/" + serverId + "/claims",
                "{\"claimType\":\"RESOURCE\",\"name\":\"gone\",\"valueType\":\"EXPRESSION\",\"value\":\"'x'\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    @Test
    void aServerHoldsAtMostOneHundredClaims() {
        for (int i = 0; i < Claims.MAX_CLAIMS; i++) {
            create("{\"claimType\":\"RESOURCE\",\"name\":\"c" + i + "\",\"valueType\":\"EXPRESSION\",\"value\":\"'x'\"}");
        }
        assertOktaError(api.post(CLAIMS, "{\"claimType\":\"RESOURCE\",\"name\":\"one-more\",\"valueType\":\"EXPRESSION\",\"value\":\"'x'\"}"),
                400, "E0000001");
    }

    // ---- tokens and /userinfo --------------------------------------------------------------------------------------

    @Test
    void accessTokensCarryResourceClaimsIdTokensTheAlwaysIncludedOnesAndUserinfoEveryIdentityClaim() {
        String scope = spa.customScope("default", unique("claims.read."));
        create("{\"claimType\":\"RESOURCE\",\"name\":\"surname\",\"valueType\":\"EXPRESSION\",\"value\":\"String.toUpperCase(user.lastName)\"}");
        create("{\"claimType\":\"RESOURCE\",\"name\":\"groups\",\"valueType\":\"GROUPS\",\"group_filter_type\":\"STARTS_WITH\",\"value\":\""
                + groupPrefix.toLowerCase() + "\"}");
        create("{\"claimType\":\"RESOURCE\",\"name\":\"sales_role\",\"valueType\":\"EXPRESSION\","
                + "\"value\":\"isMemberOfGroupName('Sales " + groupPrefix + "') ? 'seller' : 'other'\"}");
        create("{\"claimType\":\"RESOURCE\",\"name\":\"only_with_scope\",\"valueType\":\"EXPRESSION\",\"value\":\"'yes'\","
                + "\"conditions\":{\"scopes\":[\"" + scope + "\"]}}");
        create("{\"claimType\":\"RESOURCE\",\"name\":\"disabled\",\"status\":\"INACTIVE\",\"valueType\":\"EXPRESSION\",\"value\":\"'no'\"}");
        create("{\"claimType\":\"RESOURCE\",\"name\":\"broken\",\"valueType\":\"EXPRESSION\",\"value\":\"Convert.toInt(user.login)\"}");
        create("{\"claimType\":\"RESOURCE\",\"name\":\"nothing\",\"valueType\":\"EXPRESSION\",\"value\":\"user.notAnAttribute\"}");
        create("{\"claimType\":\"RESOURCE\",\"name\":\"numbers\",\"valueType\":\"EXPRESSION\",\"value\":\"{1, 2}\"}");
        create("{\"claimType\":\"IDENTITY\",\"name\":\"login_upper\",\"valueType\":\"EXPRESSION\",\"value\":\"String.toUpperCase(user.login)\","
                + "\"alwaysIncludeInToken\":true}");
        create("{\"claimType\":\"IDENTITY\",\"name\":\"userinfo_only\",\"valueType\":\"EXPRESSION\",\"value\":\"user.firstName\","
                + "\"alwaysIncludeInToken\":false}");
        create("{\"claimType\":\"IDENTITY\",\"name\":\"with_email_scope\",\"valueType\":\"EXPRESSION\",\"value\":\"'e'\","
                + "\"conditions\":{\"scopes\":[\"email\"]}}");

        JsonNode tokens = spa.tokens(person, "openid profile");
        assertThat(tokens.has("access_token")).as(tokens.toString()).isTrue();
        JsonNode at = OAuthFlow.claims(tokens.get("access_token").asText());
        assertThat(at.get("surname").asText()).isEqualTo("PERSON");
        List<String> groupNames = new ArrayList<>();
        at.get("groups").forEach(g -> groupNames.add(g.asText()));
        assertThat(groupNames).as("the user's groups starting with the filter, any case")
                .containsExactlyInAnyOrder(groupPrefix + "-Backend", groupPrefix + "-Frontend");
        assertThat(at.get("sales_role").asText()).isEqualTo("seller");
        assertThat(at.get("numbers").toString()).isEqualTo("[1,2]");
        assertThat(at.has("only_with_scope")).as("its scope was not granted").isFalse();
        assertThat(at.has("disabled")).isFalse();
        assertThat(at.has("broken")).as("a claim that fails to evaluate is left out; the token is issued").isFalse();
        assertThat(at.has("nothing")).as("null: no claim").isFalse();
        assertThat(at.has("login_upper")).as("IDENTITY claims are not in the access token").isFalse();
        assertThat(at.get("sub").asText()).isEqualTo(login);

        JsonNode id = OAuthFlow.claims(tokens.get("id_token").asText());
        assertThat(id.get("login_upper").asText()).isEqualTo(login.toUpperCase());
        assertThat(id.has("userinfo_only")).as("thin ID token: only alwaysIncludeInToken claims").isFalse();
        assertThat(id.has("with_email_scope")).isFalse();
        assertThat(id.has("surname")).isFalse();

        Http.Response info = server.http().get("/oauth2/default/v1/userinfo", "Authorization", "Bearer " + tokens.get("access_token").asText());
        assertThat(info.status()).as(info.body()).isEqualTo(200);
        assertThat(info.json().get("login_upper").asText()).isEqualTo(login.toUpperCase());
        assertThat(info.json().get("userinfo_only").asText()).isEqualTo("Test");
        assertThat(info.json().has("with_email_scope")).isFalse();
        assertThat(info.json().has("surname")).isFalse();
        assertThat(info.json().get("sub").asText()).isEqualTo(id.get("sub").asText());

        JsonNode withScope = OAuthFlow.claims(spa.tokens(person, "openid email " + scope).get("access_token").asText());
        assertThat(withScope.get("only_with_scope").asText()).isEqualTo("yes");
    }

    @Test
    void anIdentityGroupsClaimFiltersTheGroupsScopeToo() {
        // The admin limits the ID token's and /userinfo's groups to a filter (Okta's way to give groups on a custom server):
        // a client asking for the groups scope must not get every group name past that filter.
        create("{\"claimType\":\"IDENTITY\",\"name\":\"groups\",\"valueType\":\"GROUPS\",\"group_filter_type\":\"STARTS_WITH\",\"value\":\""
                + groupPrefix + "-B\",\"alwaysIncludeInToken\":true}");
        JsonNode tokens = spa.tokens(person, "openid groups");
        JsonNode id = OAuthFlow.claims(tokens.get("id_token").asText());
        assertThat(id.get("groups").toString()).isEqualTo("[\"" + groupPrefix + "-Backend\"]");
        Http.Response info = server.http().get("/oauth2/default/v1/userinfo", "Authorization", "Bearer " + tokens.get("access_token").asText());
        assertThat(info.json().get("groups").toString()).isEqualTo("[\"" + groupPrefix + "-Backend\"]");
    }

    @Test
    void aChangedClaimIsInTheNextTokenAndTheStandardClaimsStayTheirs() {
        String id = create("{\"claimType\":\"RESOURCE\",\"name\":\"tier\",\"valueType\":\"EXPRESSION\",\"value\":\"'gold'\"}").get("id").asText();
        assertThat(OAuthFlow.claims(spa.tokens(person, "openid").get("access_token").asText()).get("tier").asText()).isEqualTo("gold");
        assertThat(api.put(CLAIMS + "/" + id, "{\"claimType\":\"RESOURCE\",\"name\":\"tier\",\"valueType\":\"EXPRESSION\",\"value\":\"'silver'\"}")
                .status()).isEqualTo(200);
        JsonNode at = OAuthFlow.claims(spa.tokens(person, "openid").get("access_token").asText());
        assertThat(at.get("tier").asText()).as("the snapshot is dropped by the change").isEqualTo("silver");
        assertThat(at.get("cid").asText()).isEqualTo(spa.clientId());
        assertThat(at.get("ver").asInt()).isEqualTo(1);
    }

    @Test
    void aClaimStoredUnderABuiltInNameNeverReplacesTheBuiltInClaim() {
        // The API refuses these names; a row written around it (an older release, a hand edit) must still not win.
        java.time.Instant now = java.time.Instant.now();
        server.wiring().db.inTx(h -> {
            for (String[] row : new String[][] {{"oclForgedSub00000001", "sub", "RESOURCE"}, {"oclForgedCid00000001", "cid", "RESOURCE"},
                    {"oclForgedNonce000001", "nonce", "IDENTITY"}, {"oclForgedSub00000002", "sub", "IDENTITY"}}) {
                h.createUpdate("INSERT INTO authorization_server_claims (id, authorization_server_id, name, claim_type, value_type, claim_value, "
                                + "scopes, always_include_in_token, status, created_at, last_updated_at) VALUES (:id, 'default', :name, :type, "
                                + "'EXPRESSION', '''mallory''', '', TRUE, 'ACTIVE', :now, :now)")
                        .bind("id", row[0]).bind("name", row[1]).bind("type", row[2]).bind("now", now).execute();
            }
        });
        create("{\"claimType\":\"RESOURCE\",\"name\":\"marker\",\"valueType\":\"EXPRESSION\",\"value\":\"'m'\"}");   // drops the snapshot
        JsonNode tokens = spa.tokens(person, "openid");
        JsonNode at = OAuthFlow.claims(tokens.get("access_token").asText());
        assertThat(at.get("marker").asText()).isEqualTo("m");
        assertThat(at.get("sub").asText()).isEqualTo(login);
        assertThat(at.get("cid").asText()).isEqualTo(spa.clientId());
        JsonNode id = OAuthFlow.claims(tokens.get("id_token").asText());
        assertThat(id.get("sub").asText()).startsWith("00u");
        assertThat(id.get("nonce").asText()).isNotEqualTo("mallory");
    }

    @Test
    void oversizedAndMistypedInputIsRefused() {
        long before = rows();
        String many = "[" + "\"profile\",".repeat(300) + "\"email\"]";
        assertOktaError(api.post(CLAIMS, "{\"claimType\":\"RESOURCE\",\"name\":\"a\",\"valueType\":\"EXPRESSION\",\"value\":\"'x'\","
                + "\"conditions\":{\"scopes\":" + many + "}}"), 400, "E0000001");
        assertOktaError(api.post(CLAIMS, "{\"claimType\":\"RESOURCE\",\"name\":\"a\",\"valueType\":\"EXPRESSION\",\"value\":\"'x'\","
                + "\"conditions\":{\"scopes\":[\"" + "s".repeat(300) + "\"]}}"), 400, "E0000001");
        assertOktaError(api.post(CLAIMS, "{\"claimType\":\"RESOURCE\",\"name\":\"a\",\"valueType\":\"EXPRESSION\",\"value\":[\"'x'\"]}"),
                400, "E0000001");
        assertOktaError(api.post(CLAIMS, "{\"claimType\":\"RESOURCE\",\"name\":\"a\",\"valueType\":\"EXPRESSION\",\"value\":\"{"
                + "1,".repeat(450) + "1}\"}"), 400, "E0000001");
        assertThat(rows()).isEqualTo(before);
    }

    @Test
    void clientCredentialsTokensUseTheAppWhereThereIsNoUser() {
        create("{\"claimType\":\"RESOURCE\",\"name\":\"actor\",\"valueType\":\"EXPRESSION\",\"value\":\"(appuser != null) ? appuser.userName : app.clientId\"}");
        create("{\"claimType\":\"RESOURCE\",\"name\":\"mail\",\"valueType\":\"EXPRESSION\",\"value\":\"user.email\"}");
        create("{\"claimType\":\"RESOURCE\",\"name\":\"groups\",\"valueType\":\"GROUPS\",\"group_filter_type\":\"REGEX\",\"value\":\".*\"}");
        JsonNode at = OAuthFlow.claims(OAuthFlow.clientCredentialsToken(server));
        assertThat(at.get("actor").asText()).isEqualTo(at.get("cid").asText());
        assertThat(at.has("mail")).as("no user: user.email fails, the claim is left out").isFalse();
        assertThat(at.has("groups")).isFalse();
        JsonNode user = OAuthFlow.claims(spa.tokens(person, "openid").get("access_token").asText());
        assertThat(user.get("actor").asText()).isEqualTo(login);
        assertThat(user.get("groups")).hasSize(4);
    }

    // ---- the console -----------------------------------------------------------------------------------------------

    @Test
    void theConsoleAddsEditsChecksAndDeletesClaims() {
        Browser admin = server.browser();
        assertThat(admin.signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD, "/admin").status()).isEqualTo(303);
        String page = "/admin/api/authorization-servers/default/claims";
        assertThat(admin.get("/admin/api/authorization-servers/default").body()).contains(page);
        Http.Response list = admin.get(page);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body()).contains("No custom claims yet.").contains("Check the claim");
        String csrf = Browser.csrf(list);

        long before = rows();
        Http.Response check = admin.post(page, "csrf", csrf, "name", "dept", "claimType", "RESOURCE", "valueType", "EXPRESSION",
                "value", "String.toUpperCase(user.login)", "groupFilterType", "STARTS_WITH", "scopes", "", "active", "on",
                "user", login, "check", "1");
        assertThat(check.status()).isEqualTo(200);
        assertThat(check.body()).contains("Value: <code>\"" + login.toUpperCase() + "\"</code>");
        Http.Response bad = admin.post(page, "csrf", csrf, "name", "dept", "claimType", "RESOURCE", "valueType", "EXPRESSION",
                "value", "T(java.lang.Runtime).getRuntime()", "groupFilterType", "STARTS_WITH", "user", login, "check", "1");
        assertThat(bad.body()).contains("Type references (T(...)) cannot be used");
        Http.Response failing = admin.post(page, "csrf", csrf, "name", "dept", "claimType", "RESOURCE", "valueType", "EXPRESSION",
                "value", "Convert.toInt(user.login)", "groupFilterType", "STARTS_WITH", "user", login, "check", "1");
        assertThat(failing.body()).contains("The claim cannot be evaluated: Convert.toInt: not a number");
        Http.Response groups = admin.post(page, "csrf", csrf, "name", "groups", "claimType", "RESOURCE", "valueType", "GROUPS",
                "value", groupPrefix, "groupFilterType", "STARTS_WITH", "user", login, "check", "1");
        assertThat(groups.body()).contains(groupPrefix + "-Backend");
        Http.Response nobody = admin.post(page, "csrf", csrf, "name", "dept", "claimType", "RESOURCE", "valueType", "EXPRESSION",
                "value", "'x'", "groupFilterType", "STARTS_WITH", "user", "nobody@nowhere.test", "check", "1");
        assertThat(nobody.body()).contains("No person has the username");
        assertThat(rows()).as("a check writes nothing").isEqualTo(before);
        Http.Response forged = admin.post(page, "csrf", "forged", "name", "dept", "claimType", "RESOURCE", "valueType", "EXPRESSION",
                "value", "'x'", "groupFilterType", "STARTS_WITH", "user", login, "check", "1");
        assertThat(forged.status()).isEqualTo(403);
        assertThat(server.http().send("POST", page, "name=dept", "Content-Type", "application/x-www-form-urlencoded").status())
                .as("not signed in").isNotIn(200, 303);

        Http.Response added = admin.post(page, "csrf", csrf, "name", "dept", "claimType", "RESOURCE", "valueType", "EXPRESSION",
                "value", "user.email", "groupFilterType", "STARTS_WITH", "scopes", "profile", "active", "on", "save", "1");
        assertThat(added.status()).as(added.body()).isEqualTo(303);
        JsonNode claim = api.get(CLAIMS).json().get(0);
        assertThat(claim.get("name").asText()).isEqualTo("dept");
        assertThat(claim.get("conditions").get("scopes").toString()).isEqualTo("[\"profile\"]");
        String claimId = claim.get("id").asText();
        assertThat(added.header("Location")).isEqualTo(page + "?notice=added");
        assertThat(admin.get(added.header("Location")).body()).contains("Claim added.").contains("<code>dept</code>");

        Http.Response refused = admin.post(page, "csrf", csrf, "name", "sub", "claimType", "RESOURCE", "valueType", "EXPRESSION",
                "value", "'x'", "groupFilterType", "STARTS_WITH", "active", "on", "save", "1");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).contains("is reserved");

        Http.Response edit = admin.get(page + "?edit=" + claimId);
        assertThat(edit.body()).contains("Edit claim").contains("user.email");
        Http.Response saved = admin.post(page + "/" + claimId, "csrf", csrf, "name", "dept", "claimType", "IDENTITY", "valueType", "EXPRESSION",
                "value", "user.login", "groupFilterType", "STARTS_WITH", "scopes", "", "save", "1");
        assertThat(saved.status()).as(saved.body()).isEqualTo(303);
        JsonNode after = api.get(CLAIMS + "/" + claimId).json();
        assertThat(after.get("claimType").asText()).isEqualTo("IDENTITY");
        assertThat(after.get("status").asText()).as("the Active box was left unticked").isEqualTo("INACTIVE");

        assertThat(admin.post(page + "/" + claimId + "/delete", "csrf", csrf).status()).isEqualTo(303);
        assertOktaError(api.get(CLAIMS + "/" + claimId), 404, "E0000007");
    }
}
