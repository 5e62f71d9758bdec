package dev.gatehouse.oauth.e2e;

import com.okta.sdk.authc.credentials.TokenClientCredentials;
import com.okta.sdk.resource.api.ApplicationApi;
import com.okta.sdk.resource.api.ApplicationPoliciesApi;
import com.okta.sdk.resource.api.AuthorizationServerPoliciesApi;
import com.okta.sdk.resource.api.AuthorizationServerRulesApi;
import com.okta.sdk.resource.api.PolicyApi;
import com.okta.sdk.resource.client.ApiClient;
import com.okta.sdk.resource.client.ApiException;
import com.okta.sdk.resource.model.AccessPolicy;
import com.okta.sdk.resource.model.AccessPolicyRule;
import com.okta.sdk.resource.model.Application;
import com.okta.sdk.resource.model.ApplicationSignOnMode;
import com.okta.sdk.resource.model.AuthenticatorEnrollmentPolicy;
import com.okta.sdk.resource.model.AuthorizationServerPolicy;
import com.okta.sdk.resource.model.AuthorizationServerPolicyConditions;
import com.okta.sdk.resource.model.AuthorizationServerPolicyPeopleCondition;
import com.okta.sdk.resource.model.AuthorizationServerPolicyRule;
import com.okta.sdk.resource.model.AuthorizationServerPolicyRuleActions;
import com.okta.sdk.resource.model.AuthorizationServerPolicyRuleConditions;
import com.okta.sdk.resource.model.AuthorizationServerPolicyRuleGroupCondition;
import com.okta.sdk.resource.model.AuthorizationServerPolicyRuleRequest;
import com.okta.sdk.resource.model.ClientPolicyCondition;
import com.okta.sdk.resource.model.GrantTypePolicyRuleCondition;
import com.okta.sdk.resource.model.OAuth2ScopesMediationPolicyRuleCondition;
import com.okta.sdk.resource.model.TokenAuthorizationServerPolicyRuleAction;
import com.okta.sdk.resource.model.LifecycleStatus;
import com.okta.sdk.resource.model.OAuthEndpointAuthenticationMethod;
import com.okta.sdk.resource.model.OAuthGrantType;
import com.okta.sdk.resource.model.OAuthResponseType;
import com.okta.sdk.resource.model.OpenIdConnectApplicationType;
import com.okta.sdk.resource.model.Policy;
import com.okta.sdk.resource.model.PolicyRule;
import com.okta.sdk.resource.model.PolicyType;
import com.okta.sdk.resource.application.OIDCApplicationBuilder;
import dev.gatehouse.support.OAuthFlow;
import dev.gatehouse.support.OktaSdkClients;
import dev.gatehouse.support.TestDatabase;
import dev.gatehouse.support.TestServer;
import dev.gatehouse.support.TrustedHttps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Okta's Java management SDK (okta-sdk-java 24) on Gatehouse's policies as its ApplicationPoliciesIT does against a real
 * org: list the policies by type (the models by their {@code type} discriminator), create an app sign-in policy and
 * read its Catch-all Rule, assign it to an app and read the app's {@code _links.accessPolicy} back; 404s for an unknown
 * app or policy; and an authorization-server access policy and rule created and read back (issue 17). On H2 and PostgreSQL.
 */
@ParameterizedClass
@MethodSource("dev.gatehouse.support.TestDatabase#all")
class PoliciesSdkTest {

    @Parameter
    TestDatabase database;

