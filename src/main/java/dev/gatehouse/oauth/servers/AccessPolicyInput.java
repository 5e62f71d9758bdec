package dev.gatehouse.oauth.servers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.errors.ApiError;
import dev.gatehouse.errors.ApiError.Cause;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Reads and checks an access policy or rule as Okta's JSON (the API and the console send the same), all causes at once:
 * 400 E0000001 with one {@code errorCauses} entry per problem, before anything is written. Okta's ranges: access token
 * 5..1440 minutes, refresh token 0 (unlimited) or at least the access token's, idle window 10..2,628,000 minutes and
 * (as Terraform checks) not longer than a limited refresh lifetime. Every list and string is bounded.
 */
public final class AccessPolicyInput {

    /** What a policy or rule may name, read when one is written. {@code scopes}: every scope name of the server. */
    public record Catalog(Predicate<String> clientExists, Predicate<String> userExists, Predicate<String> groupExists, Set<String> scopes) {
    }

    public record PolicyBody(String name, String description, Boolean active, Integer priority, List<String> clients) {
    }

    public record RuleBody(String name, Boolean active, Integer priority, List<String> usersInclude, List<String> usersExclude,
                           List<String> groupsInclude, List<String> groupsExclude, List<String> grantTypes, List<String> scopes,
                           int accessTokenMinutes, int refreshTokenMinutes, int refreshWindowMinutes, String inlineHookId) {
    }

    /** The grant types a rule may name: Okta's list (stored and echoed; Gatehouse issues only for those it implements). */
    public static final List<String> GRANT_TYPES = List.of("authorization_code", "implicit", "password", "client_credentials", "refresh_token",
            "interaction_code", "urn:ietf:params:oauth:grant-type:device_code", "urn:ietf:params:oauth:grant-type:token-exchange",
            "urn:ietf:params:oauth:grant-type:saml2-bearer", "urn:ietf:params:oauth:grant-type:jwt-bearer", "urn:openid:params:grant-type:ciba");
    /** The grant types Gatehouse issues tokens for, the seeded default rule's. */
    public static final List<String> SUPPORTED_GRANT_TYPES = List.of("authorization_code", "client_credentials", "refresh_token");
    static final List<String> USER_GRANTS = List.of("authorization_code", "implicit", "password");
    static final String PEOPLE_REQUIRED = "At least one of ''conditions.people.users.include'' or ''conditions.people.groups.include'' must "
            + "contain a valid user or group when ''conditions.grantTypes'' contains one or more of [authorization_code, implicit, password].";
    static final int MAX_NAME = 100;
    static final int MAX_DESCRIPTION = 255;
    static final int MAX_LIST = 100;
    static final int MAX_ID = 255;
    public static final int DEFAULT_ACCESS = 60;
    public static final int DEFAULT_REFRESH = 0;
    public static final int DEFAULT_WINDOW = 10_080;

    private AccessPolicyInput() {
    }

    public static PolicyBody policy(JsonNode body, Catalog catalog) {
        List<Cause> causes = new ArrayList<>();
        String type = text(body.get("type"), "type", causes, 64);
        if (type != null && !type.equals(AccessPolicy.TYPE)) {
            causes.add(new Cause("type", "Must be " + AccessPolicy.TYPE));
        }
        String name = required(text(body.get("name"), "name", causes, MAX_NAME), "name", causes);
        String description = required(text(body.get("description"), "description", causes, MAX_DESCRIPTION), "description", causes);
        Boolean active = status(body.get("status"), causes);
        Integer priority = integer(body.get("priority"), "priority", causes);
        List<String> clients = list(body.path("conditions").path("clients").get("include"), "conditions.clients.include", causes);
        if (clients != null) {
            if (clients.isEmpty()) {
                causes.add(new Cause("conditions.clients.include", "Name ALL_CLIENTS or at least one client id"));
            } else if (clients.contains(AccessPolicy.ALL_CLIENTS) && clients.size() > 1) {
                causes.add(new Cause("conditions.clients.include", "ALL_CLIENTS cannot be combined with client ids"));
            } else {
                clients.stream().filter(c -> !c.equals(AccessPolicy.ALL_CLIENTS) && !catalog.clientExists().test(c)).limit(5)
                        .forEach(c -> causes.add(new Cause("conditions.clients.include", "Invalid client id: " + c)));
            }
        } else if (causes.stream().noneMatch(c -> "conditions.clients.include".equals(c.field()))) {
            causes.add(new Cause("conditions.clients.include", "The field cannot be left blank"));
        }
        if (!causes.isEmpty()) {
            throw ApiError.validation(causes);
        }
        return new PolicyBody(name, description, active, priority, clients);
    }

