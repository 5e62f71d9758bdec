package dev.gatehouse;

import dev.gatehouse.console.Nav;
import dev.gatehouse.console.Console;
import dev.gatehouse.reports.DashboardPages;
import dev.gatehouse.apitokens.ApiTokenPages;
import dev.gatehouse.features.FeaturePages;
import dev.gatehouse.apps.AppPages;
import dev.gatehouse.directory.GroupPages;
import dev.gatehouse.directory.PeoplePages;
import dev.gatehouse.http.Routes;
import dev.gatehouse.mfa.AuthenticatorPages;
import dev.gatehouse.policies.PolicyPages;
import dev.gatehouse.oauth.servers.AccessPolicyPages;
import dev.gatehouse.oauth.servers.AuthorizationServerPages;
import dev.gatehouse.origins.TrustedOriginPages;
import dev.gatehouse.reports.SystemLogPages;
import io.javalin.config.RoutesConfig;

/** The Admin Console's route table: every /admin page, behind {@link Console#gate}. */
public final class ConsoleRoutes implements Routes {

    private final Console console;
    private final DashboardPages dashboard;
    private final PeoplePages people;
    private final GroupPages groups;
    private final ApiTokenPages tokens;
    private final SystemLogPages systemLog;
    private final FeaturePages features;
    private final TrustedOriginPages trustedOrigins;
    private final AppPages apps;
    private final AuthorizationServerPages authorizationServers;
    private final AuthenticatorPages authenticators;
    private final PolicyPages policies;
    private final AccessPolicyPages accessPolicies;
    private final dev.gatehouse.oauth.servers.ClaimPages claims;
    private final dev.gatehouse.oauth.servers.TokenPreviewPages tokenPreview;
    private final dev.gatehouse.mail.MailPages mail;
    private final dev.gatehouse.troubleshoot.TroubleshootPages troubleshoot;

    public ConsoleRoutes(Console console, DashboardPages dashboard, PeoplePages people, GroupPages groups, ApiTokenPages tokens,
                         SystemLogPages systemLog, AppPages apps, AuthorizationServerPages authorizationServers,
                         FeaturePages features, TrustedOriginPages trustedOrigins, AuthenticatorPages authenticators,
                         PolicyPages policies, AccessPolicyPages accessPolicies,
                         dev.gatehouse.oauth.servers.ClaimPages claims, dev.gatehouse.oauth.servers.TokenPreviewPages tokenPreview,
                         dev.gatehouse.mail.MailPages mail, dev.gatehouse.troubleshoot.TroubleshootPages troubleshoot) {
        this.troubleshoot = troubleshoot;
        this.mail = mail;
        this.policies = policies;
        this.accessPolicies = accessPolicies;
        this.claims = claims;
        this.tokenPreview = tokenPreview;
        this.authenticators = authenticators;
        this.trustedOrigins = trustedOrigins;
        this.features = features;
        this.authorizationServers = authorizationServers;
        this.apps = apps;
        this.console = console;
        this.dashboard = dashboard;
        this.people = people;
        this.groups = groups;
        this.tokens = tokens;
        this.systemLog = systemLog;
    }

