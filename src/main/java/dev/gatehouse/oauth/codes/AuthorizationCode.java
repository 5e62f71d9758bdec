package dev.gatehouse.oauth.codes;

import java.time.Instant;
import java.util.List;

/**
 * What an authorization code stands for: who signed in to which client, for what, bound to which redirect and PKCE challenge,
 * and how the person signed in ({@code amr}, RFC 8176) to satisfy which {@code acr_values} value ({@code acr}, or null).
 */
public record AuthorizationCode(String codeHash, String serverId, String clientId, String userId, String sessionId,
                                String redirectUri, List<String> scopes, String codeChallenge, String nonce,
                                Instant authTime, List<String> amr, String acr, Instant created, Instant expires, Instant used) {

    /** Codes live 300 s, as Okta's. */
    public static final java.time.Duration LIFETIME = java.time.Duration.ofSeconds(300);
}
