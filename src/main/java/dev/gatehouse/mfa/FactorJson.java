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
        if (f.email()) {
            m.put("profile", Map.of("email", f.userEmail()));
        } else if (!f.webAuthn()) {
            m.put("profile", Map.of("credentialId", login));
        } else if (f.credential() != null) {
            m.put("profile", webAuthnProfile(f));
        }
        String self = self(f);
        Map<String, Object> links = new LinkedHashMap<>();
        if (f.active()) {
            links.put("verify", link(self + "/verify", "POST"));
        } else if (!f.expired(now)) {
            links.put("activate", link(self + "/lifecycle/activate", "POST"));
            if (f.email()) {
                // Okta's EnrollFactorEmailResponse example shows resend as an array of named links, but its UserFactorLinks
                // schema (which the generated SDKs deserialize) has one HrefObject: an array would break the Java SDK's
                // UserFactor, so Gatehouse sends the object, with Okta's name "email".
                Map<String, Object> resend = new LinkedHashMap<>();
                resend.put("name", "email");
                resend.put("href", self + "/resend");
                resend.put("hints", Map.of("allow", List.of("POST")));
                links.put("resend", resend);
            }
        }
        links.put("self", f.active() ? link(self, "GET", "DELETE") : link(self, "GET"));
        links.put("user", link(baseUrl + "/api/v1/users/" + f.userId(), "GET"));
        m.put("_links", links);
        return m;
    }

    /**
     * The answer to a WebAuthn enrollment (§3.5): the pending factor with {@code _embedded.activation}, the
     * PublicKeyCredentialCreationOptions in Okta's field names ({@code challenge} and {@code user.id} as text: base64url,
     * the user id itself for {@code user.id}), with {@code rp.id} and {@code timeout} added.
     */
    public Map<String, Object> webAuthnEnrollment(Factor f, String optionsJson, String login, Instant now) {
        Map<String, Object> m = factor(f, login, now);
        m.put("_embedded", Map.of("activation", tree(optionsJson)));
        return m;
    }

    /** The first verify call's answer (§3.5): {@code factorResult: CHALLENGE} with the challenge to sign. */
    public Map<String, Object> webAuthnChallenge(WebAuthn.FactorChallenge c) {
        Factor f = c.factor();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("factorResult", "CHALLENGE");
        m.put("profile", webAuthnProfile(f));
        Map<String, Object> links = new LinkedHashMap<>();
        links.put("verify", link(self(f) + "/verify", "POST"));
        links.put("factor", link(self(f), "GET", "DELETE"));
        m.put("_links", links);
        Map<String, Object> challenge = new LinkedHashMap<>();
        challenge.put("challenge", c.challenge());
        challenge.put("extensions", Map.of());
        m.put("_embedded", Map.of("challenge", challenge));
        return m;
    }

    /** The second verify call's answer: {@code factorResult: SUCCESS} and the factor's profile. */
    public Map<String, Object> webAuthnSuccess(Factor f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("factorResult", "SUCCESS");
        m.put("profile", webAuthnProfile(f));
        return m;
    }

    /**
     * The first verify call's answer for an email factor (as Okta's sms challenge, UserFactorChallengeSmsResponse):
     * {@code factorResult: CHALLENGE}, the profile, and the verify and factor links.
     */
    public Map<String, Object> emailChallenge(Factor f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("factorResult", "CHALLENGE");
        m.put("profile", Map.of("email", f.userEmail()));
        Map<String, Object> links = new LinkedHashMap<>();
        links.put("verify", link(self(f) + "/verify", "POST"));
        links.put("factor", link(self(f), "GET", "DELETE"));
        m.put("_links", links);
        return m;
    }

    /** The catalog entry of the email factor: the user's factor's status, or NOT_SETUP. */
    public Map<String, Object> emailCatalogEntry(String userId, String status) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("factorType", Factor.EMAIL);
        m.put("provider", Factor.OKTA);
        m.put("vendorName", Factor.OKTA);
        m.put("enrollment", "OPTIONAL");
        m.put("status", status);
        m.put("_links", Map.of("enroll", link(baseUrl + "/api/v1/users/" + userId + "/factors", "POST")));
        return m;
    }

    /** The catalog entry of WebAuthn: ACTIVE once the user has one, else NOT_SETUP (more can always be enrolled). */
    public Map<String, Object> webAuthnCatalogEntry(String userId, String status) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("factorType", Factor.WEBAUTHN);
        m.put("provider", Factor.FIDO);
        m.put("vendorName", Factor.FIDO);
        m.put("enrollment", "OPTIONAL");
        m.put("status", status);
        m.put("_links", Map.of("enroll", link(baseUrl + "/api/v1/users/" + userId + "/factors", "POST")));
        return m;
    }

    private static Map<String, Object> webAuthnProfile(Factor f) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("credentialId", f.credential() == null ? null : f.credential().credentialId());
        p.put("authenticatorName", f.displayName());
        return p;
    }

    private static com.fasterxml.jackson.databind.JsonNode tree(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = new com.fasterxml.jackson.databind.ObjectMapper();

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
