package dev.gatehouse.apps;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What an admin asks an app to be, before any rule is applied: built by the management API from Okta's
 * JSON ({@link AppRequestJson}) and by the console from its form, and checked by {@link AppRules} for
 * both. Values are the wire spellings ({@code "browser"}, {@code "authorization_code"}, {@code "ROTATE"} …);
 * a null means "not given".
 *
 * <p>What "not given" means: on create, the default ({@link AppRules} documents each); on update (a full
 * replace, like PUT), the default too, except {@code clientId} and {@code applicationType} (they cannot
 * change: null keeps them), the refresh-token values (null keeps the previous ones, as Okta) and
 * {@code implicitAssignment} (null leaves the assignments alone).
 *
 * @param label                   1–100 characters, required
 * @param clientId                only on create, to choose the OAuth client_id; null: the app id
 * @param applicationType         browser, web, native or service; null on create: web (Okta's default)
 * @param grantTypes              null: authorization_code (client_credentials for service apps)
 * @param responseTypes           null: those the grant types imply
 * @param redirectUris            null: none
 * @param postLogoutRedirectUris  null: none
 * @param initiateLoginUri        null: none
 * @param tokenEndpointAuthMethod null: none for browser and native apps, client_secret_basic for the others
 * @param pkceRequired            null: true for browser and native apps, false for the others
 * @param refreshTokenRotation    ROTATE or STATIC; null: ROTATE for browser apps, STATIC for the others
 * @param refreshTokenLeeway      grace period in seconds, 0–60; null: 30
 * @param consentMethod           REQUIRED or TRUSTED; null: TRUSTED
 * @param issuerMode              ORG_URL, CUSTOM_URL or DYNAMIC; null: ORG_URL
 * @param wildcardRedirect        only DISABLED is accepted; null: DISABLED
 * @param implicitAssignment      true: assign the Everyone group; false: unassign it; null: leave assignments alone
 * @param adminNote               settings.notes.admin
 * @param endUserNote             settings.notes.enduser
 */
public record AppRequest(
        String label,
        String clientId,
        String applicationType,
        List<String> grantTypes,
        List<String> responseTypes,
        List<String> redirectUris,
        List<String> postLogoutRedirectUris,
        String initiateLoginUri,
        String tokenEndpointAuthMethod,
        Boolean pkceRequired,
        String refreshTokenRotation,
        Integer refreshTokenLeeway,
        String consentMethod,
        String issuerMode,
        String wildcardRedirect,
        Boolean implicitAssignment,
        String adminNote,
        String endUserNote) {

    public AppRequest {
        grantTypes = copy(grantTypes);
        responseTypes = copy(responseTypes);
        redirectUris = copy(redirectUris);
        postLogoutRedirectUris = copy(postLogoutRedirectUris);
    }

    /** An unmodifiable copy that, unlike {@code List.copyOf}, keeps null items: {@link AppRules} reports them. */
    private static List<String> copy(List<String> list) {
        return list == null ? null : Collections.unmodifiableList(new ArrayList<>(list));
    }

    /** A request with only a label and an application type; everything else as the defaults. */
    public static Builder builder(String label, String applicationType) {
        return new Builder().label(label).applicationType(applicationType);
    }

    /** The request that would leave {@code app} as it is: the starting point of an edit form. */
    public static AppRequest of(App app) {
        AppSettings s = app.settings();
        return new AppRequest(app.label(), app.clientId(), s.applicationType().wire(), wires(s.grantTypes()),
                wires(s.responseTypes()), s.redirectUris(), s.postLogoutRedirectUris(), s.initiateLoginUri(),
                s.tokenEndpointAuthMethod().wire(), s.pkceRequired(), s.refreshToken().rotationType().wire(),
                s.refreshToken().leeway(), s.consentMethod().wire(), s.issuerMode().wire(), "DISABLED",
                app.implicitAssignment(), s.adminNote(), s.endUserNote());
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.label = label;
        b.clientId = clientId;
        b.applicationType = applicationType;
        b.grantTypes = grantTypes;
        b.responseTypes = responseTypes;
        b.redirectUris = redirectUris;
        b.postLogoutRedirectUris = postLogoutRedirectUris;
        b.initiateLoginUri = initiateLoginUri;
        b.tokenEndpointAuthMethod = tokenEndpointAuthMethod;
        b.pkceRequired = pkceRequired;
        b.refreshTokenRotation = refreshTokenRotation;
        b.refreshTokenLeeway = refreshTokenLeeway;
        b.consentMethod = consentMethod;
        b.issuerMode = issuerMode;
        b.wildcardRedirect = wildcardRedirect;
        b.implicitAssignment = implicitAssignment;
        b.adminNote = adminNote;
        b.endUserNote = endUserNote;
        return b;
    }

    private static List<String> wires(List<? extends AppSettings.Wire> values) {
        return values.stream().map(AppSettings.Wire::wire).toList();
    }

    /** Sets the fields of an {@link AppRequest} by name; unset fields stay null ("not given"). */
    public static final class Builder {
        private String label;
        private String clientId;
        private String applicationType;
        private List<String> grantTypes;
        private List<String> responseTypes;
        private List<String> redirectUris;
        private List<String> postLogoutRedirectUris;
        private String initiateLoginUri;
        private String tokenEndpointAuthMethod;
        private Boolean pkceRequired;
        private String refreshTokenRotation;
        private Integer refreshTokenLeeway;
        private String consentMethod;
        private String issuerMode;
        private String wildcardRedirect;
        private Boolean implicitAssignment;
        private String adminNote;
        private String endUserNote;

        public Builder label(String v) { label = v; return this; }
        public Builder clientId(String v) { clientId = v; return this; }
        public Builder applicationType(String v) { applicationType = v; return this; }
        public Builder grantTypes(List<String> v) { grantTypes = v; return this; }
        public Builder responseTypes(List<String> v) { responseTypes = v; return this; }
        public Builder redirectUris(List<String> v) { redirectUris = v; return this; }
        public Builder postLogoutRedirectUris(List<String> v) { postLogoutRedirectUris = v; return this; }
        public Builder initiateLoginUri(String v) { initiateLoginUri = v; return this; }
        public Builder tokenEndpointAuthMethod(String v) { tokenEndpointAuthMethod = v; return this; }
        public Builder pkceRequired(Boolean v) { pkceRequired = v; return this; }
        public Builder refreshTokenRotation(String v) { refreshTokenRotation = v; return this; }
        public Builder refreshTokenLeeway(Integer v) { refreshTokenLeeway = v; return this; }
        public Builder consentMethod(String v) { consentMethod = v; return this; }
        public Builder issuerMode(String v) { issuerMode = v; return this; }
        public Builder wildcardRedirect(String v) { wildcardRedirect = v; return this; }
        public Builder implicitAssignment(Boolean v) { implicitAssignment = v; return this; }
        public Builder adminNote(String v) { adminNote = v; return this; }
        public Builder endUserNote(String v) { endUserNote = v; return this; }

        public AppRequest build() {
            return new AppRequest(label, clientId, applicationType, grantTypes, responseTypes, redirectUris,
                    postLogoutRedirectUris, initiateLoginUri, tokenEndpointAuthMethod, pkceRequired, refreshTokenRotation,
                    refreshTokenLeeway, consentMethod, issuerMode, wildcardRedirect, implicitAssignment, adminNote, endUserNote);
        }
    }
}
