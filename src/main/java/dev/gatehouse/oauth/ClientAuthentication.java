package dev.gatehouse.oauth;

import dev.gatehouse.syslog.Cause;
import dev.gatehouse.syslog.Problem;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.gatehouse.apps.App;
import dev.gatehouse.apps.AppSettings.AuthMethod;
import dev.gatehouse.apps.Apps;
import dev.gatehouse.syslog.LogText;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Who the client is at /token, /introspect and /revoke. Accepts {@code client_secret_basic},
 * {@code client_secret_post} and {@code none} — including {@code Authorization: Basic base64(client_id)}
 * with no secret, which okta-auth-js sends for public clients. A public client that sends a secret is
 * refused rather than silently treated as public, so a misconfigured SPA is noticed.
 */
public final class ClientAuthentication {

    /**
     * The credentials as presented: from the Authorization header and/or the form body. {@code fromBrowser}: the request
     * carried an {@code Origin} header, i.e. JavaScript in a browser sent it (browsers add it to every cross-origin and
     * every POST request; server-side HTTP clients do not).
     */
    public record Presented(String basicId, String basicSecret, String bodyClientId, String bodySecret, boolean assertion,
                            boolean fromBrowser) {

        /**
         * Parses {@code Authorization: Basic …} (RFC 6749 §2.3.1: id and secret are form-encoded before base64);
         * {@code origin} is the request's {@code Origin} header, null when absent.
         */
        public static Presented of(String authorization, String bodyClientId, String bodySecret, String assertionType, String origin) {
            String id = null;
            String secret = null;
            if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
                String decoded;
                try {
                    decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    decoded = "";
                }
                int colon = decoded.indexOf(':');
                id = urlDecode(colon < 0 ? decoded : decoded.substring(0, colon));
                secret = colon < 0 ? null : urlDecode(decoded.substring(colon + 1));
                if (secret != null && secret.isEmpty()) {
                    secret = null;
                }
            }
            return new Presented(blankToNull(id), secret, blankToNull(bodyClientId), blankToNull(bodySecret), assertionType != null,
                    origin != null);
        }

        private static String urlDecode(String s) {
            try {
                return URLDecoder.decode(s, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return s;
            }
        }

        private static String blankToNull(String s) {
            return s == null || s.isBlank() ? null : s;
        }
    }

    public static final String FAILED = "Client authentication failed. Either the client or the client credentials are invalid.";

    /**
     * Appended to {@link #FAILED} when JavaScript in a browser uses the client ID of an app with a client secret and
     * sends no secret: the guide's warning ("It is important to choose the appropriate application type for apps which
     * are public clients…") where the mistake shows. Okta answers this case with {@link #FAILED} alone
     * (OKTA-REFERENCE §4.2, okta-auth-js issues #455 and #401), and okta-auth-js shows the description as the
     * OAuthError's errorSummary (lib/http/request.ts formatError: {@code new OAuthError(error, error_description)}), so
     * the error code and the first sentence stay Okta's and the explanation follows. It tells the caller only that this
     * client ID (public anyway: it is in every authorize URL) belongs to an app with a secret, which gives no one a way in:
     * they would still need the secret. Requests without an {@code Origin} (servers) keep Okta's text unchanged.
     */
    public static final String SECRET_CLIENT_IN_BROWSER = " This app integration authenticates with a client secret, and a single-page app "
            + "cannot keep one: JavaScript in a browser shows everything it has to its users. For a single-page app, create an app "
            + "integration with the platform Single-Page App (SPA) and use its client ID.";

    private final Apps apps;

    public ClientAuthentication(Apps apps) {
        this.apps = apps;
    }

    public App authenticate(Presented p) {
        if (p.basicSecret() != null && p.bodySecret() != null || p.assertion() && (p.basicSecret() != null || p.bodySecret() != null)) {
            throw OAuthError.INVALID_REQUEST.because("Can't supply multiple client credentials. Use one of the following: credentials in the "
                    + "Authorization header, credentials in the post body, or a client_assertion in the post body.");
        }
        if (p.assertion()) {
            throw OAuthError.INVALID_CLIENT.because(FAILED, "client_assertion is not supported");
        }
        if (p.basicId() != null && p.bodyClientId() != null && !p.basicId().equals(p.bodyClientId())) {
            throw OAuthError.INVALID_CLIENT.because(FAILED, "client_id in the body differs from the Authorization header");
        }
        String clientId = p.basicId() != null ? p.basicId() : p.bodyClientId();
        if (clientId == null) {
            throw OAuthError.INVALID_CLIENT.because("No client credentials found.");
        }
        Optional<App> found = apps.findByClientId(clientId);
        if (found.isEmpty() || !found.get().active()) {
            // The id as sent when it could be one (an admin looks for it); a described stand-in when it is garbage.
            String named = LogText.ifPlausible(clientId, 100);
            OAuthFailure f = OAuthError.INVALID_CLIENT.because(FAILED, "unknown or inactive client " + named);
            throw found.isEmpty() ? f.with(Problem.of(Cause.CLIENT_NOT_FOUND, named, Map.of("client_id", named)))
                    : f.with(Problem.of(Cause.APP_INACTIVE, "", Map.of("client_id", named)).forApp(found.get().id()));
        }
        App app = found.get();
        Map<String, Object> example = new LinkedHashMap<>();
        example.put("client_id", LogText.ifPlausible(clientId, 100));
        example.put("authentication", p.basicSecret() != null ? "client_secret_basic" : p.bodySecret() != null ? "client_secret_post" : "none");
        example.put("fromBrowser", p.fromBrowser());
        AuthMethod method = app.settings().tokenEndpointAuthMethod();
        String secret = p.basicSecret() != null ? p.basicSecret() : p.bodySecret();
        if (method == AuthMethod.NONE) {
            if (secret != null) {
                throw OAuthError.INVALID_CLIENT.because(FAILED + " A public client (token_endpoint_auth_method 'none') must not send a client secret.")
                        .with(Problem.of(Cause.PUBLIC_CLIENT_SENT_SECRET, "", example).forApp(app.id()));
            }
            return app;
        }
        if (secret == null && p.fromBrowser()) {
            throw OAuthError.INVALID_CLIENT.because(FAILED + SECRET_CLIENT_IN_BROWSER, "no secret from a browser for " + method.wire())
                    .with(Problem.of(Cause.CLIENT_AUTHENTICATION_FAILED, "no secret from a browser", example)
                            .with("expected", method.wire()).forApp(app.id()));
        }
        boolean rightPlace = method == AuthMethod.CLIENT_SECRET_BASIC ? p.basicSecret() != null : p.bodySecret() != null;
        if (secret == null || !rightPlace || !apps.verifySecret(app, secret)) {
            String what = secret == null ? "no secret" : !rightPlace ? "secret in the wrong place" : "wrong secret";
            throw OAuthError.INVALID_CLIENT.because(FAILED, "missing, misplaced or wrong secret for " + method.wire())
                    .with(Problem.of(Cause.CLIENT_AUTHENTICATION_FAILED, what, example).with("expected", method.wire()).forApp(app.id()));
        }
        return app;
    }
}
