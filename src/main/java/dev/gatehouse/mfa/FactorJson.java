package dev.gatehouse.mfa;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Okta's UserFactor JSON for Google Authenticator TOTP, in Okta's key order ({@code id, factorType, provider, vendorName,
 * status, created, lastUpdated, profile, _links, _embedded}). The enrollment answer alone carries
 * {@code _embedded.activation} with the shared secret and the one-time QR link; every later answer (GET, list,
 * activate) leaves the secret out. A pending factor links {@code activate}, an ACTIVE one {@code verify}; {@code self} allows DELETE once ACTIVE. In a list too a pending factor links
 * {@code activate}: the {@code next} link of the spec's list example is not in its UserFactor schema, and no recorded
 * traffic shows it.
 */
public final class FactorJson {

    /** {@code keyLength}: the length of the shared secret as shown (32 base32 characters, 160 bits). */
    static final int KEY_LENGTH = 32;

    private final String baseUrl;

    public FactorJson(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** The answer to an enrollment: the factor with its activation (secret and QR link). */
    public Map<String, Object> enrollment(Factors.Enrollment e, String login, Instant now) {
        Map<String, Object> m = factor(e.factor(), login, now);
        Map<String, Object> activation = new LinkedHashMap<>();
        activation.put("timeStep", Totp.STEP.toSeconds());
        activation.put("sharedSecret", e.sharedSecret());
        activation.put("encoding", "base32");
        activation.put("keyLength", KEY_LENGTH);
        activation.put("_links", Map.of("qrcode", Map.of("href", self(e.factor()) + "/qr/" + e.qrToken(), "type", "image/png")));
        m.put("_embedded", Map.of("activation", activation));
        return m;
    }

    /** One factor, without its secret. */
    public Map<String, Object> factor(Factor f, String login, Instant now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", f.id());
        m.put("factorType", f.factorType());
        m.put("provider", f.provider());
        m.put("vendorName", f.provider());
        m.put("status", f.shownStatus(now));
        m.put("created", f.created());
        m.put("lastUpdated", f.lastUpdated());
        m.put("profile", Map.of("credentialId", login));
        String self = self(f);
        Map<String, Object> links = new LinkedHashMap<>();
        if (f.active()) {
            links.put("verify", link(self + "/verify", "POST"));
        } else if (!f.expired(now)) {
            links.put("activate", link(self + "/lifecycle/activate", "POST"));
        }
        links.put("self", f.active() ? link(self, "GET", "DELETE") : link(self, "GET"));
        links.put("user", link(baseUrl + "/api/v1/users/" + f.userId(), "GET"));
        m.put("_links", links);
        return m;
    }

    /** The catalog entry of Google Authenticator: {@code status} the user's factor's, or NOT_SETUP. */
    public Map<String, Object> catalogEntry(String userId, String status) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("factorType", Factor.TOTP);
        m.put("provider", Factor.GOOGLE);
        m.put("vendorName", Factor.GOOGLE);
        m.put("enrollment", "OPTIONAL");
        m.put("status", status);
        m.put("_links", Map.of("enroll", link(baseUrl + "/api/v1/users/" + userId + "/factors", "POST")));
        return m;
    }

    private String self(Factor f) {
        return baseUrl + "/api/v1/users/" + f.userId() + "/factors/" + f.id();
    }

    private static Map<String, Object> link(String href, String... allow) {
        return Map.of("href", href, "hints", Map.of("allow", List.of(allow)));
    }
}
