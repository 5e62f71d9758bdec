package dev.gatehouse.oauth.authorize;

import java.util.Map;

/** The parameters of an authorization request exactly as sent (query for GET, form for POST); nothing validated yet. */
public record AuthorizeRequest(String clientId, String redirectUri, String responseType, String scope, String state,
                               String codeChallenge, String codeChallengeMethod, String nonce, String prompt,
                               String responseMode, String maxAge, String loginHint) {

    public static AuthorizeRequest of(Map<String, String> p) {
        return new AuthorizeRequest(p.get("client_id"), p.get("redirect_uri"), p.get("response_type"), p.get("scope"),
                p.get("state"), p.get("code_challenge"), p.get("code_challenge_method"), p.get("nonce"), p.get("prompt"),
                p.get("response_mode"), p.get("max_age"), p.get("login_hint"));
    }
}
