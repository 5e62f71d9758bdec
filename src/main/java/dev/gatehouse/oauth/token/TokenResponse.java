package dev.gatehouse.oauth.token;

import java.util.LinkedHashMap;
import java.util.Map;

/** The successful /token answer (§4.3); absent members are left out of the JSON. */
public record TokenResponse(String accessToken, long expiresIn, String scope, String refreshToken, String idToken) {

    public Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("token_type", "Bearer");
        m.put("expires_in", expiresIn);
        m.put("access_token", accessToken);
        m.put("scope", scope);
        if (refreshToken != null) {
            m.put("refresh_token", refreshToken);
        }
        if (idToken != null) {
            m.put("id_token", idToken);
        }
        return m;
    }
}
