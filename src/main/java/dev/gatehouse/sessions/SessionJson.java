package dev.gatehouse.sessions;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Okta's Session JSON for {@code /api/v1/sessions/me}, with {@code _links} to refresh, end and read the session's user. */
public final class SessionJson {

    private final String baseUrl;
    private final String orgId;
    private final SessionSettings settings;

    private final java.util.function.Function<Sessions.Current, String> status;
    private final java.util.function.Predicate<String> mfaActive;

    /**
     * @param status    Okta's session status: ACTIVE, or MFA_REQUIRED / MFA_ENROLL while the global session policy still
     *                  asks this session for a second factor or an enrollment
     * @param mfaActive whether a user has an active second factor
     */
    public SessionJson(String baseUrl, String orgId, SessionSettings settings, java.util.function.Function<Sessions.Current, String> status,
                       java.util.function.Predicate<String> mfaActive) {
        this.status = status;
        this.mfaActive = mfaActive;
        this.baseUrl = baseUrl;
        this.orgId = orgId;
        this.settings = settings;
    }

    /** The session for the Sessions API by id (issue #20): links to itself by id, and to its user by id. */
    public Map<String, Object> byId(Session s, Sessions.Current current) {
        Map<String, Object> m = session(s, current);
        String self = baseUrl + "/api/v1/sessions/" + s.id();
        m.put("_links", Map.of(
                "refresh", Map.of("href", self + "/lifecycle/refresh", "hints", Map.of("allow", List.of("POST"))),
                "self", Map.of("href", self, "hints", Map.of("allow", List.of("GET", "DELETE"))),
                "user", Map.of("name", current.user().profile().name(), "href", baseUrl + "/api/v1/users/" + s.userId(),
                        "hints", Map.of("allow", List.of("GET")))));
        return m;
    }

    public Map<String, Object> session(Session s, Sessions.Current current) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("login", current.user().profile().login());
        m.put("userId", s.userId());
        m.put("status", status.apply(current));
        m.put("createdAt", s.created());
        m.put("expiresAt", s.expiresAt(settings.idle()));
        m.put("lastPasswordVerification", s.passwordVerified());
        m.put("lastFactorVerification", s.factorVerified());
        // Okta's session AMR values (pwd, swk, hwk, otp, sms, tel, geo, fpt, kba, mfa, mca, sc): the tokens' "user"
        // (user verification by a passkey, RFC 8176) is not one of them, so the session leaves it out.
        m.put("amr", s.amr().stream().filter(a -> !a.equals("user")).toList());
        m.put("idp", Map.of("id", orgId, "type", "OKTA"));
        m.put("mfaActive", mfaActive.test(s.userId()));
        String me = baseUrl + "/api/v1/sessions/me";
        m.put("_links", Map.of(
                "refresh", Map.of("href", me + "/lifecycle/refresh", "hints", Map.of("allow", List.of("POST"))),
                "self", Map.of("href", me, "hints", Map.of("allow", List.of("GET", "DELETE"))),
                "user", Map.of("name", current.user().profile().name(), "href", baseUrl + "/api/v1/users/me",
                        "hints", Map.of("allow", List.of("GET")))));
        return m;
    }
}
