package dev.gatehouse.oauth.logout;

/** An RP-initiated logout request (OIDC RP-Initiated Logout 1.0 §2, Okta §9) as read from the query or the form. */
public record LogoutRequest(String idTokenHint, String postLogoutRedirectUri, String state) {

    public LogoutRequest {
        idTokenHint = blankToNull(idTokenHint);
        postLogoutRedirectUri = blankToNull(postLogoutRedirectUri);
        state = blankToNull(state);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
