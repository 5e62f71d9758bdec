package dev.gatehouse.oauth.grants;

import dev.gatehouse.syslog.Cause;
import dev.gatehouse.syslog.Problem;

import dev.gatehouse.apps.App;
import dev.gatehouse.apps.AppSettings.GrantType;
import dev.gatehouse.oauth.GrantTypes;
import dev.gatehouse.oauth.OAuthError;
import dev.gatehouse.oauth.OAuthEvents;
import dev.gatehouse.oauth.OidcScopes;
import dev.gatehouse.oauth.servers.AccessPolicyEvaluator;
import dev.gatehouse.oauth.servers.AuthorizationServer;
import dev.gatehouse.oauth.servers.RuleLifetimes;
import dev.gatehouse.oauth.token.TokenRequest.ClientCredentialsRequest;
import dev.gatehouse.oauth.token.TokenResponse;
import dev.gatehouse.oauth.issued.ClaimsSigner;
import dev.gatehouse.syslog.EventContext;
import dev.gatehouse.syslog.LogText;
import dev.gatehouse.syslog.SystemLog;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** The {@code client_credentials} grant: a service app gets an access token for custom scopes of a custom server; no user, no refresh token. */
public final class ClientCredentialsGrant {

    private final ClaimsSigner signer;
    private final TokenRecorder recorder;
    private final Function<AuthorizationServer, Set<String>> customScopes;
    /** Writes the grant's System Log event, committed when it returns (in Wiring: {@link dev.gatehouse.syslog.EventBatcher}). */
    private final java.util.function.BiConsumer<EventContext, SystemLog.Entry> events;
    private final AccessPolicyEvaluator policies;
    private final java.util.function.BiFunction<AuthorizationServer, List<String>, List<String>> consentRequired;

    /** Okta's consent_required text for client credentials (research notes §7.1); {0}: the scopes. */
    public static final String CONSENT_REQUIRED = "The following scopes require user consent and cannot be granted for the client credentials grant type: [%s].";

    /** @param consentRequired the requested scopes whose consent is REQUIRED on the server: a service has no user to ask */
    public ClientCredentialsGrant(ClaimsSigner signer, TokenRecorder recorder, Function<AuthorizationServer, Set<String>> customScopes,
                                  java.util.function.BiConsumer<EventContext, SystemLog.Entry> events,
                                  AccessPolicyEvaluator policies, java.util.function.BiFunction<AuthorizationServer, List<String>, List<String>> consentRequired) {
        this.policies = policies;
        this.consentRequired = consentRequired;
        this.signer = signer;
        this.recorder = recorder;
        this.customScopes = customScopes;
        this.events = events;
    }

    public TokenResponse handle(ClientCredentialsRequest r, App client, AuthorizationServer server, String issuerUrl, EventContext ctx) {
        GrantTypes.require(client, GrantType.CLIENT_CREDENTIALS);
        if (r.scope() == null || r.scope().isEmpty()) {
            throw OAuthError.INVALID_SCOPE.because("No scopes were requested.");
        }
        Set<String> allowed = server.org() ? Set.of() : customScopes.apply(server);
        List<String> bad = r.scope().stream().filter(s -> !allowed.contains(s)).toList();
        if (!bad.isEmpty()) {
            // Echoed as Okta does, but a scope that could not be one is shown only described (LogText): it is also logged.
            List<String> named = bad.stream().map(s -> LogText.ifPlausible(s, 128)).toList();
            throw OAuthError.INVALID_SCOPE.because("The following scopes are not allowed: " + named
                    + (server.org() ? ". Use a custom authorization server, such as default, for client credentials." : "."))
                    .with(Problem.of(Cause.SCOPE_NOT_ALLOWED, String.join(" ", named.stream().sorted().toList()),
                            Map.of("grant_type", "client_credentials", "client_id", client.clientId(), "scope", String.join(" ", named),
                                    "notAllowed", String.join(" ", named), "authorizationServer", server.name())));
        }
        // The client is the subject: only rules that name no particular person can match (research notes §10.7).
        RuleLifetimes rule = policies.evaluate(server, client.clientId(), null, GrantType.CLIENT_CREDENTIALS.wire(), r.scope())
                .orElseThrow(() -> OAuthError.NO_MATCHING_POLICY.because(AccessPolicyEvaluator.NO_MATCH, "no access policy rule matched")
                        .with(Problem.of(Cause.NO_MATCHING_POLICY, server.id() + " client_credentials", Map.of("grant_type", "client_credentials",
                                "client_id", client.clientId(), "scope", String.join(" ", r.scope()), "authorizationServer", server.name()))));
        // FLEXIBLE scopes are granted to services without consent; REQUIRED ones cannot be (Okta: "Block services from requesting this scope").
        List<String> asked = server.org() ? List.of() : consentRequired.apply(server, r.scope());
        if (!asked.isEmpty()) {
            throw OAuthError.CONSENT_REQUIRED.because(CONSENT_REQUIRED.formatted(String.join(", ", asked)));
        }
        ClaimsSigner.Signed signed = signer.sign(new ClaimsSigner.Grant(server, issuerUrl, client.clientId(), null, r.scope(), Instant.EPOCH, List.of(),
                null, null, null, RuleLifetimes.effective(rule, server)));
        // No access_tokens row (issue #23): nothing reads one unless the token is revoked, and then the revocation writes it
        // (TokenVerifier, Revocation); the grant's only write is its System Log event, committed with those of the grants
        // waiting at the same moment (EventBatcher), before the answer.
        events.accept(ctx, SystemLog.Entry.success(OAuthEvents.type(server, "token.grant"), "OAuth2 token granted", client.auditTarget())
                .withDebug(Map.of("grant_type", "client_credentials", "scopes", OidcScopes.join(r.scope()))));
        return recorder.response(signed, null);
    }
}
