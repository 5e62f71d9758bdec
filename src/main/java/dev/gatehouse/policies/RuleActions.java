package dev.gatehouse.policies;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.errors.ApiError.Cause;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A rule's {@code actions} as {@link PolicyInput} reads them, one method per rule type: {@code appSignOn}
 * (ACCESS_POLICY), {@code enroll} (MFA_ENROLL) and {@code signon} (SIGN_ON), each checked field by field (a cause per
 * bad field) and normalised with Okta's defaults.
 */
final class RuleActions {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final Set<String> CONSTRAINT_TYPES = Set.of("SECURITY_KEY", "PHONE", "EMAIL", "PASSWORD", "SECURITY_QUESTION", "APP",
            "FEDERATED");

    private RuleActions() {
    }

    // ── rule actions ────────────────────────────────────────────────────────────────────────────────────────────
    static JsonNode appSignOn(JsonNode a, List<Cause> causes) {
        ObjectNode out = F.objectNode();
        if (a == null || !a.isObject()) {
            causes.add(new Cause("actions.appSignOn", "The field cannot be left blank"));
            return out;
        }
        String access = a.path("access").asText("");
        if (!Set.of("ALLOW", "DENY").contains(access)) {
            causes.add(new Cause("actions.appSignOn.access", "Must be ALLOW or DENY"));
        }
        out.put("access", access);
        JsonNode vm = a.get("verificationMethod");
        if (vm != null && !vm.isNull()) {
            ObjectNode v = F.objectNode();
            String factorMode = vm.path("factorMode").asText("");
            if (!Set.of("1FA", "2FA").contains(factorMode)) {
                causes.add(new Cause("actions.appSignOn.verificationMethod.factorMode", "Must be 1FA or 2FA"));
            }
            v.put("factorMode", factorMode);
            String type = vm.path("type").asText("ASSURANCE");
            if (!"ASSURANCE".equals(type)) {
                causes.add(new Cause("actions.appSignOn.verificationMethod.type", "Only ASSURANCE is supported"));
            }
            v.put("type", type);
            duration(vm, "reauthenticateIn", "actions.appSignOn.verificationMethod.reauthenticateIn", causes).ifPresent(d -> v.put("reauthenticateIn", d));
            duration(vm, "inactivityPeriod", "actions.appSignOn.verificationMethod.inactivityPeriod", causes).ifPresent(d -> v.put("inactivityPeriod", d));
            JsonNode constraints = vm.get("constraints");
            if (constraints != null && !constraints.isNull()) {
                if (!constraints.isArray() || constraints.size() > 10) {
                    causes.add(new Cause("actions.appSignOn.verificationMethod.constraints", "Must be a list of {knowledge, possession}"));
                } else {
                    for (JsonNode c : constraints) {
                        for (String kind : List.of("knowledge", "possession")) {
                            for (JsonNode t : c.path(kind).path("types")) {
                                if (!CONSTRAINT_TYPES.contains(t.asText().toUpperCase(Locale.ROOT))) {
                                    causes.add(new Cause("actions.appSignOn.verificationMethod.constraints",
                                            "Unknown " + kind + " type '" + PolicyInput.clip(t.asText()) + "'"));
                                }
                            }
                        }
                    }
                    v.set("constraints", constraints);
                }
            }
            out.set("verificationMethod", v);
        } else if ("ALLOW".equals(access)) {
            causes.add(new Cause("actions.appSignOn.verificationMethod", "An ALLOW rule says how people verify (factorMode 1FA or 2FA)"));
        }
        JsonNode keep = a.get("keepMeSignedIn");
        out.set("keepMeSignedIn", keep != null && keep.isObject() ? keep : F.objectNode().put("postAuth", "NOT_ALLOWED"));
        return F.objectNode().set("appSignOn", out);
    }