    public static RuleBody rule(JsonNode body, Catalog catalog) {
        List<Cause> causes = new ArrayList<>();
        String type = text(body.get("type"), "type", causes, 64);
        if (type != null && !type.equals(AccessRule.TYPE)) {
            causes.add(new Cause("type", "Must be " + AccessRule.TYPE));
        }
        String name = required(text(body.get("name"), "name", causes, MAX_NAME), "name", causes);
        Boolean active = status(body.get("status"), causes);
        Integer priority = integer(body.get("priority"), "priority", causes);
        JsonNode c = body.path("conditions");
        JsonNode people = c.path("people");
        List<String> usersInclude = orEmpty(list(people.path("users").get("include"), "conditions.people.users.include", causes));
        List<String> usersExclude = orEmpty(list(people.path("users").get("exclude"), "conditions.people.users.exclude", causes));
        List<String> groupsInclude = orEmpty(list(people.path("groups").get("include"), "conditions.people.groups.include", causes));
        List<String> groupsExclude = orEmpty(list(people.path("groups").get("exclude"), "conditions.people.groups.exclude", causes));
        List<String> grantTypes = list(c.path("grantTypes").get("include"), "conditions.grantTypes.include", causes);
        List<String> scopes = orEmpty(list(c.path("scopes").get("include"), "conditions.scopes.include", causes));
        users(usersInclude, "conditions.people.users.include", catalog, causes);
        users(usersExclude, "conditions.people.users.exclude", catalog, causes);
        groups(groupsInclude, "conditions.people.groups.include", catalog, causes);
        groups(groupsExclude, "conditions.people.groups.exclude", catalog, causes);
        if (grantTypes == null || grantTypes.isEmpty()) {
            if (causes.stream().noneMatch(x -> "conditions.grantTypes.include".equals(x.field()))) {
                causes.add(new Cause("conditions.grantTypes.include", "The field cannot be left blank"));
            }
        } else {
            grantTypes.stream().filter(g -> !GRANT_TYPES.contains(g)).limit(5)
                    .forEach(g -> causes.add(new Cause("conditions.grantTypes.include", "Invalid grant type: " + g)));
            if (grantTypes.stream().anyMatch(USER_GRANTS::contains) && usersInclude.isEmpty() && groupsInclude.isEmpty()) {
                causes.add(new Cause("conditions.people", PEOPLE_REQUIRED));   // Okta's text, verbatim (the doubled quotes too)
            }
        }
        if (scopes.contains(AccessRule.ANY_SCOPE) && scopes.size() > 1) {
            causes.add(new Cause("conditions.scopes.include", "* (any scope) cannot be combined with scope names"));
        } else {
            scopes.stream().filter(s -> !s.equals(AccessRule.ANY_SCOPE) && !catalog.scopes().contains(s)).limit(5)
                    .forEach(s -> causes.add(new Cause("conditions.scopes.include", "Scope " + s + " does not exist on this authorization server")));
        }
        JsonNode token = body.path("actions").path("token");
        Integer access = integer(token.get("accessTokenLifetimeMinutes"), "actions.token.accessTokenLifetimeMinutes", causes);
        Integer refresh = integer(token.get("refreshTokenLifetimeMinutes"), "actions.token.refreshTokenLifetimeMinutes", causes);
        Integer window = integer(token.get("refreshTokenWindowMinutes"), "actions.token.refreshTokenWindowMinutes", causes);
        int a = access == null ? DEFAULT_ACCESS : access;
        int r = refresh == null ? DEFAULT_REFRESH : refresh;
        int w = window == null ? DEFAULT_WINDOW : window;
        if (a < 5 || a > 1440) {
            causes.add(new Cause("actions.token.accessTokenLifetimeMinutes", "Access token lifetime must be between 5 and 1440 minutes."));
        }
        if (r != 0 && (r < a || r > 2_628_000)) {
            causes.add(new Cause("actions.token.refreshTokenLifetimeMinutes",
                    "Refresh token lifetime must be 0 (unlimited) or at least the access token lifetime, and at most 2628000 minutes."));
        }
        if (w < 10 || w > 2_628_000) {
            causes.add(new Cause("actions.token.refreshTokenWindowMinutes", "Refresh token window must be between 10 and 2628000 minutes."));
        } else if (r != 0 && w > r) {
            causes.add(new Cause("actions.token.refreshTokenWindowMinutes",
                    "Refresh token window cannot be longer than the refresh token lifetime."));
        }
        String hook = text(token.path("inlineHook").get("id"), "actions.token.inlineHook.id", causes, 20);
        if (!causes.isEmpty()) {
            throw ApiError.validation(causes);
        }
        return new RuleBody(name, active, priority, usersInclude, usersExclude, groupsInclude, groupsExclude, grantTypes, scopes, a, r, w,
                hook == null || hook.isBlank() ? null : hook);
    }

