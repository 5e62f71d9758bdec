package dev.gatehouse.oauth.consent;

import java.time.Instant;
import java.util.List;

/**
 * One consent page shown for one authorization request (stored; the form carries only a random id whose hash is the key):
 * the session and person it was shown to, what it asks (client, server, scopes), where the request continues after Allow
 * and where a refusal goes. Answered once, within {@link Consents#VALIDITY}.
 */
public record ConsentRequest(String idHash, String sessionId, String userId, String clientId, String serverId, List<String> scopes,
                             String continueUri, String redirectUri, String responseMode, String state, String issuer,
                             Instant created, Instant expires, Instant used) {
}
