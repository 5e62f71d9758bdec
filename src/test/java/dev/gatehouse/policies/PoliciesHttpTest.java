package dev.gatehouse.policies;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.support.ApiClient;
import dev.gatehouse.support.Http;
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
 * {@code /api/v1/policies} and {@code PUT /api/v1/apps/{appId}/policies/{policyId}}: the seeded defaults in Okta's
 * shapes, the lifecycle and priorities, every refusal (with nothing written) and the System Log events, on H2 and
 * PostgreSQL. Every response is also checked against Okta's OpenAPI description by the shared client.
 */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class PoliciesHttpTest {

    static final String POLICIES = "/api/v1/policies";

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

    static long events(String type) {
        return server.wiring().db.read(h -> server.wiring().systemLog.count(h, type));
    }

    static JsonNode list(String type) {
        return ok(api.get(POLICIES + "?type=" + type));
    }

    static JsonNode only(JsonNode list, String name) {
        for (JsonNode p : list) {
            if (p.get("name").asText().equals(name)) {
                return p;
            }
        }
        throw new AssertionError("no policy " + name + " in " + list);
    }

    static List<String> fields(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    static String unique(String prefix) {
        return prefix + " " + Long.toString(System.nanoTime(), 36);
    }

    static JsonNode createAccessPolicy(String name) {
        return ok(api.post(POLICIES, "{\"type\":\"ACCESS_POLICY\",\"name\":\"" + name + "\",\"description\":\"for a test\"}"));
    }

    static String rule(String name, Integer priority, String factorMode) {
        return "{\"name\":\"" + name + "\"," + (priority == null ? "" : "\"priority\":" + priority + ",")
                + "\"type\":\"ACCESS_POLICY\",\"conditions\":{\"network\":{\"connection\":\"ANYWHERE\"}},"
                + "\"actions\":{\"appSignOn\":{\"access\":\"ALLOW\",\"verificationMethod\":{\"factorMode\":\"" + factorMode
                + "\",\"reauthenticateIn\":\"PT2H\",\"type\":\"ASSURANCE\"}}}}";
    }

    @Test
    void theDefaultAppSignInPolicyIsTheOnlySystemOneAndAsksForThePasswordOnly() {
        JsonNode all = list("ACCESS_POLICY");
        List<JsonNode> system = new ArrayList<>();
        all.forEach(p -> {
            if (p.get("system").asBoolean()) {
                system.add(p);
            }
        });
        assertThat(system).hasSize(1);   // Terraform needs exactly one
        JsonNode d = system.getFirst();
        assertThat(d.get("id").asText()).matches("rst[A-Za-z0-9]{17}");
        assertThat(d.get("name").asText()).isEqualTo("Default Policy");
        assertThat(d.get("description").asText()).contains("Any two factors");
        assertThat(fields(d)).containsExactly("id", "status", "name", "description", "priority", "system", "conditions", "created",
                "lastUpdated", "_links", "_embedded", "type");
        assertThat(d.get("conditions").isNull()).isTrue();
        assertThat(d.at("/_embedded/resourceType").asText()).isEqualTo("APP");
        String self = base + POLICIES + "/" + d.get("id").asText();
        assertThat(d.at("/_links/self/href").asText()).isEqualTo(self);
        assertThat(d.at("/_links/self/hints/allow").toString()).isEqualTo("[\"GET\",\"PUT\"]");
        assertThat(fields(d.get("_links"))).containsExactly("self", "rules");

        JsonNode rules = ok(api.get(POLICIES + "/" + d.get("id").asText() + "/rules"));
        assertThat(rules).hasSize(1);
        JsonNode catchAll = rules.get(0);
        assertThat(catchAll.get("id").asText()).matches("rul[A-Za-z0-9]{17}");
        assertThat(catchAll.get("name").asText()).isEqualTo("Catch-all Rule");
        assertThat(catchAll.get("priority").asInt()).isEqualTo(99);
        assertThat(catchAll.get("system").asBoolean()).isTrue();
        assertThat(catchAll.get("type").asText()).isEqualTo("ACCESS_POLICY");
        assertThat(catchAll.at("/actions/appSignOn/access").asText()).isEqualTo("ALLOW");
        assertThat(catchAll.at("/actions/appSignOn/verificationMethod/factorMode").asText()).isEqualTo("1FA");
        assertThat(catchAll.at("/actions/appSignOn/verificationMethod/constraints/0/knowledge/types/0").asText()).isEqualTo("PASSWORD");
        assertThat(fields(catchAll.get("_links"))).containsExactly("self");
        assertThat(ok(api.get(POLICIES + "/" + d.get("id").asText() + "/rules/" + catchAll.get("id").asText()))).isEqualTo(catchAll);
        assertThat(ok(api.get(POLICIES + "/" + d.get("id").asText()))).isEqualTo(d);
    }

    @Test
    void theDefaultEnrollmentAndSessionPoliciesAreSeededForEveryone() {
        JsonNode mfa = only(list("MFA_ENROLL"), "Default Policy");
        assertThat(mfa.get("id").asText()).matches("00p[A-Za-z0-9]{17}");
        assertThat(mfa.get("system").asBoolean()).isTrue();
        assertThat(mfa.at("/conditions/people/groups/include/0").asText()).isEqualTo("00gEveryoneGroup0001");
        assertThat(mfa.at("/settings/type").asText()).isEqualTo("AUTHENTICATORS");
        assertThat(mfa.at("/settings/authenticators").toString())
                .contains("{\"key\":\"okta_password\",\"enroll\":{\"self\":\"REQUIRED\"}}")
                .contains("{\"key\":\"google_otp\",\"enroll\":{\"self\":\"OPTIONAL\"}}");
        JsonNode mfaRules = ok(api.get(POLICIES + "/" + mfa.get("id").asText() + "/rules"));
        assertThat(mfaRules.get(0).get("id").asText()).matches("0pr[A-Za-z0-9]{17}");
        assertThat(mfaRules.get(0).get("type").asText()).isEqualTo("MFA_ENROLL");

        JsonNode signOn = only(list("OKTA_SIGN_ON"), "Default Policy");
        assertThat(signOn.get("system").asBoolean()).isTrue();
        assertThat(signOn.at("/conditions/people/groups/include/0").asText()).isEqualTo("00gEveryoneGroup0001");
        JsonNode rule = ok(api.get(POLICIES + "/" + signOn.get("id").asText() + "/rules")).get(0);
        assertThat(rule.get("name").asText()).isEqualTo("Default Rule");
        assertThat(rule.get("type").asText()).isEqualTo("SIGN_ON");
        assertThat(rule.at("/actions/signon/access").asText()).isEqualTo("ALLOW");
        assertThat(rule.at("/actions/signon/requireFactor").asBoolean()).isFalse();
        assertThat(rule.at("/actions/signon/session/maxSessionIdleMinutes").asInt()).isEqualTo(120);
        assertThat(rule.at("/actions/signon/session/maxSessionLifetimeMinutes").asInt()).isEqualTo(1440);
    }

    @Test
    void listingNeedsATypeAsAtOkta() {
        Http.Response none = api.get(POLICIES);
        assertOktaError(none, 400, "E0000028");
        assertThat(firstCause(none)).startsWith("type: ");
        Http.Response unknown = api.get(POLICIES + "?type=NOT_A_TYPE");
        assertOktaError(unknown, 400, "E0000001");
        assertThat(firstCause(unknown)).isEqualTo("type: Invalid policy type specified");
        assertThat(list("PASSWORD")).isEmpty();   // an Okta type Gatehouse does not keep
        assertOktaError(api.get(POLICIES + "?type=ACCESS_POLICY&status=SOMETIMES"), 400, "E0000001");
        assertThat(ok(api.get(POLICIES + "?type=ACCESS_POLICY&status=ACTIVE&q=default")).get(0).get("name").asText()).isEqualTo("Default Policy");
    }

    @Test
    void anAppSignInPolicyIsCreatedWithItsCatchAllRuleAndGoesThroughItsLifecycleWithEvents() {
        long created = events("policy.lifecycle.create");
        String name = unique("Two factors");
        JsonNode p = createAccessPolicy(name);
        String id = p.get("id").asText();
        assertThat(id).matches("rst[A-Za-z0-9]{17}");
        assertThat(p.get("system").asBoolean()).isFalse();
        assertThat(p.get("status").asText()).isEqualTo("ACTIVE");
        assertThat(p.get("priority").asInt()).isEqualTo(1);
        assertThat(fields(p.get("_links"))).containsExactly("self", "rules", "deactivate");
        assertThat(p.at("/_links/self/hints/allow").toString()).isEqualTo("[\"GET\",\"PUT\",\"DELETE\"]");
        assertThat(events("policy.lifecycle.create")).isEqualTo(created + 1);
        JsonNode catchAll = ok(api.get(POLICIES + "/" + id + "/rules")).get(0);
        assertThat(catchAll.get("system").asBoolean()).isTrue();
        assertThat(catchAll.get("priority").asInt()).isEqualTo(99);
        assertThat(catchAll.at("/actions/appSignOn/verificationMethod/factorMode").asText()).isEqualTo("2FA");

        long updated = events("policy.lifecycle.update");
        JsonNode renamed = ok(api.put(POLICIES + "/" + id, "{\"type\":\"ACCESS_POLICY\",\"name\":\"" + name + " renamed\"}"));
        assertThat(renamed.get("name").asText()).isEqualTo(name + " renamed");
        assertThat(events("policy.lifecycle.update")).isEqualTo(updated + 1);

        long deactivated = events("policy.lifecycle.deactivate");
        Http.Response off = api.post(POLICIES + "/" + id + "/lifecycle/deactivate", null);
        assertThat(off.status()).isEqualTo(204);
        assertThat(off.body()).isEmpty();
        JsonNode inactive = ok(api.get(POLICIES + "/" + id));
        assertThat(inactive.get("status").asText()).isEqualTo("INACTIVE");
        assertThat(fields(inactive.get("_links"))).containsExactly("self", "rules", "activate");
        assertThat(api.post(POLICIES + "/" + id + "/lifecycle/deactivate", null).status()).isEqualTo(204);
        assertThat(events("policy.lifecycle.deactivate")).isEqualTo(deactivated + 1);   // only the change is logged
        long activated = events("policy.lifecycle.activate");
        assertThat(api.post(POLICIES + "/" + id + "/lifecycle/activate", null).status()).isEqualTo(204);
        assertThat(events("policy.lifecycle.activate")).isEqualTo(activated + 1);

        long deleted = events("policy.lifecycle.delete");
        assertThat(api.delete(POLICIES + "/" + id).status()).isEqualTo(204);
        assertThat(events("policy.lifecycle.delete")).isEqualTo(deleted + 1);
        assertOktaError(api.get(POLICIES + "/" + id), 404, "E0000007");
        assertOktaError(api.get(POLICIES + "/" + id + "/rules"), 404, "E0000007");
    }

    @Test
    void rulesAreInsertedAtTheirPriorityShiftingTheOthersWhileTheCatchAllStaysLast() {
        String id = createAccessPolicy(unique("Rules")).get("id").asText();
        String rules = POLICIES + "/" + id + "/rules";
        long added = events("policy.rule.add");
        JsonNode first = ok(api.post(rules, rule("first", 0, "2FA")));
        assertThat(first.get("id").asText()).matches("rul[A-Za-z0-9]{17}");
        assertThat(first.get("priority").asInt()).isEqualTo(0);
        assertThat(first.get("system").asBoolean()).isFalse();
        assertThat(first.at("/conditions/people/users/exclude").toString()).isEqualTo("[]");
        assertThat(first.at("/conditions/userType").toString()).isEqualTo("{\"include\":[],\"exclude\":[]}");
        assertThat(first.at("/actions/appSignOn/keepMeSignedIn/postAuth").asText()).isEqualTo("NOT_ALLOWED");
        assertThat(fields(first.get("_links"))).containsExactly("self", "deactivate");
        JsonNode second = ok(api.post(rules, rule("second", 0, "1FA")));
        JsonNode third = ok(api.post(rules, rule("third", null, "1FA")));
        assertThat(events("policy.rule.add")).isEqualTo(added + 3);

        assertThat(names(ok(api.get(rules)))).containsExactly("second:0", "first:1", "third:2", "Catch-all Rule:99");
        ok(api.put(rules + "/" + third.get("id").asText(), rule("third", 0, "1FA")));
        assertThat(names(ok(api.get(rules)))).containsExactly("third:0", "second:1", "first:2", "Catch-all Rule:99");

        long ruleDeleted = events("policy.rule.delete");
        assertThat(api.delete(rules + "/" + second.get("id").asText()).status()).isEqualTo(204);
        assertThat(names(ok(api.get(rules)))).containsExactly("third:0", "first:1", "Catch-all Rule:99");
        assertThat(events("policy.rule.delete")).isEqualTo(ruleDeleted + 1);

        long off = events("policy.rule.deactivate");
        assertThat(api.post(rules + "/" + first.get("id").asText() + "/lifecycle/deactivate", null).status()).isEqualTo(204);
        assertThat(ok(api.get(rules + "/" + first.get("id").asText())).get("status").asText()).isEqualTo("INACTIVE");
        assertThat(events("policy.rule.deactivate")).isEqualTo(off + 1);
        long on = events("policy.rule.activate");
        assertThat(api.post(rules + "/" + first.get("id").asText() + "/lifecycle/activate", null).status()).isEqualTo(204);
        assertThat(events("policy.rule.activate")).isEqualTo(on + 1);
    }

    @Test
    void theSystemCatchAllCanBeChangedButNeitherDeletedNorDeactivatedNorMoved() {
        String id = createAccessPolicy(unique("Catch-all")).get("id").asText();
        JsonNode catchAll = ok(api.get(POLICIES + "/" + id + "/rules")).get(0);
        String path = POLICIES + "/" + id + "/rules/" + catchAll.get("id").asText();
        // Terraform's catch_all=false: the Catch-all PUT back with access DENY.
        JsonNode deny = ok(api.put(path, "{\"name\":\"Something else\",\"priority\":0,\"type\":\"ACCESS_POLICY\","
                + "\"actions\":{\"appSignOn\":{\"access\":\"DENY\"}}}"));
        assertThat(deny.at("/actions/appSignOn/access").asText()).isEqualTo("DENY");
        assertThat(deny.get("name").asText()).isEqualTo("Catch-all Rule");
        assertThat(deny.get("priority").asInt()).isEqualTo(99);

        long deleted = events("policy.rule.delete");
        assertOktaError(api.delete(path), 403, "E0000006");
        assertOktaError(api.post(path + "/lifecycle/deactivate", null), 403, "E0000006");
        assertThat(ok(api.get(path)).get("status").asText()).isEqualTo("ACTIVE");
        assertThat(events("policy.rule.delete")).isEqualTo(deleted);
    }

    @Test
    void systemPoliciesAreNeitherDeletedNorDeactivated() {
        for (String type : List.of("ACCESS_POLICY", "MFA_ENROLL", "OKTA_SIGN_ON")) {
            JsonNode d = only(list(type), "Default Policy");
            String path = POLICIES + "/" + d.get("id").asText();
            Http.Response delete = api.delete(path);
            assertOktaError(delete, 403, "E0000006");
            assertThat(firstCause(delete)).isEqualTo("A system policy cannot be deleted.");
            assertOktaError(api.post(path + "/lifecycle/deactivate", null), 403, "E0000006");
            assertThat(ok(api.get(path)).get("status").asText()).isEqualTo("ACTIVE");
        }
    }

    @Test
    void badPoliciesAndRulesAreRefusedWithOktasErrorsAndNothingIsWritten() {
        int before = list("ACCESS_POLICY").size();
        long createdEvents = events("policy.lifecycle.create");
        assertCause(api.post(POLICIES, "{\"type\":\"NOT_A_TYPE\",\"name\":\"x\"}"), "type: Invalid policy type specified");
        assertCause(api.post(POLICIES, "{\"type\":\"ACCESS_POLICY\",\"name\":\"\"}"), "name: The field cannot be left blank");
        assertCause(api.post(POLICIES, "{\"type\":\"ACCESS_POLICY\",\"name\":\"" + "n".repeat(256) + "\"}"),
                "name: The name cannot be longer than 255 characters");
        assertCause(api.post(POLICIES, "{\"type\":\"MFA_ENROLL\",\"name\":\"p\",\"priority\":0}"),
                "priority: The priority must be a whole number, 1 or more");
        assertCause(api.post(POLICIES, "{\"type\":\"MFA_ENROLL\",\"name\":\"p\",\"priority\":\"first\"}"),
                "priority: The priority must be a whole number, 1 or more");
        assertCause(api.post(POLICIES, "{\"type\":\"ACCESS_POLICY\",\"name\":\"Default Policy\"}"), "name: Policy name already in use");
        assertCause(api.post(POLICIES, "{\"type\":\"MFA_ENROLL\",\"name\":\"p\",\"conditions\":{\"people\":{\"groups\":{\"include\":[\"00gNoSuchGroup000001\"]}}}}"),
                "conditions.people.groups.include: There is no group with id 00gNoSuchGroup000001");
        assertCause(api.post(POLICIES, "{\"type\":\"MFA_ENROLL\",\"name\":\"p\",\"settings\":{\"type\":\"AUTHENTICATORS\","
                + "\"authenticators\":[{\"key\":\"no_such_thing\",\"enroll\":{\"self\":\"REQUIRED\"}}]}}"),
                "settings.authenticators: Unknown authenticator key 'no_such_thing'");
        assertOktaError(api.post(POLICIES, "[1]"), 400, "E0000003");
        assertThat(list("ACCESS_POLICY")).hasSize(before);
        assertThat(events("policy.lifecycle.create")).isEqualTo(createdEvents);

        String id = createAccessPolicy(unique("Refusals")).get("id").asText();
        String rules = POLICIES + "/" + id + "/rules";
        long added = events("policy.rule.add");
        assertCause(api.post(rules, rule("r", 0, "3FA")), "actions.appSignOn.verificationMethod.factorMode: Must be 1FA or 2FA");
        assertCause(api.post(rules, rule("r", -1, "2FA")), "priority: The priority must be a whole number, 0 or more");
        assertCause(api.post(rules, "{\"name\":\"r\",\"actions\":{\"appSignOn\":{\"access\":\"MAYBE\"}}}"),
                "actions.appSignOn.access: Must be ALLOW or DENY");
        assertCause(api.post(rules, "{\"name\":\"r\",\"conditions\":{\"network\":{\"connection\":\"ZONE\"}},"
                + "\"actions\":{\"appSignOn\":{\"access\":\"DENY\"}}}"), "conditions.network.connection: Gatehouse has no network zones: only ANYWHERE");
        assertCause(api.post(rules, "{\"name\":\"r\",\"conditions\":{\"riskScore\":{\"level\":\"HIGH\"}},"
                + "\"actions\":{\"appSignOn\":{\"access\":\"DENY\"}}}"), "conditions.riskScore: Gatehouse does not evaluate this condition");
        assertCause(api.post(rules, "{\"name\":\"r\",\"actions\":{\"appSignOn\":{\"access\":\"ALLOW\",\"verificationMethod\":"
                + "{\"factorMode\":\"2FA\",\"reauthenticateIn\":\"two hours\"}}}}"),
                "actions.appSignOn.verificationMethod.reauthenticateIn: An ISO-8601 duration such as PT2H or PT0S");
        assertCause(api.post(rules, "{\"name\":\"Catch-all Rule\",\"actions\":{\"appSignOn\":{\"access\":\"DENY\"}}}"),
                "name: Rule name already in use in this policy");
        assertThat(ok(api.get(rules))).hasSize(1);
        assertThat(events("policy.rule.add")).isEqualTo(added);
        assertOktaError(api.get(rules + "/rulNoSuchRule0000000"), 404, "E0000007");
        assertOktaError(api.post(POLICIES + "/rstNoSuchPolicy00000/rules", rule("r", 0, "2FA")), 404, "E0000007");
        assertOktaError(api.put(POLICIES + "/" + id, "{\"type\":\"MFA_ENROLL\",\"name\":\"x\"}"), 400, "E0000001");
    }

    @Test
    void oddBodiesAreRefusedAsBadInputNeverAServerError() {
        String id = createAccessPolicy(unique("Odd")).get("id").asText();
        String mfa = only(list("MFA_ENROLL"), "Default Policy").get("id").asText();
        String signOn = only(list("OKTA_SIGN_ON"), "Default Policy").get("id").asText();
        List<String> bodies = List.of("{}", "{\"name\":5}", "{\"name\":\"x\",\"conditions\":\"everyone\"}",
                "{\"name\":\"x\",\"conditions\":{\"people\":{\"users\":{\"include\":\"me\"}}}}",
                "{\"name\":\"x\",\"conditions\":{\"people\":{\"groups\":{\"include\":[5]}}}}",
                "{\"name\":\"x\",\"priority\":99999999999}", "{\"name\":\"x\",\"actions\":[]}",
                "{\"name\":\"x\",\"actions\":{\"appSignOn\":{\"access\":\"ALLOW\",\"verificationMethod\":{\"factorMode\":\"2FA\","
                        + "\"constraints\":{\"knowledge\":1}}}}}",
                "{\"name\":\"x\",\"actions\":{\"signon\":{\"access\":\"ALLOW\",\"requireFactor\":\"yes\",\"session\":\"long\"}}}",
                "{\"name\":\"x\",\"actions\":{\"signon\":{\"access\":\"ALLOW\",\"requireFactor\":true,\"factorPromptMode\":\"SESSION\","
                        + "\"factorLifetime\":-5}}}",
                "{\"name\":\"x\",\"actions\":{\"enroll\":{\"self\":\"SOMETIMES\"}}}");
        for (String policy : List.of(id, mfa, signOn)) {
            int rules = ok(api.get(POLICIES + "/" + policy + "/rules")).size();
            for (String body : bodies) {
                assertThat(api.post(POLICIES + "/" + policy + "/rules", body).status()).as(policy + " " + body).isEqualTo(400);
            }
            assertThat(ok(api.get(POLICIES + "/" + policy + "/rules"))).hasSize(rules);
        }
        for (String body : List.of("{\"type\":\"MFA_ENROLL\",\"name\":\"x\",\"settings\":5}",
                "{\"type\":\"MFA_ENROLL\",\"name\":\"x\",\"settings\":{\"type\":\"FACTORS\"}}",
                "{\"type\":\"MFA_ENROLL\",\"name\":\"x\",\"settings\":{\"authenticators\":[{\"key\":\"google_otp\",\"enroll\":\"x\"}]}}",
                "{\"type\":\"MFA_ENROLL\",\"name\":\"x\",\"settings\":{\"authenticators\":[{\"key\":\"okta_password\",\"enroll\":{\"self\":\"OPTIONAL\"}}]}}",
                "{\"type\":\"OKTA_SIGN_ON\",\"name\":\"x\",\"conditions\":{\"people\":{\"groups\":{\"include\":{}}}}}",
                "{\"type\":\"ACCESS_POLICY\",\"name\":\"x\",\"conditions\":{\"people\":{}}}",
                "{\"type\":5,\"name\":\"x\"}", "{\"type\":\"ACCESS_POLICY\",\"name\":\"x\",\"status\":\"ON\"}")) {
            Http.Response r = api.post(POLICIES, body);
            assertThat(r.status()).as(body).isEqualTo(400);
        }
        assertOktaError(api.post(POLICIES + "?activate=maybe", "{\"type\":\"ACCESS_POLICY\",\"name\":\"" + unique("x") + "\"}"), 400, "E0000001");
    }

    @Test
    void enrollmentPoliciesAreOrderedByPriorityWithTheDefaultLast() {
        JsonNode a = ok(api.post(POLICIES, "{\"type\":\"MFA_ENROLL\",\"name\":\"" + unique("A") + "\"}"));
        JsonNode b = ok(api.post(POLICIES, "{\"type\":\"MFA_ENROLL\",\"name\":\"" + unique("B") + "\",\"priority\":1}"));
        assertThat(a.get("id").asText()).matches("00p[A-Za-z0-9]{17}");
        JsonNode all = list("MFA_ENROLL");
        assertThat(all.get(0).get("id").asText()).isEqualTo(b.get("id").asText());
        assertThat(all.get(0).get("priority").asInt()).isEqualTo(1);
        assertThat(all.get(1).get("id").asText()).isEqualTo(a.get("id").asText());
        assertThat(all.get(1).get("priority").asInt()).isEqualTo(2);
        JsonNode last = all.get(all.size() - 1);
        assertThat(last.get("system").asBoolean()).isTrue();
        assertThat(last.get("priority").asInt()).isEqualTo(all.size());
        // Unnamed authenticators are echoed as NOT_ALLOWED, as Okta's.
        assertThat(a.at("/settings/authenticators").toString()).contains("{\"key\":\"google_otp\",\"enroll\":{\"self\":\"NOT_ALLOWED\"}}");
        ok(api.delete(POLICIES + "/" + b.get("id").asText()));
        ok(api.delete(POLICIES + "/" + a.get("id").asText()));
        assertThat(list("MFA_ENROLL").get(0).get("priority").asInt()).isEqualTo(1);
    }

    @Test
    void anAppUsesTheDefaultPolicyUntilAnotherIsAssignedAndAnAssignedPolicyIsNotDeleted() {
        String defaultId = only(list("ACCESS_POLICY"), "Default Policy").get("id").asText();
        JsonNode app = ok(api.post("/api/v1/apps", """
                {"name":"oidc_client","label":"Policy test","signOnMode":"OPENID_CONNECT",
                 "credentials":{"oauthClient":{"token_endpoint_auth_method":"none"}},
                 "settings":{"oauthClient":{"application_type":"browser","redirect_uris":["http://localhost:8080/login/callback"],
                   "response_types":["code"],"grant_types":["authorization_code"]}}}"""));
        String appId = app.get("id").asText();
        assertThat(app.at("/_links/accessPolicy/href").asText()).isEqualTo(base + POLICIES + "/" + defaultId);

        String policyId = createAccessPolicy(unique("Assigned")).get("id").asText();
        long mapped = events("policy.mapping.create");
        Http.Response put = api.put("/api/v1/apps/" + appId + "/policies/" + policyId, null);
        assertThat(put.status()).isEqualTo(204);
        assertThat(put.body()).isEmpty();
        assertThat(ok(api.put("/api/v1/apps/" + appId + "/policies/" + policyId, null))).isNull();   // idempotent
        assertThat(events("policy.mapping.create")).isEqualTo(mapped + 2);
        assertThat(ok(api.get("/api/v1/apps/" + appId)).at("/_links/accessPolicy/href").asText()).isEqualTo(base + POLICIES + "/" + policyId);
        assertThat(server.wiring().signOnPolicies.accessPolicyIdFor(appId)).isEqualTo(policyId);

        Http.Response refused = api.delete(POLICIES + "/" + policyId);
        assertOktaError(refused, 400, "E0000001");
        assertThat(firstCause(refused)).contains("still assigned to 1 app(s) (" + appId + ")");
        assertOktaError(api.post(POLICIES + "/" + policyId + "/lifecycle/deactivate", null), 400, "E0000001");
        assertThat(ok(api.get(POLICIES + "/" + policyId)).get("status").asText()).isEqualTo("ACTIVE");

        // As Terraform deletes a policy: the apps back onto the default first.
        assertThat(api.put("/api/v1/apps/" + appId + "/policies/" + defaultId, null).status()).isEqualTo(204);
        assertThat(ok(api.get("/api/v1/apps/" + appId)).at("/_links/accessPolicy/href").asText()).isEqualTo(base + POLICIES + "/" + defaultId);
        assertThat(api.delete(POLICIES + "/" + policyId).status()).isEqualTo(204);

        assertOktaError(api.put("/api/v1/apps/0oaNoSuchApp00000000/policies/" + defaultId, null), 404, "E0000007");
        assertOktaError(api.put("/api/v1/apps/" + appId + "/policies/rstNoSuchPolicy00000", null), 404, "E0000007");
        String mfaDefault = only(list("MFA_ENROLL"), "Default Policy").get("id").asText();
        assertOktaError(api.put("/api/v1/apps/" + appId + "/policies/" + mfaDefault, null), 400, "E0000001");

        // A deleted app takes its assignment with it: the policy can then be deleted.
        String other = createAccessPolicy(unique("Outlives its app")).get("id").asText();
        ok(api.put("/api/v1/apps/" + appId + "/policies/" + other, null));
        ok(api.post("/api/v1/apps/" + appId + "/lifecycle/deactivate", null));
        assertThat(api.delete("/api/v1/apps/" + appId).status()).isEqualTo(204);
        assertThat(api.delete(POLICIES + "/" + other).status()).isEqualTo(204);
    }

    @Test
    void anAuthenticatorAnEnrollmentPolicyUsesCannotBeDeactivatedAndAnInactiveOneCannotBeOffered() {
        JsonNode google = authenticator("google_otp");
        String auth = "/api/v1/authenticators/" + google.get("id").asText();
        if (google.get("status").asText().equals("ACTIVE")) {
            ok(api.put(defaultMfaPath(), mfaSettings("NOT_ALLOWED")));
            ok(api.post(auth + "/lifecycle/deactivate", null));
        }
        // Inactive: a policy may not require or offer it (bad input, nothing written) …
        Http.Response refused = api.post(POLICIES, "{\"type\":\"MFA_ENROLL\",\"name\":\"" + unique("Needs TOTP") + "\","
                + mfaSettings("REQUIRED").substring(1));
        assertOktaError(refused, 400, "E0000001");
        assertThat(firstCause(refused)).contains("google_otp authenticator is inactive");

        // … active and offered by the default policy: deactivating it is Okta's 403 E0000148, naming the policy.
        ok(api.post(auth + "/lifecycle/activate", null));
        ok(api.put(defaultMfaPath(), mfaSettings("OPTIONAL")));
        Http.Response used = api.post(auth + "/lifecycle/deactivate", null);
        assertOktaError(used, 403, "E0000148");
        assertThat(firstCause(used)).isEqualTo("Authenticator Enrollment Policies: Default Policy");
        assertThat(authenticator("google_otp").get("status").asText()).isEqualTo("ACTIVE");

        ok(api.put(defaultMfaPath(), mfaSettings("NOT_ALLOWED")));
        assertThat(ok(api.post(auth + "/lifecycle/deactivate", null)).get("status").asText()).isEqualTo("INACTIVE");
        // The seeded default names google_otp OPTIONAL while it is inactive: a PUT that keeps an unchanged entry is fine.
        ok(api.post(auth + "/lifecycle/activate", null));
        ok(api.put(defaultMfaPath(), mfaSettings("OPTIONAL")));
    }

    static String defaultMfaPath() {
        return POLICIES + "/" + only(list("MFA_ENROLL"), "Default Policy").get("id").asText();
    }

    static String mfaSettings(String google) {
        return "{\"type\":\"MFA_ENROLL\",\"name\":\"Default Policy\",\"settings\":{\"type\":\"AUTHENTICATORS\",\"authenticators\":["
                + "{\"key\":\"okta_password\",\"enroll\":{\"self\":\"REQUIRED\"}},{\"key\":\"google_otp\",\"enroll\":{\"self\":\"" + google
                + "\"}}]}}";
    }

    static JsonNode authenticator(String key) {
        for (JsonNode a : ok(api.get("/api/v1/authenticators"))) {
            if (a.get("key").asText().equals(key)) {
                return a;
            }
        }
        throw new AssertionError("no authenticator " + key);
    }

    static void assertCause(Http.Response r, String cause) {
        assertOktaError(r, 400, "E0000001");
        assertThat(firstCause(r)).isEqualTo(cause);
    }

    static List<String> names(JsonNode rules) {
        List<String> out = new ArrayList<>();
        rules.forEach(r -> out.add(r.get("name").asText() + ":" + r.get("priority").asInt()));
        return out;
    }
}
