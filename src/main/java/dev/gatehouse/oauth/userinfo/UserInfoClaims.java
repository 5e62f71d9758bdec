package dev.gatehouse.oauth.userinfo;

import dev.gatehouse.directory.User;
import dev.gatehouse.oauth.OidcScopes;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The claims /userinfo returns (OIDC Core §5.1, Okta §6 and §12.1): always {@code sub} = the user id (the ID token's
 * {@code sub}: okta-auth-js rejects a mismatch), then every claim of each granted scope that has a value.
 *
 * <ul>
 *   <li>{@code profile}: name, nickname, given_name, middle_name, family_name, profile, zoneinfo, locale,
 *       updated_at (epoch seconds), preferred_username (the login). {@code locale} and {@code zoneinfo} fall back
 *       to Okta's org defaults ({@code en-US}, {@code America/Los_Angeles}) as Okta's own answers do; a profile
 *       locale such as {@code en_US} is written as the BCP 47 tag {@code en-US} that OIDC asks for.</li>
 *   <li>{@code email}: email, email_verified ({@code true}, as in the ID token: Gatehouse has no unverified state).</li>
 *   <li>{@code phone}: phone_number (the profile's {@code mobilePhone}), only when set.</li>
 *   <li>{@code address}: the address object from streetAddress, city, state, zipCode, countryCode, only when one
 *       of them is set.</li>
 *   <li>{@code groups}: the names of the user's groups (at most 100, as in tokens).</li>
 * </ul>
 */
public final class UserInfoClaims {

    static final String DEFAULT_LOCALE = "en-US";
    static final String DEFAULT_ZONEINFO = "America/Los_Angeles";

    private UserInfoClaims() {
    }

    public static Map<String, Object> of(User user, List<String> scopes, List<String> groupNames) {
        User.Profile p = user.profile();
        Map<String, String> extra = p.extra();
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("sub", user.id());
        if (scopes.contains(OidcScopes.PROFILE)) {
            c.put("name", p.name());
            put(c, "nickname", extra.get("nickName"));
            put(c, "given_name", p.firstName());
            put(c, "middle_name", extra.get("middleName"));
            put(c, "family_name", p.lastName());
            put(c, "profile", extra.get("profileUrl"));
            c.put("zoneinfo", extra.getOrDefault("timezone", DEFAULT_ZONEINFO));
            String locale = extra.get("locale");
            c.put("locale", locale == null ? DEFAULT_LOCALE : locale.replace('_', '-'));
            c.put("updated_at", (user.lastUpdated() != null ? user.lastUpdated() : user.created()).getEpochSecond());
            c.put("preferred_username", p.login());
        }
        if (scopes.contains(OidcScopes.EMAIL)) {
            put(c, "email", p.email());
            c.put("email_verified", true);
        }
        if (scopes.contains(OidcScopes.ADDRESS)) {
            Map<String, Object> address = new LinkedHashMap<>();
            put(address, "street_address", extra.get("streetAddress"));
            put(address, "locality", extra.get("city"));
            put(address, "region", extra.get("state"));
            put(address, "postal_code", extra.get("zipCode"));
            put(address, "country", extra.get("countryCode"));
            if (!address.isEmpty()) {
                c.put("address", address);
            }
        }
        if (scopes.contains(OidcScopes.PHONE)) {
            put(c, "phone_number", p.mobilePhone());
        }
        if (scopes.contains(OidcScopes.GROUPS) && groupNames != null) {
            c.put("groups", groupNames);
        }
        return c;
    }

    /**
     * {@code standard} plus the server's custom IDENTITY claims for the token's scopes (issue #17: "The UserInfo
     * endpoint always contains a full set of claims for the requested scopes"); a custom claim never replaces a
     * standard one.
     */
    public static Map<String, Object> withCustom(Map<String, Object> standard,
                                                 java.util.function.Function<java.util.Set<String>, Map<String, Object>> custom) {
        Map<String, Object> c = new LinkedHashMap<>(standard);
        custom.apply(java.util.Set.copyOf(standard.keySet())).forEach(c::putIfAbsent);
        return c;
    }

    private static void put(Map<String, Object> m, String name, String value) {
        if (value != null && !value.isBlank()) {
            m.put(name, value);
        }
    }
}
