package dev.gatehouse.oauth;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Scope values: the OpenID Connect ones every authorization server knows, and parsing of the space-separated list. */
public final class OidcScopes {

    public static final String OPENID = "openid";
    public static final String PROFILE = "profile";
    public static final String EMAIL = "email";
    public static final String ADDRESS = "address";
    public static final String PHONE = "phone";
    public static final String GROUPS = "groups";
    public static final String OFFLINE_ACCESS = "offline_access";

    /** Scopes every authorization server accepts without defining them (Okta's reserved OIDC scopes). */
    public static final Set<String> OIDC = Set.of(OPENID, PROFILE, EMAIL, ADDRESS, PHONE, GROUPS, OFFLINE_ACCESS);

    /** Okta's limit on the length of the {@code scope} parameter. */
    public static final int MAX_LENGTH = 1024;

    private OidcScopes() {
    }

    /** The distinct scope values in request order; empty for null or blank. */
    public static List<String> parse(String scope) {
        if (scope == null || scope.isBlank()) {
            return List.of();
        }
        // By hand rather than split("[ ]+"): this runs on every token request, and the regex showed in the profile.
        // Same result: the trimmed value cut at runs of spaces, duplicates dropped, first order kept.
        String trimmed = scope.trim();
        LinkedHashSet<String> out = new LinkedHashSet<>();
        int start = 0;
        while (start < trimmed.length()) {
            int space = trimmed.indexOf(' ', start);
            int end = space < 0 ? trimmed.length() : space;
            if (end > start) {
                out.add(trimmed.substring(start, end));
            }
            start = end + 1;
        }
        return List.copyOf(out);
    }

    public static String join(List<String> scopes) {
        return String.join(" ", scopes);
    }
}
