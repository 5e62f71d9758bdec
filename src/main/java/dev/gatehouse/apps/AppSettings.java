package dev.gatehouse.apps;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * An app's OAuth client configuration after {@link AppRules} accepted it: every value is valid and
 * every default applied. Okta's spec words are kept verbatim as the enums' {@link Wire#wire()} values.
 *
 * @param initiateLoginUri   null when not set
 * @param refreshToken       kept even while the {@code refresh_token} grant is off, so turning it back on
 *                           brings back the previous values (Okta: "your previously configured values are used");
 *                           use {@link #refreshTokenSettings()} for what applies
 * @param adminNote          {@code settings.notes.admin}, null when not set
 * @param endUserNote        {@code settings.notes.enduser}, null when not set
 */
public record AppSettings(
        ApplicationType applicationType,
        List<GrantType> grantTypes,
        List<ResponseType> responseTypes,
        List<String> redirectUris,
        List<String> postLogoutRedirectUris,
        String initiateLoginUri,
        AuthMethod tokenEndpointAuthMethod,
        boolean pkceRequired,
        RefreshToken refreshToken,
        ConsentMethod consentMethod,
        IssuerMode issuerMode,
        String adminNote,
        String endUserNote) {

    public AppSettings {
        grantTypes = List.copyOf(grantTypes);
        responseTypes = List.copyOf(responseTypes);
        redirectUris = List.copyOf(redirectUris);
        postLogoutRedirectUris = List.copyOf(postLogoutRedirectUris);
    }

    /** A value with its spelling on the wire ({@code authorization_code}, {@code browser}, {@code ROTATE} …). */
    public interface Wire {
        String wire();

        /** The constant of {@code type} spelled {@code wire} (exactly, case-sensitive), if any. */
        static <E extends Enum<E> & Wire> Optional<E> parse(Class<E> type, String wire) {
            return Arrays.stream(type.getEnumConstants()).filter(e -> e.wire().equals(wire)).findFirst();
        }

        /** {@code [a, b, c]}: the wire values of {@code values}, for messages. */
        static String list(Wire... values) {
            return Arrays.stream(values).map(Wire::wire).toList().toString();
        }
    }

    /** {@code settings.oauthClient.application_type}; fixed when the app is created. */
    public enum ApplicationType implements Wire {
        BROWSER("browser", "A single-page app (browser)"),
        NATIVE("native", "A native app"),
        SERVICE("service", "A service app"),
        WEB("web", "A web app");

        private final String wire;
        private final String description;

        ApplicationType(String wire, String description) {
            this.wire = wire;
            this.description = description;
        }

        @Override
        public String wire() {
            return wire;
        }

        /** "A single-page app (browser)", for messages. */
        public String description() {
            return description;
        }

        /** Browser and native apps cannot keep a secret: they authenticate with {@code none} and PKCE. */
        public boolean publicClient() {
            return this == BROWSER || this == NATIVE;
        }
    }

    /** {@code grant_types} values Gatehouse supports. */
    public enum GrantType implements Wire {
        AUTHORIZATION_CODE("authorization_code"),
        REFRESH_TOKEN("refresh_token"),
        IMPLICIT("implicit"),
        CLIENT_CREDENTIALS("client_credentials"),
        PASSWORD("password");

        private final String wire;

        GrantType(String wire) {
            this.wire = wire;
        }

        @Override
        public String wire() {
            return wire;
        }

        /** The grant as the console names it (Okta's words): the app's pages and the sign-in doctor's fixes. */
        public String label() {
            return switch (this) {
                case AUTHORIZATION_CODE -> "Authorization Code";
                case REFRESH_TOKEN -> "Refresh Token";
                case IMPLICIT -> "Implicit (hybrid)";
                case CLIENT_CREDENTIALS -> "Client Credentials";
                case PASSWORD -> "Resource Owner Password";
            };
        }
    }

    /** {@code response_types} values. */
    public enum ResponseType implements Wire {
        CODE("code"), TOKEN("token"), ID_TOKEN("id_token");

        private final String wire;

        ResponseType(String wire) {
            this.wire = wire;
        }

        @Override
        public String wire() {
            return wire;
        }
    }

    /** {@code token_endpoint_auth_method} values Gatehouse supports. */
    public enum AuthMethod implements Wire {
        CLIENT_SECRET_BASIC("client_secret_basic"), CLIENT_SECRET_POST("client_secret_post"), NONE("none");

        private final String wire;

        AuthMethod(String wire) {
            this.wire = wire;
        }

        @Override
        public String wire() {
            return wire;
        }
    }

    /** {@code refresh_token.rotation_type}. */
    public enum RotationType implements Wire {
        ROTATE, STATIC;

        @Override
        public String wire() {
            return name();
        }
    }

    /** {@code consent_method}. */
    public enum ConsentMethod implements Wire {
        REQUIRED, TRUSTED;

        @Override
        public String wire() {
            return name();
        }
    }

    /** {@code issuer_mode}. */
    public enum IssuerMode implements Wire {
        CUSTOM_URL, DYNAMIC, ORG_URL;

        @Override
        public String wire() {
            return name();
        }
    }

    /** {@code settings.oauthClient.refresh_token}: {@code leeway} is the grace period in seconds, 0–60. */
    public record RefreshToken(RotationType rotationType, int leeway) {
    }

    public boolean allows(GrantType grant) {
        return grantTypes.contains(grant);
    }

    /** The refresh-token settings, present only while the {@code refresh_token} grant is allowed. */
    public Optional<RefreshToken> refreshTokenSettings() {
        return allows(GrantType.REFRESH_TOKEN) ? Optional.of(refreshToken) : Optional.empty();
    }

    /** True when the client authenticates with a client secret (web and service apps). */
    public boolean hasClientSecret() {
        return tokenEndpointAuthMethod != AuthMethod.NONE;
    }
}
