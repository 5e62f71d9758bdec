package dev.gatehouse.oauth.codes;

import dev.gatehouse.oauth.servers.RuleLifetimes;

import java.time.Instant;
import java.util.List;

/**
 * What an authorization code stands for: who signed in to which client, for what, bound to which redirect and PKCE challenge,
 * the access-policy rule chosen at sign-in with its lifetimes ({@code rule}, null before access policies or on the org AS),
 * and how the person signed in ({@code amr}, RFC 8176) to satisfy which {@code acr_values} value ({@code acr}, or null).
 */
public record AuthorizationCode(String codeHash, String serverId, String clientId, String userId, String sessionId,
                                String redirectUri, List<String> scopes, String codeChallenge, String nonce,
                                Instant authTime, List<String> amr, String acr, Instant created, Instant expires, Instant used,
                                RuleLifetimes rule) {

    /** A code without an access-policy decision (the org AS; codes from before access policies). */
    public AuthorizationCode(String codeHash, String serverId, String clientId, String userId, String sessionId,
                             String redirectUri, List<String> scopes, String codeChallenge, String nonce,
                             Instant authTime, List<String> amr, String acr, Instant created, Instant expires, Instant used) {
        this(codeHash, serverId, clientId, userId, sessionId, redirectUri, scopes, codeChallenge, nonce, authTime, amr, acr, created, expires,
                used, null);
    }

    /** Codes live 300 s, as Okta's. */
    public static final java.time.Duration LIFETIME = java.time.Duration.ofSeconds(300);
}
