package dev.gatehouse.policies;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.errors.ApiError;
import dev.gatehouse.errors.ApiError.Cause;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Okta's policy and rule JSON, read into what Gatehouse stores: every field checked (a refusal is 400 E0000001 with one
 * cause per field, and nothing is written), the JSON normalised to the shape Okta answers with (its defaults filled).
 * Conditions Gatehouse cannot evaluate (networks zones, devices, risk, expressions) are refused unless they say
 * "anything", so a rule never looks stricter than it is. (About 400 lines: one checker per field of three policy
 * types; the rule actions are in {@link RuleActions}.)
 */
final class PolicyInput {

    static final int MAX_NAME = 255;
    static final int MAX_DESCRIPTION = 1024;
    private static final int MAX_IDS = 100;
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    /** Okta's AuthenticatorKeyEnum. */
    static final Set<String> AUTHENTICATOR_KEYS = Set.of("custom_app", "duo", "external_idp", "google_otp", "okta_email", "okta_password",
            "okta_verify", "onprem_mfa", "phone_number", "security_key", "security_question", "smart_card_idp", "symantec_vip", "webauthn",
            "yubikey_token", "tac", "custom_otp");
    static final Set<String> ENROLL_SELF = Set.of("REQUIRED", "OPTIONAL", "NOT_ALLOWED");

    record PolicyBody(String name, String description, Integer priority, Boolean active, JsonNode conditions, JsonNode settings) {
    }

    record RuleBody(String name, Integer priority, Boolean active, JsonNode conditions, JsonNode actions) {
    }

    /** What a policy may name: groups that exist, and the org's authenticators (key → ACTIVE). */
    record Catalog(Predicate<String> groupExists, Map<String, Boolean> authenticators) {
    }

    private PolicyInput() {
    }

    /**
     * A policy body. {@code previous} is the stored policy on PUT (null on POST): an authenticator entry it already had
     * at the same level is accepted even when that authenticator is now inactive, so a read-modify-write of the
     * seeded default policy works.
     */
    static PolicyBody policy(JsonNode body, PolicyType type, Catalog catalog, Policy previous) {
        List<Cause> causes = new ArrayList<>();
        String name = name(body, causes);
        String description = optionalText(body, "description", MAX_DESCRIPTION, causes);
        Integer priority = priority(body, 1, causes);
        Boolean active = status(body, causes);
        JsonNode conditions = null;
        JsonNode settings = null;
        switch (type) {
            case ACCESS_POLICY -> {
                JsonNode c = body.get("conditions");
                if (c != null && !c.isNull()) {
                    causes.add(new Cause("conditions", "Policy conditions aren't supported for app sign-in policies"));
                }
            }
            case MFA_ENROLL -> {
                conditions = policyConditions(body.get("conditions"), catalog, causes);
                settings = enrollSettings(body.get("settings"), catalog, previous == null ? null : previous.settings(), causes);
            }
            case OKTA_SIGN_ON -> conditions = policyConditions(body.get("conditions"), catalog, causes);
        }
        if (!causes.isEmpty()) {
            throw ApiError.validation(causes);
        }
        return new PolicyBody(name, description, priority, active, conditions, settings);
    }

