package dev.gatehouse.policies;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.policies.SignOnPolicies.AppSignOn;
import dev.gatehouse.policies.SignOnPolicies.Enrollment;
import dev.gatehouse.policies.SignOnPolicies.GlobalSignOn;
import dev.gatehouse.support.ApiClient;
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

import static dev.gatehouse.support.ApiClient.ok;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The evaluator the sign-in and /authorize ask ({@link SignOnPolicies}), on a real server whose policies are written
 * through the API: the default Password-only app policy, rule priorities, people and group conditions (include and
 * exclude), inactive rules and policies skipped, the fall back to the defaults, and that every write is seen at once.
 */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class SignOnPoliciesTest {

    static final String POLICIES = "/api/v1/policies";

    @Parameter
    TestDatabase database;

    static TestServer server;
    static ApiClient api;
    static SignOnPolicies policies;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        server = TestServer.start(database);
        api = ApiClient.of(server);
        policies = server.wiring().signOnPolicies;
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    static String user() {
        return People.create(server.http(), "policy-" + System.nanoTime() + "@example.com", "Correct-Horse-Battery-9");
    }

    static String groupWith(String... userIds) {
        String id = ok(api.post("/api/v1/groups", "{\"profile\":{\"name\":\"Group " + System.nanoTime() + "\"}}")).get("id").asText();
        for (String u : userIds) {
            ok(api.put("/api/v1/groups/" + id + "/users/" + u, null));
        }
        return id;
    }

    static String app() {
        return ok(api.post("/api/v1/apps", """
                {"name":"oidc_client","label":"Evaluated","signOnMode":"OPENID_CONNECT",
                 "credentials":{"oauthClient":{"token_endpoint_auth_method":"none"}},
                 "settings":{"oauthClient":{"application_type":"browser","redirect_uris":["http://localhost:8080/login/callback"],
                   "response_types":["code"],"grant_types":["authorization_code"]}}}""")).get("id").asText();
    }

    static JsonNode policy(String body) {
        return ok(api.post(POLICIES, body));
    }

    static JsonNode rule(String policyId, String body) {
        return ok(api.post(POLICIES + "/" + policyId + "/rules", body));
    }

    @Test
    void everyAppUsesThePasswordOnlyDefaultUntilAnotherPolicyIsAssigned() {
        AppSignOn s = policies.forApp(app(), user());
        assertThat(s.allowed()).isTrue();
        assertThat(s.factors()).isEqualTo(1);
        assertThat(s.reauthenticateAfter()).isEqualTo(Duration.ofHours(12));
        assertThat(s.policyName()).isEqualTo("Default Policy");
        assertThat(s.ruleName()).isEqualTo("Catch-all Rule");
        assertThat(s.policyId()).isEqualTo(policies.accessPolicyIdFor("0oaAppWithoutPolicy0"));
    }

    @Test
    void theFirstActiveRuleWhosePeopleMatchDecides() {
        String admin = user();
        String other = user();
        String listed = user();
        String admins = groupWith(admin);
        String appId = app();
        String policyId = policy("{\"type\":\"ACCESS_POLICY\",\"name\":\"Evaluated " + System.nanoTime() + "\"}").get("id").asText();
        ok(api.put("/api/v1/apps/" + appId + "/policies/" + policyId, null));

        // Only the Catch-all (2FA, 12 h) so far.
        AppSignOn catchAll = policies.forApp(appId, other);
        assertThat(catchAll.factors()).isEqualTo(2);
        assertThat(catchAll.ruleName()).isEqualTo("Catch-all Rule");
        assertThat(catchAll.policyId()).isEqualTo(policyId);

        rule(policyId, "{\"name\":\"Admins every time\",\"conditions\":{\"people\":{\"groups\":{\"include\":[\"" + admins + "\"]}}},"
                + "\"actions\":{\"appSignOn\":{\"access\":\"ALLOW\",\"verificationMethod\":{\"factorMode\":\"2FA\",\"reauthenticateIn\":\"PT0S\"}}}}");
        AppSignOn adminSignOn = policies.forApp(appId, admin);
        assertThat(adminSignOn.ruleName()).isEqualTo("Admins every time");
        assertThat(adminSignOn.reauthenticateAfter()).isEqualTo(Duration.ZERO);
        assertThat(policies.forApp(appId, other).ruleName()).isEqualTo("Catch-all Rule");

        // Inserted before it: everyone outside the group is denied.
        String deny = rule(policyId, "{\"name\":\"Outsiders denied\",\"priority\":0,\"conditions\":{\"people\":{\"groups\":"
                + "{\"exclude\":[\"" + admins + "\"]}}},\"actions\":{\"appSignOn\":{\"access\":\"DENY\"}}}").get("id").asText();
        assertThat(policies.forApp(appId, other).allowed()).isFalse();
        assertThat(policies.forApp(appId, other).ruleName()).isEqualTo("Outsiders denied");
        assertThat(policies.forApp(appId, admin).ruleName()).isEqualTo("Admins every time");

        // A listed person comes first; an excluded one does not match.
        rule(policyId, "{\"name\":\"One person\",\"priority\":0,\"conditions\":{\"people\":{\"users\":{\"include\":[\"" + listed + "\"]}}},"
                + "\"actions\":{\"appSignOn\":{\"access\":\"ALLOW\",\"verificationMethod\":{\"factorMode\":\"1FA\"}}}}");
        AppSignOn one = policies.forApp(appId, listed);
        assertThat(one.ruleName()).isEqualTo("One person");
        assertThat(one.factors()).isEqualTo(1);
        assertThat(one.reauthenticateAfter()).isNull();
        assertThat(policies.forApp(appId, other).ruleName()).isEqualTo("Outsiders denied");

        // An inactive rule is skipped.
        ok(api.post(POLICIES + "/" + policyId + "/rules/" + deny + "/lifecycle/deactivate", null));
        assertThat(policies.forApp(appId, other).ruleName()).isEqualTo("Catch-all Rule");
        assertThat(policies.forApp(appId, other).allowed()).isTrue();

        // Back on the default: Password only again.
        String defaultId = policies.accessPolicyIdFor("0oaAppWithoutPolicy0");
        ok(api.put("/api/v1/apps/" + appId + "/policies/" + defaultId, null));
        assertThat(policies.forApp(appId, admin).policyName()).isEqualTo("Default Policy");
        assertThat(policies.forApp(appId, admin).factors()).isEqualTo(1);
    }

    @Test
    void theGlobalSessionPolicyOfTheHighestPriorityThatIncludesThePersonApplies() {
        String admin = user();
        String other = user();
        GlobalSignOn none = policies.forSession(other);
        assertThat(none.requireFactor()).isFalse();
        assertThat(none.allowed()).isTrue();
        assertThat(none.factorLifetime()).isNull();

        String admins = groupWith(admin);
        String policyId = policy("{\"type\":\"OKTA_SIGN_ON\",\"name\":\"Admins " + System.nanoTime() + "\",\"priority\":1,"
                + "\"conditions\":{\"people\":{\"groups\":{\"include\":[\"" + admins + "\"]}}}}").get("id").asText();
        // A policy with no rule passes to the next one.
        assertThat(policies.forSession(admin).requireFactor()).isFalse();
        String ruleId = rule(policyId, "{\"name\":\"Second factor\",\"type\":\"SIGN_ON\",\"actions\":{\"signon\":{\"access\":\"ALLOW\","
                + "\"requireFactor\":true,\"factorPromptMode\":\"SESSION\",\"factorLifetime\":15}}}").get("id").asText();
        GlobalSignOn adminSession = policies.forSession(admin);
        assertThat(adminSession.requireFactor()).isTrue();
        assertThat(adminSession.factorLifetime()).isEqualTo(Duration.ofMinutes(15));
        assertThat(adminSession.policyId()).isEqualTo(policyId);
        assertThat(adminSession.ruleId()).isEqualTo(ruleId);
        assertThat(policies.forSession(other).requireFactor()).isFalse();

        ok(api.put(POLICIES + "/" + policyId + "/rules/" + ruleId, "{\"name\":\"Second factor\",\"actions\":{\"signon\":{\"access\":\"ALLOW\","
                + "\"requireFactor\":true,\"factorPromptMode\":\"ALWAYS\"}}}"));
        assertThat(policies.forSession(admin).factorLifetime()).isEqualTo(Duration.ZERO);

        // An inactive policy is skipped.
        ok(api.post(POLICIES + "/" + policyId + "/lifecycle/deactivate", null));
        assertThat(policies.forSession(admin).requireFactor()).isFalse();
        ok(api.delete(POLICIES + "/" + policyId));
    }

    @Test
    void enrollmentFollowsTheFirstApplicablePolicyAndOnlyActiveAuthenticators() {
        String member = user();
        String other = user();
        JsonNode google = null;
        for (JsonNode a : ok(api.get("/api/v1/authenticators"))) {
            if (a.get("key").asText().equals("google_otp")) {
                google = a;
            }
        }
        assertThat(google).isNotNull();
        String auth = "/api/v1/authenticators/" + google.get("id").asText();
        if (google.get("status").asText().equals("ACTIVE")) {
            assertThat(policies.enrollment(other)).containsEntry("google_otp", Enrollment.OPTIONAL);
        } else {
            // The seeded default offers it, but an inactive authenticator cannot be enrolled.
            assertThat(policies.enrollment(other)).containsEntry("okta_password", Enrollment.REQUIRED)
                    .containsEntry("google_otp", Enrollment.NOT_ALLOWED);
            ok(api.post(auth + "/lifecycle/activate", null));
        }
        assertThat(policies.enrollment(other)).containsEntry("google_otp", Enrollment.OPTIONAL);

        String group = groupWith(member);
        String policyId = policy("{\"type\":\"MFA_ENROLL\",\"name\":\"Members " + System.nanoTime() + "\",\"priority\":1,"
                + "\"conditions\":{\"people\":{\"groups\":{\"include\":[\"" + group + "\"]}}},\"settings\":{\"type\":\"AUTHENTICATORS\","
                + "\"authenticators\":[{\"key\":\"okta_password\",\"enroll\":{\"self\":\"REQUIRED\"}},"
                + "{\"key\":\"google_otp\",\"enroll\":{\"self\":\"REQUIRED\"}}]}}").get("id").asText();
        assertThat(policies.enrollment(member)).containsEntry("google_otp", Enrollment.REQUIRED).containsEntry("okta_password", Enrollment.REQUIRED);
        assertThat(policies.enrollment(other)).containsEntry("google_otp", Enrollment.OPTIONAL);

        ok(api.post(POLICIES + "/" + policyId + "/lifecycle/deactivate", null));
        assertThat(policies.enrollment(member)).containsEntry("google_otp", Enrollment.OPTIONAL);
        ok(api.delete(POLICIES + "/" + policyId));
    }
}
