package dev.gatehouse.oauth.token;

import java.util.List;

/** A token request, by grant type; the exhaustive switch in {@link TokenEndpoint} picks the grant. */
public sealed interface TokenRequest {

    record CodeExchange(String code, String redirectUri, String codeVerifier) implements TokenRequest {
    }

    /** {@code scope} is null when not given (then the refresh token's own scopes apply). */
    record RefreshRequest(String refreshToken, List<String> scope) implements TokenRequest {
    }

    record ClientCredentialsRequest(List<String> scope) implements TokenRequest {
    }
}