    static RuleBody rule(JsonNode body, PolicyType type, Catalog catalog) {
        List<Cause> causes = new ArrayList<>();
        String name = name(body, causes);
        Integer priority = priority(body, type.firstRulePriority, causes);
        Boolean active = status(body, causes);
        JsonNode t = body.get("type");
        if (t != null && !t.isNull() && !type.ruleType.equals(t.asText())) {
            causes.add(new Cause("type", "A rule of a " + type.name() + " policy has type " + type.ruleType));
        }
        JsonNode given = body.get("actions");
        if (given != null && !given.isNull() && !given.isObject()) {
            causes.add(new Cause("actions", "Must be an object"));
        }
        if (given != null && given.isObject()) {
            String expected = switch (type) {
                case ACCESS_POLICY -> "appSignOn";
                case MFA_ENROLL -> "enroll";
                case OKTA_SIGN_ON -> "signon";
            };
            given.fieldNames().forEachRemaining(f -> {
                if (!f.equals(expected)) {
                    causes.add(new Cause("actions." + clip(f), "Not an action of a " + type.ruleType + " rule (it has " + expected + ")"));
                }
            });
        }
        JsonNode enroll = body.path("actions").get("enroll");
        if (type == PolicyType.MFA_ENROLL && enroll != null && !enroll.isNull() && !enroll.isObject()) {
            causes.add(new Cause("actions.enroll", "Must be an object such as {\"self\":\"CHALLENGE\"}"));
        }
        JsonNode conditions = ruleConditions(body.get("conditions"), type, catalog, causes);
        JsonNode actions = switch (type) {
            case ACCESS_POLICY -> RuleActions.appSignOn(body.path("actions").get("appSignOn"), causes);
            case MFA_ENROLL -> RuleActions.enrollAction(body.path("actions").get("enroll"), causes);
            case OKTA_SIGN_ON -> RuleActions.signOn(body.path("actions").get("signon"), causes);
        };
        if (!causes.isEmpty()) {
            throw ApiError.validation(causes);
        }
        return new RuleBody(name, priority, active, conditions, actions);
    }

    /** The default rule conditions Okta answers with for a rule sent without any. */
    static JsonNode defaultRuleConditions(PolicyType type) {
        return ruleConditions(null, type, null, new ArrayList<>());
    }

    /** The level an MFA_ENROLL policy's settings give an authenticator key, if they name it. */
    static Optional<String> enrollment(JsonNode settings, String key) {
        if (settings == null) {
            return Optional.empty();
        }
        for (JsonNode a : settings.path("authenticators")) {
            if (key.equals(a.path("key").asText())) {
                return Optional.of(a.path("enroll").path("self").asText("NOT_ALLOWED"));
            }
        }
        return Optional.empty();
    }

    // ── fields ──────────────────────────────────────────────────────────────────────────────────────────────────
    private static String name(JsonNode body, List<Cause> causes) {
        JsonNode n = body.get("name");
        if (n == null || n.isNull() || (n.isTextual() && n.asText().isBlank())) {
            causes.add(new Cause("name", "The field cannot be left blank"));
            return null;
        }
        if (!n.isTextual()) {
            causes.add(new Cause("name", "Does not match required type: string"));
            return null;
        }
        String name = n.asText().strip();
        if (name.length() > MAX_NAME) {
            causes.add(new Cause("name", "The name cannot be longer than " + MAX_NAME + " characters"));
        }
        return name;
    }