    private static void users(List<String> ids, String field, Catalog catalog, List<Cause> causes) {
        ids.stream().filter(id -> !catalog.userExists().test(id)).limit(5).forEach(id -> causes.add(new Cause(field, "Invalid user id: " + id)));
    }

    private static void groups(List<String> ids, String field, Catalog catalog, List<Cause> causes) {
        ids.stream().filter(id -> !id.equals(AccessRule.EVERYONE) && !catalog.groupExists().test(id)).limit(5)
                .forEach(id -> causes.add(new Cause(field, "Invalid group id: " + id)));
    }

    private static List<String> orEmpty(List<String> l) {
        return l == null ? List.of() : l;
    }

    /** A list of distinct non-blank strings without spaces, at most {@link #MAX_LIST}; null when absent or invalid. */
    private static List<String> list(JsonNode node, String field, List<Cause> causes) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (!node.isArray()) {
            causes.add(new Cause(field, "Must be an array of strings"));
            return null;
        }
        if (node.size() > MAX_LIST) {
            causes.add(new Cause(field, "At most " + MAX_LIST + " values"));
            return null;
        }
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode item : node) {
            if (!item.isTextual() || item.asText().isBlank() || item.asText().length() > MAX_ID || item.asText().contains(" ")) {
                causes.add(new Cause(field, "Must be an array of strings without spaces, each at most " + MAX_ID + " characters"));
                return null;
            }
            out.add(item.asText());
        }
        return List.copyOf(out);
    }

    private static String text(JsonNode node, String field, List<Cause> causes, int max) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (!node.isTextual()) {
            causes.add(new Cause(field, AuthorizationServersApi.TYPE_STRING));
            return null;
        }
        String s = node.asText().strip();
        if (s.length() > max) {
            causes.add(new Cause(field, "The field cannot be longer than " + max + " characters"));
            return null;
        }
        return s;
    }

    private static String required(String value, String field, List<Cause> causes) {
        if ((value == null || value.isEmpty()) && causes.stream().noneMatch(c -> field.equals(c.field()))) {
            causes.add(new Cause(field, Scopes.BLANK));
        }
        return value;
    }

    private static Boolean status(JsonNode node, List<Cause> causes) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (!node.isTextual() || !List.of("ACTIVE", "INACTIVE").contains(node.asText())) {
            causes.add(new Cause("status", "Must be ACTIVE or INACTIVE"));
            return null;
        }
        return node.asText().equals("ACTIVE");
    }

    private static Integer integer(JsonNode node, String field, List<Cause> causes) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            causes.add(new Cause(field, "Does not match required type: integer"));
            return null;
        }
        return node.asInt();
    }
}
