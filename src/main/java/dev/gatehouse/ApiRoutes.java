package dev.gatehouse;

import dev.gatehouse.api.ApiAuth;
import dev.gatehouse.apitokens.ApiTokensApi;
import dev.gatehouse.apps.AppsApi;
import dev.gatehouse.directory.GroupsApi;
import dev.gatehouse.directory.UsersApi;
import dev.gatehouse.features.FeaturesApi;
import dev.gatehouse.mfa.AuthenticatorsApi;
import dev.gatehouse.mfa.FactorsApi;
import dev.gatehouse.oauth.issued.AppTokensApi;
import dev.gatehouse.policies.PoliciesApi;
import dev.gatehouse.http.Routes;
import dev.gatehouse.oauth.servers.AuthorizationServersApi;
import dev.gatehouse.oauth.servers.ScopesApi;
import dev.gatehouse.origins.TrustedOriginsApi;
import dev.gatehouse.sessions.SessionsApi;
import dev.gatehouse.reports.LogsApi;
import io.javalin.config.RoutesConfig;

/** The management API's route table: every {@code /api/v1} path, behind {@link ApiAuth}. */
public final class ApiRoutes implements Routes {

    public static final String API_TOKENS = "/api/v1/api-tokens";
    public static final String API_TOKEN = "/api/v1/api-tokens/{id}";
    public static final String LOGS = "/api/v1/logs";
    public static final String FEATURES = "/api/v1/features";
    public static final String FEATURE = "/api/v1/features/{id}";
    public static final String USERS = "/api/v1/users";
    public static final String USER = "/api/v1/users/{id}";
    public static final String USER_LIFECYCLE = "/api/v1/users/{id}/lifecycle/{operation}";
    public static final String USER_GROUPS = "/api/v1/users/{id}/groups";
    /** Okta's "Revoke all user sessions" (UserSessions). */
    public static final String USER_SESSIONS = "/api/v1/users/{id}/sessions";
    /** Okta's Factors API (user factors): for now Google Authenticator TOTP. */
    public static final String USER_FACTORS = "/api/v1/users/{id}/factors";
    public static final String USER_GRANTS = "/api/v1/users/{id}/grants";
    public static final String USER_GRANT = "/api/v1/users/{id}/grants/{grantId}";
    public static final String USER_CLIENTS = "/api/v1/users/{id}/clients";
    public static final String USER_CLIENT_GRANTS = "/api/v1/users/{id}/clients/{clientId}/grants";
    public static final String USER_FACTOR = "/api/v1/users/{id}/factors/{factorId}";
    /** Okta's "Reset all factors"; routed before {@link #USER_LIFECYCLE}, whose {operation} would match it. */
    public static final String USER_RESET_FACTORS = "/api/v1/users/{id}/lifecycle/reset_factors";
    public static final String AUTHENTICATORS = "/api/v1/authenticators";
    public static final String AUTHENTICATOR = "/api/v1/authenticators/{id}";
    /** Okta's Policies API (ACCESS_POLICY, MFA_ENROLL, OKTA_SIGN_ON) and app sign-in policy assignment. */
    public static final String POLICIES = "/api/v1/policies";
    public static final String POLICY = "/api/v1/policies/{id}";
    public static final String POLICY_RULES = "/api/v1/policies/{id}/rules";
    public static final String POLICY_RULE = "/api/v1/policies/{id}/rules/{ruleId}";
    public static final String APP_POLICY = "/api/v1/apps/{id}/policies/{policyId}";
    public static final String GROUPS = "/api/v1/groups";
    public static final String GROUP = "/api/v1/groups/{id}";
    public static final String GROUP_USERS = "/api/v1/groups/{id}/users";
    public static final String GROUP_USER = "/api/v1/groups/{id}/users/{userId}";
    public static final String APPS = "/api/v1/apps";
    public static final String APP = "/api/v1/apps/{id}";
    public static final String APP_LIFECYCLE = "/api/v1/apps/{id}/lifecycle/{operation}";
    public static final String APP_SECRETS = "/api/v1/apps/{id}/credentials/secrets";
    public static final String APP_USERS = "/api/v1/apps/{id}/users";
    public static final String APP_USER = "/api/v1/apps/{id}/users/{userId}";
    public static final String APP_GROUPS = "/api/v1/apps/{id}/groups";
    public static final String APP_GROUP = "/api/v1/apps/{id}/groups/{groupId}";
    public static final String AUTHORIZATION_SERVERS = "/api/v1/authorizationServers";
    public static final String AUTHORIZATION_SERVER = "/api/v1/authorizationServers/{id}";
    public static final String AUTHORIZATION_SERVER_LIFECYCLE = "/api/v1/authorizationServers/{id}/lifecycle/{operation}";
    public static final String AUTHORIZATION_SERVER_KEYS = "/api/v1/authorizationServers/{id}/credentials/keys";
    public static final String AUTHORIZATION_SERVER_KEY = "/api/v1/authorizationServers/{id}/credentials/keys/{kid}";
    public static final String AUTHORIZATION_SERVER_KEY_ROTATE = "/api/v1/authorizationServers/{id}/credentials/lifecycle/keyRotate";
    public static final String AUTHORIZATION_SERVER_SCOPES = "/api/v1/authorizationServers/{id}/scopes";
    public static final String AUTHORIZATION_SERVER_SCOPE = "/api/v1/authorizationServers/{id}/scopes/{scopeId}";
    public static final String TRUSTED_ORIGINS = "/api/v1/trustedOrigins";
    public static final String TRUSTED_ORIGIN = "/api/v1/trustedOrigins/{id}";
    public static final String TRUSTED_ORIGIN_LIFECYCLE = "/api/v1/trustedOrigins/{id}/lifecycle/{operation}";
    public static final String SESSION_ME = "/api/v1/sessions/me";
    public static final String SESSION_ME_REFRESH = "/api/v1/sessions/me/lifecycle/refresh";
    /** Endpoints that authenticate with the browser's session cookie instead of an API token. */
    public static final java.util.Set<String> COOKIE_ENDPOINTS = java.util.Set.of(SESSION_ME, SESSION_ME_REFRESH);