    static JsonNode enrollAction(JsonNode e, List<Cause> causes) {
        String self = e == null ? "CHALLENGE" : e.path("self").asText("CHALLENGE");
        if (!Set.of("CHALLENGE", "LOGIN", "NEVER", "NEVER_INCLUDING_RECOVERY").contains(self)) {
            causes.add(new Cause("actions.enroll.self", "Must be CHALLENGE, LOGIN, NEVER or NEVER_INCLUDING_RECOVERY"));
        }
        return F.objectNode().set("enroll", F.objectNode().put("self", self));
    }

    static JsonNode signOn(JsonNode s, List<Cause> causes) {
        ObjectNode out = F.objectNode();
        if (s == null || !s.isObject()) {
            causes.add(new Cause("actions.signon", "The field cannot be left blank"));
            return F.objectNode().set("signon", out);
        }
        String access = s.path("access").asText("");
        if (!Set.of("ALLOW", "DENY").contains(access)) {
            causes.add(new Cause("actions.signon.access", "Must be ALLOW or DENY"));
        }
        out.put("access", access);
        JsonNode rf = s.get("requireFactor");
        if (rf != null && !rf.isNull() && !rf.isBoolean()) {
            causes.add(new Cause("actions.signon.requireFactor", "Must be true or false"));
        }
        boolean requireFactor = rf != null && rf.asBoolean(false);
        out.put("requireFactor", requireFactor);
        if (requireFactor) {
            String mode = s.path("factorPromptMode").asText("");
            if (!Set.of("ALWAYS", "DEVICE", "SESSION").contains(mode)) {
                causes.add(new Cause("actions.signon.factorPromptMode", "Must be ALWAYS, DEVICE or SESSION when a factor is required"));
            }
            out.put("factorPromptMode", mode);
            if ("SESSION".equals(mode)) {
                JsonNode life = s.get("factorLifetime");
                if (life == null || !life.canConvertToInt() || !life.isIntegralNumber() || life.asInt() < 1) {
                    causes.add(new Cause("actions.signon.factorLifetime", "Minutes, 1 or more, when factorPromptMode is SESSION"));
                } else {
                    out.put("factorLifetime", life.asInt());
                }
            }
            out.put("rememberDeviceByDefault", s.path("rememberDeviceByDefault").asBoolean(false));
        }
        String primary = s.path("primaryFactor").asText("PASSWORD_IDP");
        if (!Set.of("PASSWORD_IDP", "PASSWORD_IDP_ANY_FACTOR").contains(primary)) {
            causes.add(new Cause("actions.signon.primaryFactor", "Must be PASSWORD_IDP or PASSWORD_IDP_ANY_FACTOR"));
        }
        out.put("primaryFactor", primary);
        JsonNode session = s.path("session");
        ObjectNode so = F.objectNode();
        so.put("usePersistentCookie", session.path("usePersistentCookie").asBoolean(false));
        so.put("maxSessionIdleMinutes", minutes(session, "maxSessionIdleMinutes", 120, 1, causes));
        so.put("maxSessionLifetimeMinutes", minutes(session, "maxSessionLifetimeMinutes", 1440, 0, causes));
        out.set("session", so);
        return F.objectNode().set("signon", out);
    }

    private static int minutes(JsonNode session, String field, int dflt, int min, List<Cause> causes) {
        JsonNode n = session.get(field);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() < min || n.asInt() > 60 * 24 * 365 * 10) {
            causes.add(new Cause("actions.signon.session." + field, "Minutes, " + min + " or more"));
            return dflt;
        }
        return n.asInt();
    }

    private static Optional<String> duration(JsonNode parent, String field, String path, List<Cause> causes) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        try {
            Duration d = Duration.parse(n.asText());
            if (d.isNegative() || !n.isTextual()) {
                throw new DateTimeParseException("negative", n.asText(), 0);
            }
            return Optional.of(n.asText());
        } catch (DateTimeParseException e) {
            causes.add(new Cause(path, "An ISO-8601 duration such as PT2H or PT0S"));
            return Optional.empty();
        }
    }
}
