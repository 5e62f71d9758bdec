package dev.gatehouse.junit;

/**
 * What {@code /token} answered to the code exchange of a sign-in: the access token (a JWT), the ID token when
 * {@code openid} was asked for, the refresh token when {@code offline_access} was asked for and the app may have one
 * (else null), the scopes granted and the access token's lifetime in seconds.
 */
public record Tokens(String accessToken, String idToken, String refreshToken, String scope, long expiresIn) {

    /** {@code Authorization} header value for a call to an API: {@code Bearer <access token>}. */
    public String bearer() {
        return "Bearer " + accessToken;
    }
}