    private final ApiAuth auth;
    private final FeaturesApi features;
    private final AppTokensApi appTokens;
    private final TrustedOriginsApi trustedOrigins;
    private final ApiTokensApi apiTokens;
    private final LogsApi logs;
    private final UsersApi users;
    private final GroupsApi groups;
    private final SessionsApi sessions;
    private final AppsApi apps;
    private final AuthorizationServersApi authorizationServers;
    private final ScopesApi scopes;
    private final AuthenticatorsApi authenticators;
    private final FactorsApi factors;
    private final PoliciesApi policies;
    private final dev.gatehouse.oauth.consent.UserGrantsApi grants;

    public ApiRoutes(ApiAuth auth, ApiTokensApi apiTokens, LogsApi logs, UsersApi users, GroupsApi groups, SessionsApi sessions,
                     AppsApi apps, AuthorizationServersApi authorizationServers, ScopesApi scopes, FeaturesApi features,
                     TrustedOriginsApi trustedOrigins, AppTokensApi appTokens, AuthenticatorsApi authenticators, FactorsApi factors,
                     PoliciesApi policies, dev.gatehouse.oauth.consent.UserGrantsApi grants) {
        this.policies = policies;
        this.grants = grants;
        this.authenticators = authenticators;
        this.factors = factors;
        this.appTokens = appTokens;
        this.trustedOrigins = trustedOrigins;
        this.features = features;
        this.authorizationServers = authorizationServers;
        this.scopes = scopes;
        this.sessions = sessions;
        this.apps = apps;
        this.auth = auth;
        this.apiTokens = apiTokens;
        this.logs = logs;
        this.users = users;
        this.groups = groups;
    }

