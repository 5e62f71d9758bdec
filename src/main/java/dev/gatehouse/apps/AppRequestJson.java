package dev.gatehouse.apps;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.errors.ApiError;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads Okta's {@code OpenIdConnectApplication} JSON into an {@link AppRequest}. Only the JSON is judged here:
 * a member of the wrong type ({@code "leeway":"thirty"}, {@code "redirect_uris":"x"}) is a cause naming it, never a
 * 500; {@code name} and {@code signOnMode} must be the OIDC ones (Gatehouse has no other kind of app); members
 * for features Gatehouse does not have must keep Okta's default value. Everything else, values included, is
 * {@link AppRules}'. Members it does not know are ignored, as Okta does; read-only ones ({@code id}, {@code status},
 * {@code created}, {@code _links} …) too.
 */
final class AppRequestJson {

    static final String TYPE_STRING = "Does not match required type: string";
    static final String TYPE_BOOLEAN = "Does not match required type: boolean";
    static final String TYPE_OBJECT = "Does not match required type: object";
    static final String TYPE_STRINGS = "Must be an array of strings";

    /** The request, and the {@code client_secret} member when one was sent (only {@link AppsApi} judges it). */
    record Read(AppRequest request, String clientSecret) {
        @Override
        public String toString() {
            return "Read[" + request + "]";
        }
    }

    private final List<ApiError.Cause> causes = new ArrayList<>();

    private AppRequestJson() {
    }

    /** The request in {@code body} (a JSON object), or 400 E0000001 with a cause for every badly typed member. */
    static Read read(JsonNode body) {
        return new AppRequestJson().parse(body);
    }

    private Read parse(JsonNode body) {
        String name = text(body, "name", "name");
        if (name != null && !name.equals(App.NAME)) {
            causes.add(new ApiError.Cause("name", "'" + name + "' is not supported: Gatehouse has only OpenID Connect app "
                    + "integrations; use " + App.NAME));
        }
        String signOnMode = text(body, "signOnMode", "signOnMode");
        if (signOnMode != null && !signOnMode.equals(App.SIGN_ON_MODE)) {
            causes.add(new ApiError.Cause("signOnMode", "'" + signOnMode + "' is not supported: Gatehouse has only OpenID "
                    + "Connect app integrations; use " + App.SIGN_ON_MODE));
        }
        JsonNode credentials = object(object(body, "credentials", "credentials"), "oauthClient", "credentials.oauthClient");
        expect(bool(credentials, "autoKeyRotation", "autoKeyRotation"), true, "autoKeyRotation",
                "Gatehouse rotates keys automatically; only true is supported");
        JsonNode settings = object(body, "settings", "settings");
        JsonNode notes = object(settings, "notes", "notes");
        JsonNode client = object(settings, "oauthClient", "settings.oauthClient");
        JsonNode refresh = object(client, "refresh_token", "refresh_token");
        JsonNode idpInitiated = object(client, "idp_initiated_login", "idp_initiated_login");
        String idpMode = text(idpInitiated, "mode", "idp_initiated_login.mode");
        if (idpMode != null && !idpMode.equals("DISABLED")) {
            causes.add(new ApiError.Cause("idp_initiated_login.mode", "'" + idpMode + "' is not supported: Gatehouse has no "
                    + "IdP-initiated login; use DISABLED"));
        }
        expect(bool(client, "dpop_bound_access_tokens", "dpop_bound_access_tokens"), false, "dpop_bound_access_tokens",
                "Gatehouse does not issue DPoP-bound access tokens; only false is supported");
        expect(bool(client, "participate_slo", "participate_slo"), false, "participate_slo",
                "Gatehouse has no single logout; only false is supported");
        AppRequest request = new AppRequest(
                text(body, "label", "label"),
                text(credentials, "client_id", "client_id"),
                text(client, "application_type", "application_type"),
                strings(client, "grant_types"),
                strings(client, "response_types"),
                strings(client, "redirect_uris"),
                strings(client, "post_logout_redirect_uris"),
                text(client, "initiate_login_uri", "initiate_login_uri"),
                text(credentials, "token_endpoint_auth_method", "token_endpoint_auth_method"),
                bool(credentials, "pkce_required", "pkce_required"),
                text(refresh, "rotation_type", "refresh_token.rotation_type"),
                leeway(refresh),
                text(client, "consent_method", "consent_method"),
                text(client, "issuer_mode", "issuer_mode"),
                text(client, "wildcard_redirect", "wildcard_redirect"),
                bool(settings, "implicitAssignment", "implicitAssignment"),
                text(notes, "admin", "notes.admin"),
                text(notes, "enduser", "notes.enduser"));
        String secret = text(credentials, "client_secret", "client_secret");
        if (!causes.isEmpty()) {
            throw ApiError.validation(causes);
        }
        return new Read(request, secret);
    }

    /** The member if it is present and not null, else null. */
    private static JsonNode member(JsonNode parent, String key) {
        JsonNode node = parent == null ? null : parent.get(key);
        return node == null || node.isNull() ? null : node;
    }

    private JsonNode object(JsonNode parent, String key, String field) {
        JsonNode node = member(parent, key);
        if (node != null && !node.isObject()) {
            causes.add(new ApiError.Cause(field, TYPE_OBJECT));
            return null;
        }
        return node;
    }

    private String text(JsonNode parent, String key, String field) {
        JsonNode node = member(parent, key);
        if (node != null && !node.isTextual()) {
            causes.add(new ApiError.Cause(field, TYPE_STRING));
            return null;
        }
        return node == null ? null : node.asText();
    }

    private Boolean bool(JsonNode parent, String key, String field) {
        JsonNode node = member(parent, key);
        if (node != null && !node.isBoolean()) {
            causes.add(new ApiError.Cause(field, TYPE_BOOLEAN));
            return null;
        }
        return node == null ? null : node.asBoolean();
    }

    private List<String> strings(JsonNode parent, String key) {
        JsonNode node = member(parent, key);
        if (node == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        if (node.isArray()) {
            for (JsonNode item : node) {
                if (!item.isTextual()) {
                    break;
                }
                out.add(item.asText());
            }
            if (out.size() == node.size()) {
                return out;
            }
        }
        causes.add(new ApiError.Cause(key, TYPE_STRINGS));
        return null;
    }

    /** {@code refresh_token.leeway}: a JSON integer (its range is {@link AppRules}'); "30", 30.5 or true are causes. */
    private Integer leeway(JsonNode refresh) {
        JsonNode node = member(refresh, "leeway");
        if (node == null) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            causes.add(new ApiError.Cause("refresh_token.leeway", AppRules.LEEWAY));
            return null;
        }
        return node.asInt();
    }

    private void expect(Boolean given, boolean supported, String field, String message) {
        if (given != null && given != supported) {
            causes.add(new ApiError.Cause(field, message));
        }
    }
}
