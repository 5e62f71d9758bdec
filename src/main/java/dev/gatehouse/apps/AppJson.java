package dev.gatehouse.apps;

import dev.gatehouse.apps.AppSettings.Wire;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Okta's {@code OpenIdConnectApplication}, AppUser and ApplicationGroupAssignment JSON, with {@code _links} to this
 * server, in the member order of Okta's responses. Members Gatehouse has no feature for carry Okta's defaults
 * ({@code accessibility}, {@code visibility}, {@code idp_initiated_login} …). A client secret appears only when
 * one is passed in: the create response.
 */
public final class AppJson {

    private final String baseUrl;
    private final Function<App, Optional<String>> accessPolicyHref;

    /** {@code accessPolicyHref}: the href of the app sign-in policy an app uses ({@code _links.accessPolicy}), if any. */
    public AppJson(String baseUrl, Function<App, Optional<String>> accessPolicyHref) {
        this.baseUrl = baseUrl;
        this.accessPolicyHref = accessPolicyHref;
    }

    public Map<String, Object> app(App app) {
        return app(app, Optional.empty());
    }

    public Map<String, Object> app(App app, Optional<String> clientSecret) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", app.id());
        m.put("name", App.NAME);
        m.put("label", app.label());
        m.put("status", app.status().name());
        m.put("lastUpdated", app.lastUpdated());
        m.put("created", app.created());
        Map<String, Object> accessibility = new LinkedHashMap<>();
        accessibility.put("selfService", false);
        accessibility.put("errorRedirectUrl", null);
        accessibility.put("loginRedirectUrl", null);
        m.put("accessibility", accessibility);
        m.put("visibility", ordered("autoLaunch", false, "autoSubmitToolbar", false,
                "hide", ordered("iOS", true, "web", true), "appLinks", Map.of("oidc_client_link", true)));
        m.put("features", List.of());
        m.put("signOnMode", App.SIGN_ON_MODE);
        m.put("credentials", credentials(app, clientSecret));
        m.put("settings", settings(app));
        m.put("_links", links(app));
        return m;
    }

    private static Map<String, Object> credentials(App app, Optional<String> clientSecret) {
        AppSettings s = app.settings();
        Map<String, Object> client = new LinkedHashMap<>();
        client.put("autoKeyRotation", true);
        client.put("client_id", app.clientId());
        clientSecret.ifPresent(secret -> client.put("client_secret", secret));
        client.put("token_endpoint_auth_method", s.tokenEndpointAuthMethod().wire());
        client.put("pkce_required", s.pkceRequired());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("userNameTemplate", ordered("template", "${source.login}", "type", "BUILT_IN"));
        m.put("oauthClient", client);
        return m;
    }

    private static Map<String, Object> settings(App app) {
        AppSettings s = app.settings();
        Map<String, Object> client = new LinkedHashMap<>();
        client.put("client_uri", null);
        client.put("logo_uri", null);
        client.put("redirect_uris", s.redirectUris());
        client.put("post_logout_redirect_uris", s.postLogoutRedirectUris());
        client.put("response_types", wires(s.responseTypes()));
        client.put("grant_types", wires(s.grantTypes()));
        if (s.initiateLoginUri() != null) {
            client.put("initiate_login_uri", s.initiateLoginUri());
        }
        client.put("application_type", s.applicationType().wire());
        client.put("consent_method", s.consentMethod().wire());
        client.put("issuer_mode", s.issuerMode().wire());
        s.refreshTokenSettings().ifPresent(r -> {
            Map<String, Object> refresh = new LinkedHashMap<>();
            refresh.put("rotation_type", r.rotationType().wire());
            refresh.put("leeway", r.leeway());
            client.put("refresh_token", refresh);
        });
        client.put("idp_initiated_login", ordered("mode", "DISABLED", "default_scope", List.of()));
        client.put("wildcard_redirect", "DISABLED");
        client.put("dpop_bound_access_tokens", false);
        client.put("participate_slo", false);
        Map<String, Object> notes = new LinkedHashMap<>();
        notes.put("admin", s.adminNote());
        notes.put("enduser", s.endUserNote());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("app", Map.of());
        m.put("manualProvisioning", false);
        m.put("implicitAssignment", app.implicitAssignment());
        m.put("emOptInStatus", "NONE");
        m.put("notes", notes);
        m.put("oauthClient", client);
        return m;
    }

    private Map<String, Object> links(App app) {
        String self = self(app.id());
        Map<String, Object> links = new LinkedHashMap<>();
        accessPolicyHref.apply(app).ifPresent(href -> links.put("accessPolicy", Map.of("href", href)));
        links.put("self", Map.of("href", self));
        links.put("users", Map.of("href", self + "/users"));
        links.put("groups", Map.of("href", self + "/groups"));
        String operation = app.active() ? "deactivate" : "activate";
        links.put(operation, ordered("href", self + "/lifecycle/" + operation, "method", "POST"));
        return links;
    }

    /** The response of {@code POST /credentials/secrets}: Okta's OAuth2ClientSecret, with the secret itself. */
    public Map<String, Object> newSecret(App app, String secret) {
        App.ClientSecret stored = app.secret();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", stored.id());
        m.put("status", "ACTIVE");
        m.put("client_secret", secret);
        m.put("created", stored.created());
        m.put("lastUpdated", stored.created());
        // No _links: Okta's OAuthClientSecretLinks has only activate/deactivate/delete of the secret, operations
        // Gatehouse does not serve (one secret per app, replaced by the next POST); an "app" link is not in the schema.
        return m;
    }

    public Map<String, Object> appUser(AppUser u) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", u.userId());
        m.put("externalId", null);
        m.put("created", u.created());
        m.put("lastUpdated", u.lastUpdated());
        m.put("scope", u.scope().name());
        m.put("status", "ACTIVE");
        m.put("statusChanged", u.created());
        m.put("passwordChanged", null);
        // No lastSync: nothing is provisioned, and Okta leaves it out then (its recorded app-user responses have
        // syncState DISABLED and no lastSync; the schema has no null for it).
        m.put("syncState", "DISABLED");
        m.put("credentials", Map.of("userName", u.login()));
        m.put("profile", Map.of());
        m.put("_links", ordered("app", Map.of("href", self(u.appId())), "user", Map.of("href", baseUrl + "/api/v1/users/" + u.userId())));
        return m;
    }

    public Map<String, Object> groupAssignment(GroupAssignment g) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", g.groupId());
        m.put("lastUpdated", g.lastUpdated());
        m.put("priority", g.priority());
        m.put("profile", Map.of());
        m.put("_links", ordered("app", Map.of("href", self(g.appId())), "group", Map.of("href", baseUrl + "/api/v1/groups/" + g.groupId())));
        return m;
    }

    private String self(String appId) {
        return baseUrl + "/api/v1/apps/" + appId;
    }

    /** A map that keeps the order of {@code keysAndValues} (key, value, key, value …), so responses read the same every time. */
    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    private static List<String> wires(List<? extends Wire> values) {
        return values.stream().map(Wire::wire).toList();
    }
}