    @Override
    public void register(RoutesConfig r) {
        r.beforeMatched("/api/v1/*", auth::handle);
        r.get(API_TOKENS, apiTokens::list);
        r.get(API_TOKEN, apiTokens::get);
        r.put(API_TOKEN, apiTokens::update);
        r.delete(API_TOKEN, apiTokens::revoke);
        r.get(LOGS, logs::list);
        r.post(TRUSTED_ORIGINS, trustedOrigins::create);
        r.get(TRUSTED_ORIGINS, trustedOrigins::list);
        r.get(TRUSTED_ORIGIN, trustedOrigins::get);
        r.put(TRUSTED_ORIGIN, trustedOrigins::replace);
        r.delete(TRUSTED_ORIGIN, trustedOrigins::delete);
        r.post(TRUSTED_ORIGIN_LIFECYCLE, trustedOrigins::lifecycle);
        r.get(FEATURES, features::list);
        r.get(FEATURE, features::get);
        r.get(FEATURE + "/dependencies", features::dependencies);
        r.get(FEATURE + "/dependents", features::dependents);
        r.post(FEATURE + "/{lifecycle}", features::lifecycle);
        r.post(USERS, users::create);
        r.get(USERS, users::list);
        r.get(USER, users::get);
        r.post(USER, users::update);
        r.put(USER, users::replace);
        r.delete(USER, users::delete);
        r.post(USER_RESET_FACTORS, factors::resetFactors);
        r.post(USER_LIFECYCLE, users::lifecycle);
        r.get(USER_GROUPS, users::groups);
        r.delete(USER_SESSIONS, users::clearSessions);
        r.get(USER_GRANTS, grants::list);
        r.delete(USER_GRANTS, grants::revokeAll);
        r.get(USER_GRANT, grants::get);
        r.delete(USER_GRANT, grants::revoke);
        r.get(USER_CLIENTS, grants::clients);
        r.get(USER_CLIENT_GRANTS, grants::listForClient);
        r.delete(USER_CLIENT_GRANTS, grants::revokeForClient);
        r.get(USER_FACTORS, factors::list);
        r.post(USER_FACTORS, factors::enroll);
        r.get(USER_FACTORS + "/catalog", factors::catalog);
        r.get(USER_FACTOR, factors::get);
        r.delete(USER_FACTOR, factors::delete);
        r.post(USER_FACTOR + "/lifecycle/activate", factors::activate);
        r.post(USER_FACTOR + "/verify", factors::verify);
        r.get(USER_FACTOR + "/qr/{token}", factors::qrCode);
        r.get(AUTHENTICATORS, authenticators::list);
        r.get(AUTHENTICATOR, authenticators::get);
        r.put(AUTHENTICATOR, authenticators::replace);
        r.get(AUTHENTICATOR + "/methods", authenticators::methods);
        r.get(AUTHENTICATOR + "/methods/{methodType}", authenticators::method);
        r.put(AUTHENTICATOR + "/methods/{methodType}", authenticators::replaceMethod);
        r.post(AUTHENTICATOR + "/lifecycle/{operation}", authenticators::lifecycle);
        r.get(POLICIES, policies::list);
        r.post(POLICIES, policies::create);
        r.get(POLICY, policies::get);
        r.put(POLICY, policies::replace);
        r.delete(POLICY, policies::delete);
        r.post(POLICY + "/lifecycle/{operation}", policies::lifecycle);
        r.get(POLICY_RULES, policies::rules);
        r.post(POLICY_RULES, policies::createRule);
        r.get(POLICY_RULE, policies::rule);
        r.put(POLICY_RULE, policies::replaceRule);
        r.delete(POLICY_RULE, policies::deleteRule);
        r.post(POLICY_RULE + "/lifecycle/{operation}", policies::ruleLifecycle);
        r.put(APP_POLICY, policies::assign);
        r.post(GROUPS, groups::create);
        r.get(GROUPS, groups::list);
        r.get(GROUP, groups::get);
        r.put(GROUP, groups::update);
        r.delete(GROUP, groups::delete);
        r.get(GROUP_USERS, groups::members);
        r.put(GROUP_USER, groups::addMember);
        r.delete(GROUP_USER, groups::removeMember);
        r.post(APPS, apps::create);
        r.get(APPS, apps::list);
        r.get(APP, apps::get);
        r.put(APP, apps::update);
        r.delete(APP, apps::delete);
        r.get(APP + "/tokens", appTokens::list);
        r.delete(APP + "/tokens", appTokens::revokeAll);
        r.get(APP + "/tokens/{tokenId}", appTokens::get);
        r.delete(APP + "/tokens/{tokenId}", appTokens::revoke);
        r.post(APP_LIFECYCLE, apps::lifecycle);
        r.post(APP_SECRETS, apps::rotateSecret);
        r.get(APP_USERS, apps::users);
        r.post(APP_USERS, apps::assignUser);
        r.get(APP_USER, apps::user);
        r.delete(APP_USER, apps::unassignUser);
        r.get(APP_GROUPS, apps::groups);
        r.put(APP_GROUP, apps::assignGroup);
        r.get(APP_GROUP, apps::group);
        r.delete(APP_GROUP, apps::unassignGroup);
        r.get(AUTHORIZATION_SERVERS, authorizationServers::list);
        r.post(AUTHORIZATION_SERVERS, authorizationServers::create);
        r.get(AUTHORIZATION_SERVER, authorizationServers::get);
        r.put(AUTHORIZATION_SERVER, authorizationServers::update);
        r.delete(AUTHORIZATION_SERVER, authorizationServers::delete);
        r.post(AUTHORIZATION_SERVER_LIFECYCLE, authorizationServers::lifecycle);
        r.get(AUTHORIZATION_SERVER_KEYS, authorizationServers::keys);
        r.get(AUTHORIZATION_SERVER_KEY, authorizationServers::key);
        r.post(AUTHORIZATION_SERVER_KEY_ROTATE, authorizationServers::rotate);
        r.get(AUTHORIZATION_SERVER_SCOPES, scopes::list);
        r.post(AUTHORIZATION_SERVER_SCOPES, scopes::create);
        r.get(AUTHORIZATION_SERVER_SCOPE, scopes::get);
        r.put(AUTHORIZATION_SERVER_SCOPE, scopes::update);
        r.delete(AUTHORIZATION_SERVER_SCOPE, scopes::delete);
        r.get(SESSION_ME, sessions::get);
        r.delete(SESSION_ME, sessions::delete);
        r.post(SESSION_ME_REFRESH, sessions::refresh);
    }
}
