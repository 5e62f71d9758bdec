package dev.gatehouse.oauth.logout;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.gatehouse.apps.App;
import dev.gatehouse.apps.Apps;
import dev.gatehouse.oauth.OAuthFailure;
import dev.gatehouse.oauth.servers.AuthorizationServer;
import dev.gatehouse.oauth.issued.TokenKind;
import dev.gatehouse.oauth.issued.TokenVerifier;
import dev.gatehouse.syslog.LogText;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * Whether a logout request may go ahead and where it goes then, in plain Java (Okta §9):
 * <ul>
 *   <li>{@code id_token_hint} is required and must be an ID token this server signed ({@code jti} "ID.…",
 *       {@code iss} = this issuer, RS256 by a published key) whose single {@code aud} is an active client. Its
 *       {@code exp} is not checked: an expired but otherwise valid ID token is accepted, as Okta does (a hint
 *       signed by a key no longer published — retired over a day ago — is refused).</li>
 *   <li>{@code post_logout_redirect_uri}, when given, must be registered exactly on that client; {@code state}
 *       is then echoed as a query parameter. Without it the browser goes to Gatehouse's sign-in page.</li>
 *   <li>Anything refused is a readable error page for the person, never a redirect: a redirect on an unchecked
 *       hint or URI would make /logout an open redirector.</li>
 * </ul>
 */
public final class Logout {

    /** Where the browser goes when no {@code post_logout_redirect_uri} is given. */
    public static final String SIGNED_OUT = "/signin?signedOut";

    public sealed interface Decision {
    }

    /** Refused: {@code message} for the person, {@code logDetail} for the System Log, the hint's app when it names one (active or not). */
    public record Refused(String message, String logDetail, Optional<App> client, dev.gatehouse.syslog.Problem problem) implements Decision {
        public Refused(String message, String logDetail, Optional<App> client) {
            this(message, logDetail, client, null);
        }
    }

    /** Accepted: the hint's client and subject (the user id), and where to send the browser. */
    public record Accepted(App client, String subject, String location) implements Decision {
    }

    static final String HINT_REQUIRED = "The 'id_token_hint' parameter is required. Sign out from the application you signed in to.";
    static final String HINT_INVALID = "The 'id_token_hint' is not a valid ID token of this authorization server.";
    static final String CLIENT_UNKNOWN = "The application named by the 'id_token_hint' does not exist or is not active.";
    static final String URI_NOT_REGISTERED = "The 'post_logout_redirect_uri' parameter must be a sign-out redirect URI "
            + "registered on the application (settings.oauthClient.post_logout_redirect_uris).";

    private final TokenVerifier verifier;
    private final Apps apps;

    public Logout(TokenVerifier verifier, Apps apps) {
        this.verifier = verifier;
        this.apps = apps;
    }

    public Decision decide(LogoutRequest r, AuthorizationServer server, String issuer) {
        if (r.idTokenHint() == null) {
            return new Refused(HINT_REQUIRED, "no id_token_hint", Optional.empty());
        }
        JWTClaimsSet claims;
        try {
            claims = verifier.signed(r.idTokenHint(), server, issuer);
        } catch (OAuthFailure f) {
            return new Refused(HINT_INVALID, "id_token_hint: " + f.logDetail(), Optional.empty());
        }
        String jti = claims.getJWTID();
        if (!TokenKind.ID_TOKEN.names(jti) || claims.getSubject() == null) {
            return new Refused(HINT_INVALID, "id_token_hint is not an ID token (jti " + jti + ")", Optional.empty());
        }
        List<String> aud = claims.getAudience();
        if (aud == null || aud.size() != 1) {
            return new Refused(HINT_INVALID, "id_token_hint aud " + aud, Optional.empty());
        }
        Optional<App> named = apps.findByClientId(aud.getFirst());
        Optional<App> client = named.filter(App::active);
        if (client.isEmpty()) {
            return new Refused(CLIENT_UNKNOWN, "no active client " + aud.getFirst(), named, named.isEmpty() ? null
                    : dev.gatehouse.syslog.Problem.of(dev.gatehouse.syslog.Cause.APP_INACTIVE, "", java.util.Map.of("client_id", aud.getFirst(),
                            "endpoint", "logout")));
        }
        String uri = r.postLogoutRedirectUri();
        if (uri == null) {
            return new Accepted(client.get(), claims.getSubject(), SIGNED_OUT);
        }
        if (!client.get().hasPostLogoutRedirectUri(uri)) {
            var closest = dev.gatehouse.oauth.authorize.UriDifference.closest(uri, client.get().settings().postLogoutRedirectUris());
            return new Refused(URI_NOT_REGISTERED, "post_logout_redirect_uri not registered: " + LogText.ifPlausible(uri, 1024),
                    client, dev.gatehouse.syslog.Problem.of(dev.gatehouse.syslog.Cause.POST_LOGOUT_REDIRECT_URI_NOT_REGISTERED,
                            LogText.ifPlausible(uri, 500), java.util.Map.of("client_id", client.get().clientId(),
                                    "post_logout_redirect_uri", LogText.ifPlausible(uri, 500)))
                            .with("closest", closest.map(c -> c.registered()).orElse(null))
                            .with("difference", closest.map(c -> c.describe()).orElse(null)));
        }
        String location = r.state() == null ? uri
                : uri + (uri.contains("?") ? "&" : "?") + "state=" + URLEncoder.encode(r.state(), StandardCharsets.UTF_8).replace("+", "%20");
        return new Accepted(client.get(), claims.getSubject(), location);
    }
}
