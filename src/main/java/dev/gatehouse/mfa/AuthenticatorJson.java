package dev.gatehouse.mfa;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Okta's Authenticator JSON, in the key order a real org answers with ({@code type, id, key, status, name, created,
 * lastUpdated, settings, _links}): {@code settings} only for {@code google_otp} (present and empty, as Okta's), and
 * {@code _links} {@code self}, {@code methods} and {@code activate} or {@code deactivate} (none for the password).
 */
public final class AuthenticatorJson {

    private final String baseUrl;

    public AuthenticatorJson(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    public Map<String, Object> authenticator(Authenticator a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", a.type());
        m.put("id", a.id());
        m.put("key", a.key());
        m.put("status", a.status().name());
        m.put("name", a.name());
        m.put("created", a.created());
        m.put("lastUpdated", a.lastUpdated());
        if (Authenticator.GOOGLE_OTP.equals(a.key())) {
            m.put("settings", Map.of());
        } else if (Authenticator.EMAIL.equals(a.key())) {
            // AuthenticatorKeyEmail settings. allowedFor "any" (the spec's example): Gatehouse offers it for sign-in and,
            // with issue 19's recovery, for recovery; it does not narrow it.
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("allowedFor", "any");
            settings.put("tokenLifetimeInMinutes", (int) a.tokenLifetime().toMinutes());
            m.put("settings", settings);
        }
        String self = baseUrl + "/api/v1/authenticators/" + a.id();
        Map<String, Object> links = new LinkedHashMap<>();
        links.put("self", link(self, "GET", "PUT"));
        if (a.hasLifecycle()) {
            // Okta's real org shows activate on an inactive authenticator, deactivate on an active one (§2.3).
            String op = a.active() ? "deactivate" : "activate";
            links.put(op, link(self + "/lifecycle/" + op, "POST"));
        }
        links.put("methods", link(self + "/methods", "GET"));
        m.put("_links", links);
        return m;
    }

    /**
     * {@code GET …/methods}: the one method of each authenticator, {@code password} or {@code otp} (Okta's method type
     * for Google Authenticator), with the authenticator's status and a {@code self} link.
     */
    public List<Map<String, Object>> methods(Authenticator a) {
        return List.of(method(a));
    }

    /**
     * The one method: {@code password}, {@code otp}, or {@code webauthn} with its settings ({@code userVerification} as
     * set, {@code attachment} ANY: Gatehouse does not restrict it) and a self link that allows PUT (§2.4).
     */
    public Map<String, Object> method(Authenticator a) {
        String type = methodType(a);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        m.put("status", a.status().name());
        String self = baseUrl + "/api/v1/authenticators/" + a.id() + "/methods/" + type;
        if (Authenticator.WEBAUTHN.equals(a.key())) {
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("userVerification", (a.userVerification() == null ? Authenticator.UserVerification.PREFERRED : a.userVerification()).name());
            settings.put("attachment", "ANY");
            m.put("settings", settings);
            m.put("_links", Map.of("self", link(self, "GET", "PUT")));
        } else {
            m.put("_links", Map.of("self", link(self, "GET")));
        }
        return m;
    }

    public static String methodType(Authenticator a) {
        return switch (a.key()) {
            case Authenticator.PASSWORD -> "password";
            case Authenticator.WEBAUTHN -> "webauthn";
            case Authenticator.EMAIL -> "email";
            default -> "otp";
        };
    }

    private static Map<String, Object> link(String href, String... allow) {
        return Map.of("href", href, "hints", Map.of("allow", List.of(allow)));
    }
}
