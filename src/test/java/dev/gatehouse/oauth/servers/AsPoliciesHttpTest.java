package dev.gatehouse.oauth.servers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.support.ApiClient;
import dev.gatehouse.support.Http;
import dev.gatehouse.support.People;
import dev.gatehouse.support.Sql;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;

import static dev.gatehouse.support.ApiClient.firstCause;
import static dev.gatehouse.support.ApiClient.ok;
import static dev.gatehouse.support.OktaAssertions.assertOktaError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /api/v1/authorizationServers/{id}/policies} and their rules: the seeded Default Policy and Default Policy Rule
 * in Okta's shapes (member order, links with hints, type last), the lifecycle and Okta's v1 priorities, every refusal
 * with nothing written (unknown clients, users, groups, grant types and scopes, lifetimes out of range, duplicates,
 * oversized input, another server's ids, system objects), on H2 and PostgreSQL. Every answer is checked against Okta's
 * OpenAPI description by the shared client.
 */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class AsPoliciesHttpTest {

    static final String AS = "/api/v1/authorizationServers";

    @Parameter
    TestDatabase database;

    static TestServer server;
    static ApiClient api;
    static String base;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        server = TestServer.start(database);
        api = ApiClient.of(server);
        base = server.wiring().config.baseUrl();
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    static String unique(String prefix) {
        return prefix + " " + Long.toString(System.nanoTime(), 36);
    }

    static List<String> fields(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    static String newServer() {
        JsonNode s = ok(api.post(AS, "{\"name\":\"" + unique("as") + "\",\"audiences\":[\"api://" + System.nanoTime() + "\"]}"));
        return s.get("id").asText();
    }

    static String policies(String serverId) {
        return AS + "/" + serverId + "/policies";
    }

    static JsonNode createPolicy(String serverId, String name, Integer priority) {
        Http.Response r = api.post(policies(serverId), policyBody(name, priority, "[\"ALL_CLIENTS\"]"));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json();
    }

    static String policyBody(String name, Integer priority, String clients) {
        return "{\"type\":\"OAUTH_AUTHORIZATION_POLICY\",\"name\":\"" + name + "\",\"description\":\"test\",\"status\":\"ACTIVE\","
                + (priority == null ? "" : "\"priority\":" + priority + ",") + "\"conditions\":{\"clients\":{\"include\":" + clients + "}}}";
    }

    static String ruleBody(String name, Integer priority, String people, String grants, String scopes, String token) {
        return "{\"type\":\"RESOURCE_ACCESS\",\"name\":\"" + name + "\"," + (priority == null ? "" : "\"priority\":" + priority + ",")
                + "\"conditions\":{\"people\":" + people + ",\"grantTypes\":{\"include\":" + grants + "},\"scopes\":{\"include\":" + scopes + "}}"
                + (token == null ? "" : ",\"actions\":{\"token\":" + token + "}") + "}";
    }

    static String everyoneRule(String name, Integer priority) {
        return ruleBody(name, priority, "{\"groups\":{\"include\":[\"EVERYONE\"]}}", "[\"authorization_code\"]", "[\"*\"]", null);
    }

    static long rows(String table) {
        return Sql.count(server.wiring().db, "SELECT COUNT(*) FROM " + table);
    }

    static String written() {
        return rows("as_policies") + "/" + rows("as_policy_rules");
    }

    static List<String> names(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.forEach(p -> out.add(p.get("name").asText() + "@" + p.get("priority").asInt()));
        return out;
    }

    // ── the seeded default ──────────────────────────────────────────────────────────────────────────────────────
    @Test
    void theDefaultServerHasOktasDefaultPolicyAndRuleAsSystemObjects() {
        JsonNode list = ok(api.get(policies("default")));
        JsonNode p = list.get(0);
        assertThat(p.get("name").asText()).isEqualTo("Default Policy");
        assertThat(p.get("id").asText()).matches("00p[A-Za-z0-9]{17}");
        assertThat(fields(p)).containsExactly("id", "status", "name", "description", "priority", "system", "conditions", "created",
                "lastUpdated", "_links", "type");
        assertThat(p.get("description").asText()).isEqualTo("Default policy description");
        assertThat(p.get("system").asBoolean()).isTrue();
        assertThat(p.get("type").asText()).isEqualTo("OAUTH_AUTHORIZATION_POLICY");
        assertThat(p.at("/conditions/clients/include").toString()).isEqualTo("[\"ALL_CLIENTS\"]");
        String self = base + policies("default") + "/" + p.get("id").asText();
        assertThat(p.at("/_links/self/href").asText()).isEqualTo(self);
        assertThat(p.at("/_links/self/hints/allow").toString()).isEqualTo("[\"GET\",\"PUT\",\"DELETE\"]");
        assertThat(p.at("/_links/rules/href").asText()).isEqualTo(self + "/rules");
        assertThat(p.at("/_links/deactivate/href").asText()).isEqualTo(self + "/lifecycle/deactivate");
        assertThat(p.at("/_links/deactivate/hints/allow").toString()).isEqualTo("[\"POST\"]");
        assertThat(p.get("created").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");

        JsonNode r = ok(api.get(self.substring(base.length()) + "/rules")).get(0);
        assertThat(fields(r)).containsExactly("id", "status", "name", "priority", "created", "lastUpdated", "system", "conditions", "actions",
                "_links", "type");
        assertThat(r.get("id").asText()).matches("0pr[A-Za-z0-9]{17}");
        assertThat(r.get("name").asText()).isEqualTo("Default Policy Rule");
        assertThat(r.get("system").asBoolean()).isTrue();
        assertThat(r.get("type").asText()).isEqualTo("RESOURCE_ACCESS");
        assertThat(r.at("/conditions/people").toString())
                .isEqualTo("{\"users\":{\"include\":[],\"exclude\":[]},\"groups\":{\"include\":[\"EVERYONE\"],\"exclude\":[]}}");
        assertThat(r.at("/conditions/grantTypes/include").toString()).isEqualTo("[\"authorization_code\",\"client_credentials\",\"refresh_token\"]");
        assertThat(r.at("/conditions/scopes/include").toString()).isEqualTo("[\"*\"]");
        assertThat(r.at("/actions/token").toString())
                .isEqualTo("{\"accessTokenLifetimeMinutes\":60,\"refreshTokenLifetimeMinutes\":0,\"refreshTokenWindowMinutes\":10080}");
        assertThat(fields(r.get("_links"))).containsExactly("self", "deactivate");
        assertThat(ok(api.get(self.substring(base.length()) + "/rules/" + r.get("id").asText()))).isEqualTo(r);
        assertThat(ok(api.get(self.substring(base.length())))).isEqualTo(p);
    }

    @Test
    void aNewCustomServerHasNoPoliciesAndTheOrgServerIsNotAddressable() {
        String as = newServer();
        assertThat(ok(api.get(policies(as)))).isEmpty();
        JsonNode links = ok(api.get(AS + "/" + as)).get("_links");
        assertThat(links.at("/policies/href").asText()).isEqualTo(base + policies(as));
        assertThat(links.at("/policies/hints/allow").toString()).isEqualTo("[\"GET\"]");
        assertOktaError(api.get(policies("org")), 404, "E0000007");
        assertOktaError(api.get(policies("ausNoSuchServer000001")), 404, "E0000007");
        assertOktaError(api.post(policies("org"), policyBody("x", null, "[\"ALL_CLIENTS\"]")), 404, "E0000007");
    }

    @Test
    void systemPolicyAndRuleCannotBeDeletedButCanBeDeactivated() {
        JsonNode p = ok(api.get(policies("default"))).get(0);
        String path = policies("default") + "/" + p.get("id").asText();
        String before = written();
        Http.Response del = api.delete(path);
        assertOktaError(del, 403, "E0000006");
        assertThat(firstCause(del)).contains("system policy");
        JsonNode rule = ok(api.get(path + "/rules")).get(0);
        Http.Response delRule = api.delete(path + "/rules/" + rule.get("id").asText());
        assertOktaError(delRule, 403, "E0000006");
        assertThat(firstCause(delRule)).contains("system rule");
        assertThat(written()).isEqualTo(before);
    }

    // ── lifecycle and priorities ────────────────────────────────────────────────────────────────────────────────
    @Test
    void policiesFollowOktasV1PrioritiesAndLifecycle() {
        String as = newServer();
        createPolicy(as, "A", null);
        createPolicy(as, "B", null);
        JsonNode c = createPolicy(as, "C", 1);   // inserted first: the others shift down
        assertThat(names(ok(api.get(policies(as))))).containsExactly("C@1", "A@2", "B@3");
        JsonNode d = createPolicy(as, "D", 99);   // past the end: last
        assertThat(d.get("priority").asInt()).isEqualTo(4);
        // moving C from 1 to 3 shifts the block between
        JsonNode moved = ok(api.put(policies(as) + "/" + c.get("id").asText(), policyBody("C", 3, "[\"ALL_CLIENTS\"]")));
        assertThat(moved.get("priority").asInt()).isEqualTo(3);
        assertThat(names(ok(api.get(policies(as))))).containsExactly("A@1", "B@2", "C@3", "D@4");
        // delete closes the gap
        String bId = ok(api.get(policies(as))).get(1).get("id").asText();
        Http.Response del = api.delete(policies(as) + "/" + bId);
        assertThat(del.status()).isEqualTo(204);
        assertThat(del.body()).isEmpty();
        assertThat(names(ok(api.get(policies(as))))).containsExactly("A@1", "C@2", "D@3");
        assertOktaError(api.get(policies(as) + "/" + bId), 404, "E0000007");

        String cPath = policies(as) + "/" + c.get("id").asText();
        assertThat(api.post(cPath + "/lifecycle/deactivate", null).status()).isEqualTo(204);
        JsonNode off = ok(api.get(cPath));
        assertThat(off.get("status").asText()).isEqualTo("INACTIVE");
        assertThat(fields(off.get("_links"))).containsExactly("self", "rules", "activate");
        assertThat(off.at("/_links/activate/href").asText()).isEqualTo(base + cPath + "/lifecycle/activate");
        assertThat(api.post(cPath + "/lifecycle/deactivate", null).status()).isEqualTo(204);   // idempotent
        assertThat(api.post(cPath + "/lifecycle/activate", null).status()).isEqualTo(204);
        assertThat(ok(api.get(cPath)).get("status").asText()).isEqualTo("ACTIVE");
        assertOktaError(api.post(cPath + "/lifecycle/explode", null), 404, "E0000007");
    }

    @Test
    void rulesFollowOktasV1PrioritiesAndEchoWhatTheySet() {
        String as = newServer();
        String path = policies(as) + "/" + createPolicy(as, "P", null).get("id").asText() + "/rules";
        Http.Response first = api.post(path, everyoneRule("one", 99));   // Okta clamps 99 to 1 in an empty policy
        assertThat(first.status()).as(first.body()).isEqualTo(201);
        assertThat(first.json().get("priority").asInt()).isEqualTo(1);
        assertThat(first.json().get("system").asBoolean()).isFalse();
        ok(api.post(path, everyoneRule("two", null)));
        ok(api.post(path, everyoneRule("zero", 1)));
        assertThat(names(ok(api.get(path)))).containsExactly("zero@1", "one@2", "two@3");

        String scope = "orders:read" + System.nanoTime();
        ok(api.post(AS + "/" + as + "/scopes", "{\"name\":\"" + scope + "\"}"));
        String user = People.create(server.http(), "aspol" + System.nanoTime() + "@example.com", "Correct-Horse-42!");
        JsonNode full = ok(api.post(path, ruleBody("full", null,
                "{\"users\":{\"include\":[\"" + user + "\"],\"exclude\":[]},\"groups\":{\"include\":[],\"exclude\":[]}}",
                "[\"authorization_code\",\"refresh_token\",\"implicit\"]", "[\"" + scope + "\",\"openid\"]",
                "{\"accessTokenLifetimeMinutes\":15,\"refreshTokenLifetimeMinutes\":120,\"refreshTokenWindowMinutes\":60,\"inlineHook\":{\"id\":\"calHook0000000000001\"}}")));
        assertThat(full.at("/conditions/people/users/include/0").asText()).isEqualTo(user);
        assertThat(full.at("/conditions/grantTypes/include").toString()).isEqualTo("[\"authorization_code\",\"refresh_token\",\"implicit\"]");
        assertThat(full.at("/conditions/scopes/include").toString()).isEqualTo("[\"" + scope + "\",\"openid\"]");
        assertThat(full.at("/actions/token").toString()).isEqualTo("{\"accessTokenLifetimeMinutes\":15,\"refreshTokenLifetimeMinutes\":120,"
                + "\"refreshTokenWindowMinutes\":60,\"inlineHook\":{\"id\":\"calHook0000000000001\"}}");
        // a client-credentials-only rule may name nobody (Okta's "No user")
        JsonNode service = ok(api.post(path, ruleBody("service", null, "{}", "[\"client_credentials\"]", "[]", null)));
        assertThat(service.at("/conditions/people/groups/include").toString()).isEqualTo("[]");
        assertThat(service.at("/conditions/scopes/include").toString()).isEqualTo("[]");

        String fullPath = path + "/" + full.get("id").asText();
        JsonNode replaced = ok(api.put(fullPath, everyoneRule("full renamed", 1)));
        assertThat(replaced.get("name").asText()).isEqualTo("full renamed");
        assertThat(replaced.get("priority").asInt()).isEqualTo(1);
        assertThat(replaced.at("/actions/token").toString())
                .isEqualTo("{\"accessTokenLifetimeMinutes\":60,\"refreshTokenLifetimeMinutes\":0,\"refreshTokenWindowMinutes\":10080}");
        assertThat(api.post(fullPath + "/lifecycle/deactivate", null).status()).isEqualTo(204);
        JsonNode off = ok(api.get(fullPath));
        assertThat(off.get("status").asText()).isEqualTo("INACTIVE");
        assertThat(fields(off.get("_links"))).containsExactly("self", "activate");
        assertThat(api.delete(fullPath).status()).isEqualTo(204);
        assertThat(names(ok(api.get(path)))).containsExactly("zero@1", "one@2", "two@3", "service@4");
    }

    @Test
    void deletingAServerDeletesItsPoliciesAndRules() {
        String as = newServer();
        String path = policies(as) + "/" + createPolicy(as, "P", null).get("id").asText() + "/rules";
        ok(api.post(path, everyoneRule("r", null)));
        long before = rows("as_policy_rules");
        assertThat(api.post(AS + "/" + as + "/lifecycle/deactivate", null).status()).isEqualTo(204);
        assertThat(api.delete(AS + "/" + as).status()).isEqualTo(204);
        assertThat(Sql.count(server.wiring().db, "SELECT COUNT(*) FROM as_policies WHERE authorization_server_id = '" + as + "'")).isZero();
        assertThat(rows("as_policy_rules")).isEqualTo(before - 1);
    }

    // ── refusals: 400 E0000001 with causes, nothing written ────────────────────────────────────────────────────
    @Test
    void badPoliciesAreRefusedWithCausesAndNothingWritten() {
        String as = newServer();
        createPolicy(as, "Taken", null);
        String before = written();
        refusePolicy(as, "{\"description\":\"d\",\"conditions\":{\"clients\":{\"include\":[\"ALL_CLIENTS\"]}}}", "name: The field cannot be left blank");
        refusePolicy(as, "{\"name\":\"n\",\"conditions\":{\"clients\":{\"include\":[\"ALL_CLIENTS\"]}}}", "description: The field cannot be left blank");
        refusePolicy(as, policyBody("Taken", null, "[\"ALL_CLIENTS\"]"), "name: An object with this field already exists in the current organization");
        refusePolicy(as, policyBody("n", null, "[\"0oaNoSuchClient000001\"]"), "conditions.clients.include: Invalid client id: 0oaNoSuchClient000001");
        refusePolicy(as, policyBody("n", null, "[]"), "conditions.clients.include: Name ALL_CLIENTS or at least one client id");
        refusePolicy(as, "{\"name\":\"n\",\"description\":\"d\"}", "conditions.clients.include: The field cannot be left blank");
        refusePolicy(as, policyBody("x".repeat(101), null, "[\"ALL_CLIENTS\"]"), "name: The field cannot be longer than 100 characters");
        refusePolicy(as, policyBody("n", null, "\"ALL_CLIENTS\""), "conditions.clients.include: Must be an array of strings");
        refusePolicy(as, policyBody("n", null, "[" + "\"c\",".repeat(100) + "\"c\"]"), "conditions.clients.include: At most 100 values");
        refusePolicy(as, "{\"type\":\"ACCESS_POLICY\",\"name\":\"n\",\"description\":\"d\",\"conditions\":{\"clients\":{\"include\":[\"ALL_CLIENTS\"]}}}",
                "type: Must be OAUTH_AUTHORIZATION_POLICY");
        refusePolicy(as, "{\"name\":\"n\",\"description\":\"d\",\"status\":\"SOMETIMES\",\"conditions\":{\"clients\":{\"include\":[\"ALL_CLIENTS\"]}}}",
                "status: Must be ACTIVE or INACTIVE");
        refusePolicy(as, "{\"name\":\"n\",\"description\":\"d\",\"priority\":\"first\",\"conditions\":{\"clients\":{\"include\":[\"ALL_CLIENTS\"]}}}",
                "priority: Does not match required type: integer");
        assertOktaError(api.post(policies(as), "[1,2]"), 400, "E0000003");
        // a PUT that would rename onto another policy is refused the same way
        String other = createPolicy(as, "Other", null).get("id").asText();
        String afterOther = written();
        Http.Response dup = api.put(policies(as) + "/" + other, policyBody("Taken", null, "[\"ALL_CLIENTS\"]"));
        assertOktaError(dup, 400, "E0000001");
        assertThat(ok(api.get(policies(as) + "/" + other)).get("name").asText()).isEqualTo("Other");
        assertThat(written()).isEqualTo(afterOther).isNotEqualTo(before);
    }

    private static void refusePolicy(String as, String body, String cause) {
        String before = written();
        Http.Response r = api.post(policies(as), body);
        assertOktaError(r, 400, "E0000001");
        assertThat(firstCause(r)).isEqualTo(cause);
        assertThat(written()).isEqualTo(before);
    }

    @Test
    void badRulesAreRefusedWithCausesAndNothingWritten() {
        String as = newServer();
        String path = policies(as) + "/" + createPolicy(as, "P", null).get("id").asText() + "/rules";
        ok(api.post(path, everyoneRule("Taken", null)));
        String everyone = "{\"groups\":{\"include\":[\"EVERYONE\"]}}";
        refuseRule(path, everyoneRule("Taken", null), "name: An object with this field already exists in the current organization");
        refuseRule(path, ruleBody("", null, everyone, "[\"authorization_code\"]", "[\"*\"]", null), "name: The field cannot be left blank");
        refuseRule(path, ruleBody("r", null, everyone, "[\"client-credentials\"]", "[\"*\"]", null),
                "conditions.grantTypes.include: Invalid grant type: client-credentials");
        refuseRule(path, ruleBody("r", null, everyone, "[]", "[\"*\"]", null), "conditions.grantTypes.include: The field cannot be left blank");
        refuseRule(path, ruleBody("r", null, everyone, "[\"authorization_code\"]", "[\"no:such:scope\"]", null),
                "conditions.scopes.include: Scope no:such:scope does not exist on this authorization server");
        refuseRule(path, ruleBody("r", null, "{\"users\":{\"include\":[\"00uNoSuchUser00000001\"]}}", "[\"authorization_code\"]", "[\"*\"]", null),
                "conditions.people.users.include: Invalid user id: 00uNoSuchUser00000001");
        refuseRule(path, ruleBody("r", null, "{\"groups\":{\"include\":[\"00gNoSuchGroup0000001\"]}}", "[\"authorization_code\"]", "[\"*\"]", null),
                "conditions.people.groups.include: Invalid group id: 00gNoSuchGroup0000001");
        refuseRule(path, ruleBody("r", null, "{\"groups\":{\"include\":[\"EVERYONE\"],\"exclude\":[\"00gNoSuchGroup0000001\"]}}",
                "[\"authorization_code\"]", "[\"*\"]", null), "conditions.people.groups.exclude: Invalid group id: 00gNoSuchGroup0000001");
        // Okta's one recorded rule error, verbatim
        Http.Response people = api.post(path, ruleBody("r", null, "{\"users\":{}}", "[\"authorization_code\"]", "[\"*\"]", null));
        assertOktaError(people, 400, "E0000001");
        assertThat(people.json().get("errorSummary").asText()).isEqualTo("Api validation failed: conditions.people");
        assertThat(firstCause(people)).isEqualTo("conditions.people: At least one of ''conditions.people.users.include'' or "
                + "''conditions.people.groups.include'' must contain a valid user or group when ''conditions.grantTypes'' contains one or more "
                + "of [authorization_code, implicit, password].");
        refuseRule(path, ruleBody("r", null, everyone, "[\"authorization_code\"]", "[\"*\"]", "{\"accessTokenLifetimeMinutes\":4}"),
                "actions.token.accessTokenLifetimeMinutes: Access token lifetime must be between 5 and 1440 minutes.");
        refuseRule(path, ruleBody("r", null, everyone, "[\"authorization_code\"]", "[\"*\"]", "{\"accessTokenLifetimeMinutes\":1441}"),
                "actions.token.accessTokenLifetimeMinutes: Access token lifetime must be between 5 and 1440 minutes.");
        refuseRule(path, ruleBody("r", null, everyone, "[\"authorization_code\"]", "[\"*\"]",
                        "{\"accessTokenLifetimeMinutes\":60,\"refreshTokenLifetimeMinutes\":30}"),
                "actions.token.refreshTokenLifetimeMinutes: Refresh token lifetime must be 0 (unlimited) or at least the access token lifetime, and at most 2628000 minutes.");
        refuseRule(path, ruleBody("r", null, everyone, "[\"authorization_code\"]", "[\"*\"]", "{\"refreshTokenWindowMinutes\":9}"),
                "actions.token.refreshTokenWindowMinutes: Refresh token window must be between 10 and 2628000 minutes.");
        refuseRule(path, ruleBody("r", null, everyone, "[\"authorization_code\"]", "[\"*\"]", "{\"refreshTokenWindowMinutes\":2628001}"),
                "actions.token.refreshTokenWindowMinutes: Refresh token window must be between 10 and 2628000 minutes.");
        refuseRule(path, ruleBody("r", null, everyone, "[\"authorization_code\"]", "[\"*\"]", "{\"accessTokenLifetimeMinutes\":\"60\"}"),
                "actions.token.accessTokenLifetimeMinutes: Does not match required type: integer");
        refuseRule(path, ruleBody("r", null, everyone, "[\"authorization_code\"]", "[" + "\"x\",".repeat(100) + "\"x\"]", null),
                "conditions.scopes.include: At most 100 values");
        refuseRule(path, ruleBody("r", null, everyone, "[\"authorization_code\"]", "[\"*\",\"openid\"]", null),
                "conditions.scopes.include: * (any scope) cannot be combined with scope names");
        refuseRule(path, "{\"type\":\"SIGN_ON\",\"name\":\"r\",\"conditions\":{\"grantTypes\":{\"include\":[\"client_credentials\"]}}}",
                "type: Must be RESOURCE_ACCESS");
        // every cause at once
        Http.Response many = api.post(path, ruleBody("r", null, "{}", "[\"nope\"]", "[\"nope\"]", "{\"accessTokenLifetimeMinutes\":1}"));
        assertOktaError(many, 400, "E0000001");
        assertThat(many.json().get("errorCauses")).hasSize(3);
    }

    /** Every field of a valid policy, rule and claim body replaced by each JSON kind: a 400 (or a 2xx), never a 500. */
    @Test
    void mistypedBodiesAreNeverAServerError() throws Exception {
        String as = newServer();
        String policyId = createPolicy(as, "Fuzzed", null).get("id").asText();
        String rules = policies(as) + "/" + policyId + "/rules";
        String ruleId = ok(api.post(rules, everyoneRule("Fuzzed rule", null))).get("id").asText();
        String rule = ruleBody("r", 1, "{\"users\":{\"include\":[],\"exclude\":[]},\"groups\":{\"include\":[\"EVERYONE\"],\"exclude\":[]}}",
                "[\"authorization_code\"]", "[\"*\"]", "{\"accessTokenLifetimeMinutes\":60,\"refreshTokenLifetimeMinutes\":0,"
                        + "\"refreshTokenWindowMinutes\":10080}");
        String claim = "{\"name\":\"c\",\"status\":\"ACTIVE\",\"claimType\":\"RESOURCE\",\"valueType\":\"EXPRESSION\","
                + "\"value\":\"user.email\",\"alwaysIncludeInToken\":true,\"conditions\":{\"scopes\":[]}}";
        String groups = "{\"name\":\"g\",\"status\":\"ACTIVE\",\"claimType\":\"IDENTITY\",\"valueType\":\"GROUPS\","
                + "\"value\":\"a\",\"group_filter_type\":\"REGEX\",\"alwaysIncludeInToken\":true,\"conditions\":{\"scopes\":[]}}";
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        // The kinds that reached a cast or an unchecked lookup in other APIs (each run costs a request per field).
        List<String> kinds = List.of("null", "1.5", "\"x\"", "[null]", "{}");
        List<String[]> targets = List.of(
                new String[] {"POST", policies(as), policyBody("p", 1, "[\"ALL_CLIENTS\"]")},
                new String[] {"PUT", policies(as) + "/" + policyId, policyBody("p", 1, "[\"ALL_CLIENTS\"]")},
                new String[] {"POST", rules, rule},
                new String[] {"PUT", rules + "/" + ruleId, rule},
                new String[] {"POST", AS + "/" + as + "/claims", claim},
                new String[] {"POST", AS + "/" + as + "/claims", groups});
        List<String> errors = new ArrayList<>();
        for (String[] t : targets) {
            JsonNode valid = mapper.readTree(t[2]);
            List<String> paths = new ArrayList<>();
            leaves(valid, "", paths);
            for (String path : paths) {
                for (String kind : kinds) {
                    JsonNode body = valid.deepCopy();
                    replace(body, path, mapper.readTree(kind));
                    Http.Response r = api.send(t[0], t[1], body.toString());
                    if (r.status() >= 500) {
                        errors.add(t[0] + " " + t[1] + " " + path + "=" + kind + " -> " + r.status());
                    }
                }
            }
            for (String whole : List.of("null", "\"x\"", "[]", "{}", "{\"conditions\":{\"people\":null}}")) {
                Http.Response r = api.send(t[0], t[1], whole);
                if (r.status() >= 500) {
                    errors.add(t[0] + " " + t[1] + " body=" + whole + " -> " + r.status());
                }
            }
        }
        assertThat(errors).isEmpty();
    }

    private static void leaves(JsonNode n, String at, List<String> out) {
        if (!at.isEmpty()) {
            out.add(at);
        }
        if (n.isObject()) {
            n.fieldNames().forEachRemaining(f -> leaves(n.get(f), at + "/" + f, out));
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                leaves(n.get(i), at + "/" + i, out);
            }
        }
    }

    private static void replace(JsonNode root, String path, JsonNode value) {
        int cut = path.lastIndexOf('/');
        JsonNode parent = root.at(path.substring(0, cut));
        String last = path.substring(cut + 1);
        if (parent instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
            o.set(last, value);
        } else if (parent instanceof com.fasterxml.jackson.databind.node.ArrayNode a) {
            a.set(Integer.parseInt(last), value);
        }
    }

    private static void refuseRule(String path, String body, String cause) {
        String before = written();
        Http.Response r = api.post(path, body);
        assertOktaError(r, 400, "E0000001");
        assertThat(firstCause(r)).isEqualTo(cause);
        assertThat(written()).isEqualTo(before);
    }

    @Test
    void anotherServersPolicyOrRuleIdIsNotFoundHere() {
        String a = newServer();
        String b = newServer();
        String policy = createPolicy(a, "P", null).get("id").asText();
        String rule = ok(api.post(policies(a) + "/" + policy + "/rules", everyoneRule("r", null))).get("id").asText();
        String before = written();
        assertOktaError(api.get(policies(b) + "/" + policy), 404, "E0000007");
        assertOktaError(api.put(policies(b) + "/" + policy, policyBody("x", null, "[\"ALL_CLIENTS\"]")), 404, "E0000007");
        assertOktaError(api.delete(policies(b) + "/" + policy), 404, "E0000007");
        assertOktaError(api.post(policies(b) + "/" + policy + "/lifecycle/deactivate", null), 404, "E0000007");
        assertOktaError(api.get(policies(b) + "/" + policy + "/rules/" + rule), 404, "E0000007");
        // a rule id under another policy of the same server
        String other = createPolicy(a, "Q", null).get("id").asText();
        String afterQ = written();
        assertOktaError(api.get(policies(a) + "/" + other + "/rules/" + rule), 404, "E0000007");
        assertOktaError(api.delete(policies(a) + "/" + other + "/rules/" + rule), 404, "E0000007");
        assertOktaError(api.put(policies(a) + "/" + other + "/rules/" + rule, everyoneRule("x", null)), 404, "E0000007");
        assertOktaError(api.post(policies(a) + "/" + other + "/rules/" + rule + "/lifecycle/deactivate", null), 404, "E0000007");
        assertThat(written()).isEqualTo(afterQ).isNotEqualTo(before);
        assertThat(ok(api.get(policies(a) + "/" + policy + "/rules/" + rule)).get("status").asText()).isEqualTo("ACTIVE");
    }

    @Test
    void changesAreLoggedWithOktasPolicyEventTypes() {
        String as = newServer();
        long created = events("policy.lifecycle.create");
        long added = events("policy.rule.add");
        String policy = createPolicy(as, "P", null).get("id").asText();
        ok(api.post(policies(as) + "/" + policy + "/rules", everyoneRule("r", null)));
        assertThat(events("policy.lifecycle.create")).isEqualTo(created + 1);
        assertThat(events("policy.rule.add")).isEqualTo(added + 1);
    }

    static long events(String type) {
        return server.wiring().db.read(h -> server.wiring().systemLog.count(h, type));
    }
}