    @Override
    public void register(RoutesConfig r) {
        r.beforeMatched("/admin", console::gate);
        r.beforeMatched("/admin/*", console::gate);
        r.get(Nav.DASHBOARD.path(), dashboard::show);
        String person = Nav.PEOPLE.path() + "/{id}";
        r.get(Nav.PEOPLE.path(), people::list);
        r.post(Nav.PEOPLE.path(), people::create);
        r.get(Nav.PEOPLE.path() + "/new", people::newForm);
        r.get(person, people::show);
        r.post(person + "/profile", people::updateProfile);
        r.post(person + "/password", people::resetPassword);
        r.post(person + "/password/email", people::emailResetLink);
        r.post(person + "/password/expire", people::expirePassword);
        r.post(person + "/activation", people::sendActivation);
        r.post(person + "/lifecycle/{op}", people::lifecycle);
        r.post(person + "/delete", people::delete);
        r.get(person + "/sessions", people::sessionsForm);
        r.post(person + "/sessions", people::clearSessions);
        r.get(person + "/authenticators/reset", authenticators::resetForm);
        r.post(person + "/authenticators/reset", authenticators::reset);
        r.post(person + "/groups", people::addToGroup);
        r.post(person + "/groups/{groupId}/remove", people::removeFromGroup);
        r.get(Nav.AUTHENTICATORS.path(), authenticators::list);
        r.post(Nav.AUTHENTICATORS.path() + "/{id}/{op}", authenticators::lifecycle);
        r.get(Nav.AUTHENTICATION_POLICIES.path(), policies::list);
        r.post(Nav.AUTHENTICATION_POLICIES.path() + "/any-two-factors", policies::anyTwoFactors);
        r.get(Nav.AUTHENTICATION_POLICIES.path() + "/{id}", policies::show);
        r.get(Nav.AUTHENTICATOR_ENROLLMENT.path(), policies::enrollment);
        r.post(Nav.AUTHENTICATOR_ENROLLMENT.path(), policies::saveEnrollment);
        r.get(Nav.GLOBAL_SESSION_POLICY.path(), policies::sessions);
        r.post(Nav.GLOBAL_SESSION_POLICY.path() + "/administrators", policies::requireFactorForAdministrators);
        String group = Nav.GROUPS.path() + "/{id}";
        r.get(Nav.GROUPS.path(), groups::list);
        r.post(Nav.GROUPS.path(), groups::create);
        r.get(group, groups::show);
        r.post(group, groups::update);
        r.post(group + "/members", groups::addMember);
        r.post(group + "/members/{userId}/remove", groups::removeMember);
        r.post(group + "/delete", groups::delete);
        r.get(Nav.TOKENS.path(), tokens::list);
        r.post(Nav.TOKENS.path(), tokens::create);
        r.post(Nav.TOKENS.path() + "/{id}/revoke", tokens::revoke);
        r.get(Nav.SYSTEM_LOG.path(), systemLog::show);
        String app = Nav.APPLICATIONS.path() + "/{id}";
        r.get(Nav.APPLICATIONS.path(), apps::list);
        r.post(Nav.APPLICATIONS.path(), apps::create);
        r.get(Nav.APPLICATIONS.path() + "/new", apps::addApplication);
        for (AppPages.Entry entry : AppPages.Entry.values()) {
            r.get(entry.path(), ctx -> apps.chooseType(ctx, entry));
        }
        r.get(Nav.APPLICATIONS.path() + "/new/settings", apps::settingsForm);
        r.get(app, apps::show);
        r.post(app, apps::update);
        r.get(app + "/edit", apps::editForm);
        r.post(app + "/activate", apps::activate);
        r.post(app + "/deactivate", apps::deactivate);
        r.post(app + "/delete", apps::delete);
        r.post(app + "/secret", apps::rotateSecret);
        r.post(app + "/sign-on-policy", policies::assignToApp);
        r.post(app + "/groups", apps::assignGroup);
        r.post(app + "/groups/{groupId}/remove", apps::unassignGroup);
        r.post(app + "/users", apps::assignUser);
        r.post(app + "/users/{userId}/remove", apps::unassignUser);
        r.post(app + "/tokens/{tokenId}/revoke", apps::revokeGrant);
        r.get(app + "/troubleshoot", troubleshoot::forApp);
        r.post(app + "/troubleshoot/{problem}/fix", troubleshoot::fixForApp);
        r.post(app + "/troubleshoot/{problem}/dismiss", troubleshoot::dismissForApp);
        r.get(Nav.SIGN_IN_PROBLEMS.path(), troubleshoot::forOrg);
        r.post(Nav.SIGN_IN_PROBLEMS.path() + "/{problem}/fix", troubleshoot::fixForOrg);
        r.post(Nav.SIGN_IN_PROBLEMS.path() + "/{problem}/dismiss", troubleshoot::dismissForOrg);
        String server = Nav.AUTHORIZATION_SERVERS.path() + "/{id}";
        r.get(Nav.AUTHORIZATION_SERVERS.path(), authorizationServers::list);
        r.post(Nav.AUTHORIZATION_SERVERS.path(), authorizationServers::create);
        r.get(server, authorizationServers::show);
        r.post(server + "/scopes", authorizationServers::addScope);
        r.post(server + "/scopes/{scopeId}/delete", authorizationServers::deleteScope);
        r.post(server + "/keys/rotate", authorizationServers::rotate);
        r.post(server + "/lifecycle/{op}", authorizationServers::lifecycle);
        r.post(server + "/delete", authorizationServers::delete);
        String policy = server + "/policies/{policyId}";
        r.get(server + "/policies", accessPolicies::list);
        r.post(server + "/policies", accessPolicies::createPolicy);
        r.get(policy + "/edit", accessPolicies::editPolicy);
        r.post(policy, accessPolicies::updatePolicy);
        r.get(policy + "/rules/new", accessPolicies::newRule);
        r.post(policy + "/rules", accessPolicies::createRule);
        r.get(policy + "/rules/{ruleId}/edit", accessPolicies::editRule);
        r.post(policy + "/rules/{ruleId}", accessPolicies::updateRule);
        r.post(policy + "/rules/{ruleId}/{op}", accessPolicies::ruleAction);
        r.post(policy + "/{op}", accessPolicies::policyAction);   // after ".../rules": routes match in the order they are added
        r.get(server + "/claims", claims::show);
        r.post(server + "/claims", claims::create);
        r.post(server + "/claims/{claimId}", claims::update);
        r.post(server + "/claims/{claimId}/delete", claims::delete);
        r.get(server + "/preview", tokenPreview::show);
        r.post(server + "/preview", tokenPreview::preview);
        String origin = Nav.TRUSTED_ORIGINS.path() + "/{id}";
        r.get(Nav.TRUSTED_ORIGINS.path(), trustedOrigins::list);
        r.post(Nav.TRUSTED_ORIGINS.path(), trustedOrigins::create);
        r.get(Nav.TRUSTED_ORIGINS.path() + "/new", trustedOrigins::newForm);
        r.get(origin, trustedOrigins::show);
        r.post(origin, trustedOrigins::update);
        r.post(origin + "/activate", trustedOrigins::activate);
        r.post(origin + "/deactivate", trustedOrigins::deactivate);
        r.post(origin + "/delete", trustedOrigins::delete);
        r.get(Nav.FEATURES.path(), features::list);
        r.post(Nav.FEATURES.path() + "/{id}", features::toggle);
        r.get(Nav.EMAILS.path(), mail::list);
        r.get(Nav.EMAILS.path() + "/templates/{name}", mail::template);
        r.post(Nav.EMAILS.path() + "/templates/{name}", mail::saveTemplate);
        r.get(Nav.EMAILS.path() + "/templates/{name}/preview", mail::previewHtml);
        r.get(Nav.EMAILS.path() + "/outbox/{id}", mail::message);
        r.get(Nav.EMAILS.path() + "/outbox/{id}/html", mail::messageHtml);
        r.post(Nav.EMAILS.path() + "/outbox/{id}/retry", mail::retry);
    }
}
