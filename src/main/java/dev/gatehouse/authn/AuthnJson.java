package dev.gatehouse.authn;

import dev.gatehouse.directory.PasswordPolicy;
import dev.gatehouse.directory.User;
import dev.gatehouse.mfa.Factor;
import dev.gatehouse.mfa.Factors;
import dev.gatehouse.mfa.Totp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Okta's Authentication API transaction JSON (docs/okta/authn.md §1–2): {@code stateToken} while a step waits,
 * {@code expiresAt}, {@code status}, {@code _embedded} (the user; the factors to verify or enroll, or the factor of the
 * current step with its challenge or activation; the password policy where a new password is asked) and {@code _links}
 * (each with one allowed method, so okta-auth-js turns it into a function: {@code next} named after the operation,
 * {@code prev}, {@code cancel}, {@code resend}).
 */
public final class AuthnJson {

    private final String baseUrl;
    private final PasswordPolicy passwordPolicy;

    public AuthnJson(String baseUrl, PasswordPolicy passwordPolicy) {
        this.baseUrl = baseUrl;
        this.passwordPolicy = passwordPolicy;
    }

    public Map<String, Object> transaction(Authn.Result r) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (r.status() == null) {
            if (r.relayState() != null) {
                m.put("relayState", r.relayState());   // cancel: Okta documents no body; nothing but the relay state
            }
            return m;
        }
        if (r.stateToken() != null) {
            m.put("stateToken", r.stateToken());
        }
        if (r.expiresAt() != null) {
            m.put("expiresAt", r.expiresAt());
        }
        m.put("status", r.status());
        if (r.factorResult() != null) {
            m.put("factorResult", r.factorResult());
        }
        if (r.factor() != null && r.factor().webAuthn() && "CHALLENGE".equals(r.factorResult())) {
            m.put("challengeType", "FACTOR");
        }
        if (r.recoveryType() != null) {
            m.put("recoveryType", r.recoveryType());
        }
        if (r.factorType() != null) {
            m.put("factorType", r.factorType());
        }
        if (r.relayState() != null) {
            m.put("relayState", r.relayState());
        }
        if (r.sessionToken() != null) {
            m.put("sessionToken", r.sessionToken());
        }
        if (r.recoveryToken() != null) {
            m.put("recoveryToken", r.recoveryToken());
        }
        Map<String, Object> embedded = new LinkedHashMap<>();
        if (r.user() != null) {
            embedded.put("user", user(r.user()));
        }
        if (r.factors() != null) {
            embedded.put("factors", r.factors().stream().map(f -> verifiable(f, r.user())).toList());
        }
        if (r.enrollable() != null) {
            List<Object> entries = new ArrayList<>();
            r.enrollable().forEach((key, required) -> entries.add(enrollable(key, required)));
            embedded.put("factors", entries);
        }
        if (r.factor() != null) {
            embedded.put("factor", current(r));
        }
        if ("PASSWORD_EXPIRED".equals(r.status()) || "PASSWORD_RESET".equals(r.status())) {
            embedded.put("policy", policy());
        }
        if (!embedded.isEmpty() || "LOCKED_OUT".equals(r.status())) {
            m.put("_embedded", embedded);
        }
        Map<String, Object> links = links(r);
        if (!links.isEmpty()) {
            m.put("_links", links);
        }
        return m;
    }

    private Map<String, Object> links(Authn.Result r) {
        Map<String, Object> links = new LinkedHashMap<>();
        String authn = baseUrl + "/api/v1/authn";
        switch (r.status()) {
            case "MFA_CHALLENGE" -> {
                links.put("next", named("verify", authn + "/factors/" + r.factor().id() + "/verify"));
                links.put("prev", link(authn + "/previous"));
                if (r.factor().email()) {
                    links.put("resend", List.of(named("email", authn + "/factors/" + r.factor().id() + "/verify/resend")));
                }
            }
            case "MFA_ENROLL_ACTIVATE" -> {
                links.put("next", named("activate", authn + "/factors/" + r.factor().id() + "/lifecycle/activate"));
                links.put("prev", link(authn + "/previous"));
                if (r.factor().email()) {
                    links.put("resend", List.of(named("email", authn + "/factors/" + r.factor().id() + "/lifecycle/resend")));
                }
            }
            case "PASSWORD_EXPIRED" -> links.put("next", named("changePassword", authn + "/credentials/change_password"));
            case "PASSWORD_RESET" -> links.put("next", named("resetPassword", authn + "/credentials/reset_password"));
            case "RECOVERY" -> links.put("next", named("recovery", authn + "/recovery/token"));
            default -> {
            }
        }
        if (r.stateToken() != null) {
            links.put("cancel", link(authn + "/cancel"));
        }
        return links;
    }

    /** Okta's authn user: id, passwordChanged, and the profile's login, names, locale and time zone. */
    private static Map<String, Object> user(User u) {
        Map<String, Object> profile = new LinkedHashMap<>();
        profile.put("login", u.profile().login());
        profile.put("firstName", u.profile().firstName());
        profile.put("lastName", u.profile().lastName());
        profile.put("locale", u.profile().extra().getOrDefault("locale", "en"));
        profile.put("timeZone", u.profile().extra().getOrDefault("timezone", "America/Los_Angeles"));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", u.id());
        m.put("passwordChanged", u.passwordChanged());
        m.put("profile", profile);
        return m;
    }

    /** A factor of MFA_REQUIRED: what it is, and where to verify it. */
    private Map<String, Object> verifiable(Factor f, User u) {
        Map<String, Object> m = base(f, u);
        m.put("_links", Map.of("verify", link(baseUrl + "/api/v1/authn/factors/" + f.id() + "/verify")));
        return m;
    }

    private static Map<String, Object> base(Factor f, User u) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", f.id());
        m.put("factorType", f.factorType());
        m.put("provider", f.provider());
        m.put("vendorName", f.provider());
        if (f.email()) {
            m.put("profile", Map.of("email", mask(f.userEmail())));
        } else if (f.webAuthn()) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("credentialId", f.credential() == null ? null : f.credential().credentialId());
            p.put("authenticatorName", f.displayName());
            m.put("profile", p);
        } else {
            m.put("profile", Map.of("credentialId", u.profile().login()));
        }
        return m;
    }

    /** The factor of the current step, with its WebAuthn challenge or its activation (TOTP secret, WebAuthn creation options). */
    private Map<String, Object> current(Authn.Result r) {
        Map<String, Object> m = base(r.factor(), r.user());
        if ("MFA_ENROLL_ACTIVATE".equals(r.status())) {
            m.put("status", "PENDING_ACTIVATION");
        }
        switch (r.activation()) {
            case Authn.TotpActivation t -> m.put("_embedded", Map.of("activation", totp(t.enrollment())));
            case Authn.WebAuthnOptions w when w.challenge() != null -> {
                Map<String, Object> challenge = new LinkedHashMap<>();
                challenge.put("challenge", w.challenge());
                com.fasterxml.jackson.databind.JsonNode options = tree(w.json());
                challenge.put("userVerification", options.path("userVerification").asText("preferred"));
                challenge.put("extensions", Map.of());
                challenge.put("allowCredentials", options.path("allowCredentials"));
                challenge.put("rpId", options.path("rpId").asText(null));
                m.put("_embedded", Map.of("challenge", challenge));
            }
            case Authn.WebAuthnOptions w -> m.put("_embedded", Map.of("activation", tree(w.json())));
            case null, default -> {
            }
        }
        return m;
    }

    private Map<String, Object> totp(Factors.Enrollment e) {
        Map<String, Object> activation = new LinkedHashMap<>();
        activation.put("timeStep", Totp.STEP.toSeconds());
        activation.put("sharedSecret", e.sharedSecret());
        activation.put("encoding", "base32");
        activation.put("keyLength", e.sharedSecret().length());
        activation.put("_links", Map.of("qrcode", Map.of("href", baseUrl + "/api/v1/users/" + e.factor().userId() + "/factors/"
                + e.factor().id() + "/qr/" + e.qrToken(), "type", "image/png")));
        return activation;
    }

    /** An MFA_ENROLL entry: the factor type and provider to enroll, NOT_SETUP, whether the policy requires it. */
    private Map<String, Object> enrollable(String key, boolean required) {
        String type = switch (key) {
            case dev.gatehouse.mfa.Authenticator.GOOGLE_OTP -> Factor.TOTP;
            case dev.gatehouse.mfa.Authenticator.EMAIL -> Factor.EMAIL;
            default -> Factor.WEBAUTHN;
        };
        String provider = switch (key) {
            case dev.gatehouse.mfa.Authenticator.GOOGLE_OTP -> Factor.GOOGLE;
            case dev.gatehouse.mfa.Authenticator.EMAIL -> Factor.OKTA;
            default -> Factor.FIDO;
        };
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("factorType", type);
        m.put("provider", provider);
        m.put("vendorName", provider);
        m.put("_links", Map.of("enroll", link(baseUrl + "/api/v1/authn/factors")));
        m.put("status", "NOT_SETUP");
        m.put("enrollment", required ? "REQUIRED" : "OPTIONAL");
        return m;
    }

    /** The password policy's complexity, in Okta's names, where a new password is asked. */
    private Map<String, Object> policy() {
        Map<String, Object> complexity = new LinkedHashMap<>();
        complexity.put("minLength", passwordPolicy.minLength());
        complexity.put("minLowerCase", passwordPolicy.lowerCase() ? 1 : 0);
        complexity.put("minUpperCase", passwordPolicy.upperCase() ? 1 : 0);
        complexity.put("minNumber", passwordPolicy.number() ? 1 : 0);
        complexity.put("minSymbol", 0);
        complexity.put("excludeUsername", passwordPolicy.excludeUsername());
        return Map.of("complexity", complexity);
    }

    /** "d...y@example.com", Okta's mask: enough to recognise one's address, not to learn it. */
    static String mask(String address) {
        if (address == null) {
            return null;
        }
        int at = address.indexOf('@');
        if (at <= 0) {
            return "...";
        }
        String local = address.substring(0, at);
        return local.charAt(0) + "..." + (local.length() > 1 ? local.charAt(local.length() - 1) : "") + address.substring(at);
    }

    private static Map<String, Object> link(String href) {
        return Map.of("href", href, "hints", Map.of("allow", List.of("POST")));
    }

    private static Map<String, Object> named(String name, String href) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("href", href);
        m.put("hints", Map.of("allow", List.of("POST")));
        return m;
    }

    private static com.fasterxml.jackson.databind.JsonNode tree(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = new com.fasterxml.jackson.databind.ObjectMapper();
}