    private static String optionalText(JsonNode body, String field, int max, List<Cause> causes) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            causes.add(new Cause(field, "Does not match required type: string"));
            return null;
        }
        if (n.asText().length() > max) {
            causes.add(new Cause(field, "The " + field + " cannot be longer than " + max + " characters"));
        }
        return n.asText();
    }

    private static Integer priority(JsonNode body, int lowest, List<Cause> causes) {
        JsonNode n = body.get("priority");
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() < lowest) {
            causes.add(new Cause("priority", "The priority must be a whole number, " + lowest + " or more"));
            return null;
        }
        return n.asInt();
    }

    private static Boolean status(JsonNode body, List<Cause> causes) {
        JsonNode n = body.get("status");
        if (n == null || n.isNull()) {
            return null;
        }
        return switch (n.asText()) {
            case "ACTIVE" -> true;
            case "INACTIVE" -> false;
            default -> {
                causes.add(new Cause("status", "Must be ACTIVE or INACTIVE"));
                yield null;
            }
        };
    }

    private static ArrayNode ids(JsonNode node, String field, Predicate<String> exists, String what, List<Cause> causes) {
        ArrayNode out = F.arrayNode();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isArray() || node.size() > MAX_IDS) {
            causes.add(new Cause(field, "Must be a list of at most " + MAX_IDS + " " + what + " ids"));
            return out;
        }
        Set<String> seen = new LinkedHashSet<>();
        for (JsonNode id : node) {
            if (!id.isTextual() || id.asText().length() > 64) {
                causes.add(new Cause(field, "Must be a list of " + what + " ids"));
                return out;
            }
            if (exists != null && !exists.test(id.asText())) {
                causes.add(new Cause(field, "There is no " + what + " with id " + id.asText()));
            }
            seen.add(id.asText());
        }
        seen.forEach(out::add);
        return out;
    }

    /** MFA_ENROLL and OKTA_SIGN_ON: {@code people.groups.include/exclude}; Everyone when no group is named. */
    private static JsonNode policyConditions(JsonNode c, Catalog catalog, List<Cause> causes) {
        ObjectNode groups = F.objectNode();
        JsonNode g = c == null ? null : c.path("people").path("groups");
        ArrayNode include = ids(g == null ? null : g.get("include"), "conditions.people.groups.include", catalog.groupExists(), "group", causes);
        ArrayNode exclude = ids(g == null ? null : g.get("exclude"), "conditions.people.groups.exclude", catalog.groupExists(), "group", causes);
        if (include.isEmpty()) {
            include.add(dev.gatehouse.directory.Group.EVERYONE);
        }
        groups.set("include", include);
        if (!exclude.isEmpty()) {
            groups.set("exclude", exclude);
        }
        if (c != null && !c.isNull()) {
            if (!c.isObject()) {
                causes.add(new Cause("conditions", "Must be an object"));
            } else {
                unsupported(c, Set.of("people"), "conditions", causes);
            }
        }
        ObjectNode out = F.objectNode();
        out.set("people", F.objectNode().set("groups", groups));
        return out;
    }

    /** Rule conditions: people (users and groups, include and exclude) and network ANYWHERE; Okta's defaults filled. */
    private static JsonNode ruleConditions(JsonNode c, PolicyType type, Catalog catalog, List<Cause> causes) {
        JsonNode people = c == null ? null : c.get("people");
        ObjectNode users = F.objectNode();
        ArrayNode usersInclude = ids(people == null ? null : people.path("users").get("include"), "conditions.people.users.include", null,
                "user", causes);
        if (!usersInclude.isEmpty()) {
            users.set("include", usersInclude);
        }
        users.set("exclude", ids(people == null ? null : people.path("users").get("exclude"), "conditions.people.users.exclude", null,
                "user", causes));
        ObjectNode peopleOut = F.objectNode();
        peopleOut.set("users", users);
        if (people != null && people.has("groups")) {
            Predicate<String> exists = catalog == null ? null : catalog.groupExists();
            ArrayNode include = ids(people.path("groups").get("include"), "conditions.people.groups.include", exists, "group", causes);
            ArrayNode exclude = ids(people.path("groups").get("exclude"), "conditions.people.groups.exclude", exists, "group", causes);
            if (!include.isEmpty() || !exclude.isEmpty()) {
                ObjectNode groups = F.objectNode();
                if (!include.isEmpty()) {
                    groups.set("include", include);
                }
                if (!exclude.isEmpty()) {
                    groups.set("exclude", exclude);
                }
                peopleOut.set("groups", groups);
            }
        }
        JsonNode network = c == null ? null : c.get("network");
        if (network != null && !network.isNull() && !"ANYWHERE".equals(network.path("connection").asText("ANYWHERE"))) {
            causes.add(new Cause("conditions.network.connection", "Gatehouse has no network zones: only ANYWHERE"));
        }
        if (c != null && !c.isNull()) {
            if (!c.isObject()) {
                causes.add(new Cause("conditions", "Must be an object"));
            } else {
                unsupported(c, Set.of("people", "network"), "conditions", causes);
            }
        }
        ObjectNode out = F.objectNode();
        out.set("people", peopleOut);
        out.set("network", F.objectNode().put("connection", "ANYWHERE"));
        if (type == PolicyType.ACCESS_POLICY) {
            out.set("userType", F.objectNode().<ObjectNode>set("include", F.arrayNode()).set("exclude", F.arrayNode()));
        }
        return out;
    }

    /** A member Gatehouse does not evaluate is refused unless it says "anything" (empty lists, ANY, ANYWHERE). */
    private static void unsupported(JsonNode c, Set<String> known, String prefix, List<Cause> causes) {
        for (Iterator<Map.Entry<String, JsonNode>> it = c.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!known.contains(e.getKey()) && !anything(e.getValue())) {
                causes.add(new Cause(prefix + "." + e.getKey(), "Gatehouse does not evaluate this condition"));
            }
        }
    }

    private static boolean anything(JsonNode n) {
        if (n == null || n.isNull()) {
            return true;
        }
        if (n.isArray()) {
            return n.isEmpty();
        }
        if (n.isTextual()) {
            return Set.of("ANY", "ANYWHERE").contains(n.asText());
        }
        if (n.isObject()) {
            for (JsonNode v : n) {
                if (!anything(v)) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    // ── MFA_ENROLL settings ─────────────────────────────────────────────────────────────────────────────────────
    private static JsonNode enrollSettings(JsonNode s, Catalog catalog, JsonNode previous, List<Cause> causes) {
        ObjectNode out = F.objectNode().put("type", "AUTHENTICATORS");
        ArrayNode list = F.arrayNode();
        out.set("authenticators", list);
        if (s == null || s.isNull()) {
            return previous != null ? previous : out;
        }
        if (!s.isObject()) {
            causes.add(new Cause("settings", "Must be an object such as {\"type\":\"AUTHENTICATORS\",\"authenticators\":[…]}"));
            return out;
        }
        String type = s.path("type").asText("AUTHENTICATORS");
        if (!"AUTHENTICATORS".equals(type)) {
            causes.add(new Cause("settings.type", "Only AUTHENTICATORS (Identity Engine) is supported"));
            return out;
        }
        JsonNode given = s.get("authenticators");
        if (given == null || given.isNull()) {
            return previous != null ? previous : out;
        }
        if (!given.isArray() || given.size() > 50) {
            causes.add(new Cause("settings.authenticators", "Must be a list of {key, enroll:{self}}"));
            return out;
        }
        Set<String> seen = new LinkedHashSet<>();
        for (JsonNode a : given) {
            if (!a.isObject() || (a.has("enroll") && !a.get("enroll").isObject())) {
                causes.add(new Cause("settings.authenticators", "Each entry is {key, enroll:{self}}"));
                continue;
            }
            String key = a.path("key").asText("");
            String self = a.path("enroll").path("self").asText("NOT_ALLOWED");
            if (!AUTHENTICATOR_KEYS.contains(key)) {
                causes.add(new Cause("settings.authenticators", "Unknown authenticator key '" + clip(key) + "'"));
                continue;
            }
            if (!ENROLL_SELF.contains(self)) {
                causes.add(new Cause("settings.authenticators", key + ": enroll.self must be REQUIRED, OPTIONAL or NOT_ALLOWED"));
                continue;
            }
            if (!seen.add(key)) {
                causes.add(new Cause("settings.authenticators", key + " is named twice"));
                continue;
            }
            boolean unchanged = enrollment(previous, key).map(self::equals).orElse(false);
            Boolean active = catalog.authenticators().get(key);
            if (!"NOT_ALLOWED".equals(self) && !unchanged) {
                if (active == null) {
                    causes.add(new Cause("settings.authenticators", "The " + key + " authenticator is not available in Gatehouse"));
                    continue;
                }
                if (!active) {
                    causes.add(new Cause("settings.authenticators", "The " + key
                            + " authenticator is inactive: activate it before a policy can require or offer it"));
                    continue;
                }
            }
            if ("okta_password".equals(key) && !"REQUIRED".equals(self)) {
                causes.add(new Cause("settings.authenticators", "okta_password must be REQUIRED: Gatehouse signs in with a password first"));
                continue;
            }
            if (active == null && "NOT_ALLOWED".equals(self)) {
                continue;   // an authenticator Gatehouse does not have, echoed back as not allowed: nothing to keep
            }
            list.add(F.objectNode().put("key", key).set("enroll", F.objectNode().put("self", self)));
        }
        return out;
    }

    static String clip(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
