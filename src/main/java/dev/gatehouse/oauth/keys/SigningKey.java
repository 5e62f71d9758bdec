package dev.gatehouse.oauth.keys;

import com.nimbusds.jose.jwk.RSAKey;

import java.time.Instant;

/**
 * A signing key as the outside may see it: its public JWK and where it is in its life. Okta's names for the
 * states: ACTIVE signs, NEXT is published and signs after the next rotation, EXPIRED signed before the last
 * rotation and stays published until the tokens it signed have expired.
 */
public record SigningKey(String kid, String authorizationServerId, int generation, Status status, RSAKey publicJwk,
                         Instant created, Instant activated, Instant retired) {

    public enum Status { ACTIVE, NEXT, EXPIRED }
}
