package dev.gatehouse.oauth.authorize;

import dev.gatehouse.oauth.RepeatedParameters;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The parameters of an authorization request exactly as sent (query for GET, form for POST), each its first value;
 * nothing validated yet. {@code repeated} names those sent more than once (RFC 6749 §3.1: refused).
 */
public record AuthorizeRequest(String clientId, String redirectUri, String responseType, String scope, String state,
                               String codeChallenge, String codeChallengeMethod, String nonce, String prompt,
                               String responseMode, String maxAge, String loginHint, String acrValues, Set<String> repeated) {

    public AuthorizeRequest {
        repeated = repeated == null ? Set.of() : Set.copyOf(repeated);
    }

    public static AuthorizeRequest of(Map<String, String> p) {
        return of(p, Set.of());
    }

    /** From every value of every parameter. */
    public static AuthorizeRequest ofAll(Map<String, List<String>> all) {
        Map<String, String> first = new java.util.LinkedHashMap<>();
        all.forEach((k, v) -> {
            if (!v.isEmpty()) {
                first.put(k, v.getFirst());
            }
        });
        return of(first, RepeatedParameters.in(all));
    }

    private static AuthorizeRequest of(Map<String, String> p, Set<String> repeated) {
        return new AuthorizeRequest(p.get("client_id"), p.get("redirect_uri"), p.get("response_type"), p.get("scope"),
                p.get("state"), p.get("code_challenge"), p.get("code_challenge_method"), p.get("nonce"), p.get("prompt"),
                p.get("response_mode"), p.get("max_age"), p.get("login_hint"), p.get("acr_values"), repeated);
    }
}