    static TrustedHttps https;
    static ApiClient client;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        https = TrustedHttps.start(database).useAsJvmTrustStore();
        client = OktaSdkClients.builder()
                .setOrgUrl(https.origin)
                .setClientCredentials(new TokenClientCredentials(TestServer.API_TOKEN))
                .setRetryMaxAttempts(0)
                .build();
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        https.close();
    }

    @Test
    void theSdkListsCreatesAndAssignsAppSignInPolicies() {
        PolicyApi policies = new PolicyApi(client);
        List<Policy> access = policies.listPolicies("ACCESS_POLICY", null, null, null, null, null, null, null);
        assertThat(access).allSatisfy(p -> assertThat(p).isInstanceOf(AccessPolicy.class));
        Policy defaultPolicy = access.stream().filter(Policy::getSystem).findFirst().orElseThrow();
        assertThat(defaultPolicy.getName()).isEqualTo("Default Policy");
        assertThat(policies.listPolicies("MFA_ENROLL", null, null, null, null, null, null, null))
                .anySatisfy(p -> assertThat(p).isInstanceOf(AuthenticatorEnrollmentPolicy.class));

        AccessPolicy body = new AccessPolicy();
        body.name("SDK policy " + System.nanoTime()).type(PolicyType.ACCESS_POLICY).status(LifecycleStatus.ACTIVE)
                .description("Created by the Okta SDK");
        Policy created = policies.createPolicy(body, true);
        assertThat(created).isInstanceOf(AccessPolicy.class);
        assertThat(created.getId()).startsWith("rst").hasSize(20);
        List<PolicyRule> rules = policies.listPolicyRules(created.getId(), null);
        assertThat(rules).singleElement().isInstanceOf(AccessPolicyRule.class);
        AccessPolicyRule catchAll = (AccessPolicyRule) rules.getFirst();
        assertThat(catchAll.getName()).isEqualTo("Catch-all Rule");
        assertThat(catchAll.getActions().getAppSignOn().getAccess().getValue()).isEqualTo("ALLOW");

        ApplicationApi apps = new ApplicationApi(client);
        Application app = OIDCApplicationBuilder.instance()
                .setName("oidc_client").setLabel("SDK policy app " + System.nanoTime()).setSignOnMode(ApplicationSignOnMode.OPENID_CONNECT)
                .setApplicationType(OpenIdConnectApplicationType.BROWSER)
                .setGrantTypes(List.of(OAuthGrantType.AUTHORIZATION_CODE)).setResponseTypes(List.of(OAuthResponseType.CODE))
                .setRedirectUris(List.of(OAuthFlow.REDIRECT_URI)).setTokenEndpointAuthMethod(OAuthEndpointAuthenticationMethod.NONE)
                .buildAndCreate(apps);
        assertThat(apps.getApplication(app.getId(), null).getLinks().getAccessPolicy().getHref()).endsWith("/" + defaultPolicy.getId());

        ApplicationPoliciesApi assignments = new ApplicationPoliciesApi(client);
        assignments.assignApplicationPolicy(app.getId(), created.getId());
        assignments.assignApplicationPolicy(app.getId(), created.getId());   // idempotent
        assertThat(apps.getApplication(app.getId(), null).getLinks().getAccessPolicy().getHref()).endsWith("/" + created.getId());

        assertThat(catchThrowableOfType(ApiException.class, () -> assignments.assignApplicationPolicy("0oaNoSuchApp00000000", created.getId()))
                .getCode()).isEqualTo(404);
        assertThat(catchThrowableOfType(ApiException.class, () -> assignments.assignApplicationPolicy(app.getId(), "rstNoSuchPolicy00000"))
                .getCode()).isEqualTo(404);

        assignments.assignApplicationPolicy(app.getId(), defaultPolicy.getId());
        policies.deletePolicy(created.getId());
        assertThat(catchThrowableOfType(ApiException.class, () -> policies.getPolicy(created.getId(), null)).getCode()).isEqualTo(404);
    }

    /** The SDK's AuthorizationServerPoliciesApi and AuthorizationServerRulesApi: create a policy and a rule, read them back. */
    @Test
    void theSdkCreatesAndReadsAnAuthorizationServerPolicyAndRule() {
        AuthorizationServerPoliciesApi asPolicies = new AuthorizationServerPoliciesApi(client);
        List<AuthorizationServerPolicy> seeded = asPolicies.listAuthorizationServerPolicies("default");
        assertThat(seeded).anySatisfy(p -> {
            assertThat(p.getName()).isEqualTo("Default Policy");
            assertThat(p.getSystem()).isTrue();
        });

        AuthorizationServerPolicy policy = new AuthorizationServerPolicy();
        policy.setName("SDK policy " + System.nanoTime());
        policy.setDescription("made by okta-sdk-java");
        policy.setType(AuthorizationServerPolicy.TypeEnum.OAUTH_AUTHORIZATION_POLICY);
        policy.setStatus(AuthorizationServerPolicy.StatusEnum.ACTIVE);
        policy.setPriority(1);
        ClientPolicyCondition clients = new ClientPolicyCondition();
        clients.setInclude(List.of("ALL_CLIENTS"));
        AuthorizationServerPolicyConditions conditions = new AuthorizationServerPolicyConditions();
        conditions.setClients(clients);
        policy.setConditions(conditions);
        AuthorizationServerPolicy created = asPolicies.createAuthorizationServerPolicy("default", policy);
        assertThat(created.getId()).startsWith("00p");
        assertThat(created.getPriority()).isEqualTo(1);
        assertThat(created.getConditions().getClients().getInclude()).containsExactly("ALL_CLIENTS");

        AuthorizationServerRulesApi rules = new AuthorizationServerRulesApi(client);
        AuthorizationServerPolicyRuleRequest rule = new AuthorizationServerPolicyRuleRequest();
        rule.setName("SDK rule");
        rule.setType(AuthorizationServerPolicyRuleRequest.TypeEnum.RESOURCE_ACCESS);
        AuthorizationServerPolicyRuleGroupCondition everyone = new AuthorizationServerPolicyRuleGroupCondition();
        everyone.setInclude(List.of("EVERYONE"));
        AuthorizationServerPolicyPeopleCondition people = new AuthorizationServerPolicyPeopleCondition();
        people.setGroups(everyone);
        GrantTypePolicyRuleCondition grants = new GrantTypePolicyRuleCondition();
        grants.setInclude(List.of("authorization_code", "refresh_token"));
        OAuth2ScopesMediationPolicyRuleCondition scopes = new OAuth2ScopesMediationPolicyRuleCondition();
        scopes.setInclude(List.of("*"));
        AuthorizationServerPolicyRuleConditions ruleConditions = new AuthorizationServerPolicyRuleConditions();
        ruleConditions.setPeople(people);
        ruleConditions.setGrantTypes(grants);
        ruleConditions.setScopes(scopes);
        rule.setConditions(ruleConditions);
        TokenAuthorizationServerPolicyRuleAction token = new TokenAuthorizationServerPolicyRuleAction();
        token.setAccessTokenLifetimeMinutes(15);
        token.setRefreshTokenLifetimeMinutes(0);
        token.setRefreshTokenWindowMinutes(720);
        AuthorizationServerPolicyRuleActions actions = new AuthorizationServerPolicyRuleActions();
        actions.setToken(token);
        rule.setActions(actions);
        AuthorizationServerPolicyRule made = rules.createAuthorizationServerPolicyRule("default", created.getId(), rule);
        assertThat(made.getId()).startsWith("0pr");

        AuthorizationServerPolicyRule read = rules.getAuthorizationServerPolicyRule("default", created.getId(), made.getId());
        assertThat(read.getName()).isEqualTo("SDK rule");
        assertThat(read.getSystem()).isFalse();
        assertThat(read.getConditions().getPeople().getGroups().getInclude()).containsExactly("EVERYONE");
        assertThat(read.getConditions().getGrantTypes().getInclude()).containsExactly("authorization_code", "refresh_token");
        assertThat(read.getActions().getToken().getAccessTokenLifetimeMinutes()).isEqualTo(15);
        assertThat(read.getActions().getToken().getRefreshTokenWindowMinutes()).isEqualTo(720);
        assertThat(rules.listAuthorizationServerPolicyRules("default", created.getId())).singleElement()
                .satisfies(r -> assertThat(r.getId()).isEqualTo(made.getId()));
        assertThat(asPolicies.getAuthorizationServerPolicy("default", created.getId()).getName()).isEqualTo(policy.getName());

        rules.deleteAuthorizationServerPolicyRule("default", created.getId(), made.getId());
        asPolicies.deleteAuthorizationServerPolicy("default", created.getId());
        assertThat(catchThrowableOfType(ApiException.class, () -> asPolicies.getAuthorizationServerPolicy("default", created.getId()))
                .getCode()).isEqualTo(404);
    }
}
