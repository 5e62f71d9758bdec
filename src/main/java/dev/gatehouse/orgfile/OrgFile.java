package dev.gatehouse.orgfile;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An org file (issue #22), read and checked: YAML (JSON is YAML too), its items by kind, and where each value was written,
 * so every problem names its file, line and JSON path. {@link #read} reports every problem at once ({@link Invalid}); a
 * file it returns is well-formed and its references resolve, and what the server alone can judge (an app's rules, a
 * password's strength) is judged by the management API when it is applied.
 *
 * <p>The format ({@code docs/org-file.schema.json}): {@code features} (names), {@code groups}, {@code users}, {@code apps},
 * {@code trustedOrigins}, each item the JSON body Okta's API takes (so a block copied from Okta's reference or from
 * {@code GET /api/v1/...} works), plus {@code groups: [names]} on users and apps (membership and assignment), and
 * {@code prune}. Items are matched by natural key: a group's {@code profile.name}, a user's {@code profile.login}, an app's
 * {@code credentials.oauthClient.client_id} (else its {@code label}), an origin's {@code origin}.
 */
public final class OrgFile {

    /** One thing wrong with the file: where (file, line, JSON path) and what. */
    public record Problem(String file, int line, String path, String message) {
        @Override
        public String toString() {
            return file + (line > 0 ? ":" + line : "") + ": " + (path.isEmpty() ? "" : path + ": ") + message;
        }
    }

    /** A file that cannot be applied, with every problem found. */
    public static final class Invalid extends RuntimeException {
        private final List<Problem> problems;

        Invalid(List<Problem> problems) {
            super(problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + " in the org file:\n  - "
                    + String.join("\n  - ", problems.stream().map(Problem::toString).toList()), null, false, false);
            this.problems = List.copyOf(problems);
        }

        public List<Problem> problems() {
            return problems;
        }
    }

    /** The kinds, in the order they are applied (what an item refers to exists before it). */
    public enum Kind {
        FEATURES("features"), GROUPS("groups"), USERS("users"), TRUSTED_ORIGINS("trustedOrigins"), APPS("apps"),
        AUTHORIZATION_SERVERS("authorizationServers");

        public final String key;

        Kind(String key) {
            this.key = key;
        }
    }

    static final Set<String> TOP = Set.of("features", "groups", "users", "apps", "trustedOrigins", "authorizationServers", "prune");
    static final Set<String> SERVER_KEYS = Set.of("name", "description", "audiences", "issuerMode", "status", "scopes", "claims", "policies");
    static final Set<String> SCOPE_KEYS = Set.of("name", "displayName", "description", "consent", "metadataPublish", "default", "optional");
    static final Set<String> CLAIM_KEYS = Set.of("name", "status", "claimType", "valueType", "value", "group_filter_type", "conditions",
            "alwaysIncludeInToken");
    static final Set<String> POLICY_KEYS = Set.of("name", "description", "status", "priority", "conditions", "rules", "type");
    static final Set<String> RULE_KEYS = Set.of("name", "status", "priority", "conditions", "actions", "type");
    static final Set<String> GROUP_KEYS = Set.of("profile");
    static final Set<String> USER_KEYS = Set.of("profile", "credentials", "groups", "status");
    static final Set<String> APP_KEYS = Set.of("name", "label", "signOnMode", "status", "credentials", "settings", "groups",
            "accessibility", "visibility", "profile");
    static final Set<String> ORIGIN_KEYS = Set.of("name", "origin", "scopes", "status");

    private final String file;
    private final ObjectNode root;
    private final Map<String, Integer> lines;

    private OrgFile(String file, ObjectNode root, Map<String, Integer> lines) {
        this.file = file;
        this.root = root;
        this.lines = lines;
    }

    public String file() {
        return file;
    }

    public boolean prune() {
        return root.path("prune").asBoolean(false);
    }

    public List<String> features() {
        List<String> out = new ArrayList<>();
        root.path("features").forEach(f -> out.add(f.asText()));
        return out;
    }

    public List<ObjectNode> items(Kind kind) {
        List<ObjectNode> out = new ArrayList<>();
        root.path(kind.key).forEach(n -> out.add((ObjectNode) n));
        return out;
    }

    /** Where {@code path} (a JSON pointer) was written; 0 when unknown. */
    public int line(String path) {
        return lines.getOrDefault(path, 0);
    }

    public Problem problem(String path, String message) {
        return new Problem(file, line(path), path, message);
    }

    /** A user's natural key: {@code profile.login}. */
    public static String userKey(JsonNode u) {
        return u.path("profile").path("login").asText("");
    }

    public static String groupKey(JsonNode g) {
        return g.path("profile").path("name").asText("");
    }

    /** An app's natural key: its client_id when the file gives one, else its label. */
    public static String appKey(JsonNode a) {
        String clientId = a.path("credentials").path("oauthClient").path("client_id").asText("");
        return clientId.isEmpty() ? "label:" + a.path("label").asText("") : clientId;
    }

    public static String originKey(JsonNode o) {
        return o.path("origin").asText("");
    }

    /** Reads and checks {@code path}; throws {@link Invalid} with every problem. */
    public static OrgFile read(Path path) {
        String name = path.toString();
        String text;
        try {
            if (Files.size(path) > 10_000_000) {
                throw new Invalid(List.of(new Problem(name, 0, "", "the file is larger than 10 MB")));
            }
            text = Files.readString(path);
        } catch (IOException e) {
            throw new Invalid(List.of(new Problem(name, 0, "", "cannot read the file: " + e.getMessage())));
        }
        return parse(name, text);
    }

    /** Reads and checks an org file's text; {@code name} names it in problems. */
    public static OrgFile parse(String name, String text) {
        Map<String, Integer> lines = new HashMap<>();
        JsonNode tree;
        try (JsonParser p = YAMLFactory.builder().build().createParser(text)) {
            JsonToken first = p.nextToken();
            tree = first == null ? JsonNodeFactory.instance.objectNode() : readValue(p, "", lines, 0);
        } catch (IOException e) {
            String message = e.getMessage() == null ? "not YAML or JSON" : e.getMessage().lines().findFirst().orElse("not YAML or JSON");
            int line = e instanceof com.fasterxml.jackson.core.JsonProcessingException j && j.getLocation() != null
                    ? j.getLocation().getLineNr() : 0;
            throw new Invalid(List.of(new Problem(name, line, "", "not valid YAML or JSON: " + message)));
        }
        if (!tree.isObject()) {
            throw new Invalid(List.of(new Problem(name, 1, "", "the file must be a mapping with features, groups, users, apps, trustedOrigins")));
        }
        OrgFile f = new OrgFile(name, (ObjectNode) tree, lines);
        List<Problem> problems = new ArrayList<>();
        f.check(problems);
        if (!problems.isEmpty()) {
            throw new Invalid(problems);
        }
        return f;
    }

    private static JsonNode readValue(JsonParser p, String path, Map<String, Integer> lines, int depth) throws IOException {
        if (depth > 64) {
            throw new com.fasterxml.jackson.core.JsonParseException(p, "nested deeper than 64 levels");
        }
        lines.put(path, p.currentTokenLocation().getLineNr());
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                ObjectNode o = JsonNodeFactory.instance.objectNode();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    String child = path + "/" + key.replace("~", "~0").replace("/", "~1");
                    p.nextToken();
                    if (o.has(key)) {
                        throw new com.fasterxml.jackson.core.JsonParseException(p, "the key '" + key + "' appears twice at " + (path.isEmpty() ? "/" : path));
                    }
                    o.set(key, readValue(p, child, lines, depth + 1));
                }
                return o;
            }
            case START_ARRAY -> {
                ArrayNode a = JsonNodeFactory.instance.arrayNode();
                int i = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    a.add(readValue(p, path + "/" + i++, lines, depth + 1));
                }
                return a;
            }
            case VALUE_STRING -> {
                return JsonNodeFactory.instance.textNode(p.getText());
            }
            case VALUE_NUMBER_INT -> {
                return JsonNodeFactory.instance.numberNode(p.getLongValue());
            }
            case VALUE_NUMBER_FLOAT -> {
                return JsonNodeFactory.instance.numberNode(p.getDecimalValue());
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return JsonNodeFactory.instance.booleanNode(t == JsonToken.VALUE_TRUE);
            }
            case VALUE_NULL -> {
                return JsonNodeFactory.instance.nullNode();
            }
            default -> throw new com.fasterxml.jackson.core.JsonParseException(p, "unexpected " + t);
        }
    }

    /** Every structural problem: unknown keys, wrong types, missing or duplicate natural keys, references to nothing. */
    private void check(List<Problem> problems) {
        root.fieldNames().forEachRemaining(k -> {
            if (!TOP.contains(k)) {
                problems.add(problem("/" + k, "unknown key '" + k + "' (known: " + String.join(", ", new java.util.TreeSet<>(TOP)) + ")"));
            }
        });
        if (root.has("prune") && !root.get("prune").isBoolean()) {
            problems.add(problem("/prune", "prune must be true or false"));
        }
        for (String list : List.of("features", "groups", "users", "apps", "trustedOrigins", "authorizationServers")) {
            if (root.has(list) && !root.get(list).isArray()) {
                problems.add(problem("/" + list, list + " must be a list"));
            }
        }
        Set<String> featureNames = new LinkedHashSet<>();
        int i = 0;
        for (JsonNode f : root.path("features")) {
            String at = "/features/" + i++;
            if (!f.isTextual() || f.asText().isBlank()) {
                problems.add(problem(at, "a feature is named by its name or setting name, e.g. refresh-token-rotation-for-spa"));
            } else if (!featureNames.add(f.asText())) {
                problems.add(problem(at, "feature '" + f.asText() + "' is listed twice"));
            }
        }
        Set<String> groups = items("groups", GROUP_KEYS, OrgFile::groupKey, "profile.name", problems);
        items("users", USER_KEYS, OrgFile::userKey, "profile.login", problems);
        items("apps", APP_KEYS, OrgFile::appKey, "credentials.oauthClient.client_id or label", problems);
        items("trustedOrigins", ORIGIN_KEYS, OrgFile::originKey, "origin", problems);
        items("authorizationServers", SERVER_KEYS, s -> s.path("name").asText(""), "name", problems);
        Set<String> users = new LinkedHashSet<>();
        root.path("users").forEach(x -> users.add(userKey(x).toLowerCase(java.util.Locale.ROOT)));
        int si = 0;
        for (JsonNode server : root.path("authorizationServers")) {
            String at = "/authorizationServers/" + si++;
            if (!server.isObject()) {
                continue;
            }
            nested(server, at, "scopes", SCOPE_KEYS, problems);
            nested(server, at, "claims", CLAIM_KEYS, problems);
            nested(server, at, "policies", POLICY_KEYS, problems);
            int pi = 0;
            for (JsonNode policy : server.path("policies")) {
                String pat = at + "/policies/" + pi++;
                if (policy.isObject()) {
                    nested(policy, pat, "rules", RULE_KEYS, problems);
                    int ri = 0;
                    for (JsonNode rule : policy.path("rules")) {
                        String rat = pat + "/rules/" + ri++;
                        int gi = 0;
                        for (JsonNode g : rule.path("conditions").path("people").path("groups").path("include")) {
                            String gat = rat + "/conditions/people/groups/include/" + gi++;
                            if (!g.isTextual() || !g.asText().equals("EVERYONE") && !groups.contains(g.asText())) {
                                problems.add(problem(gat, "no group named '" + g.asText() + "' in this file (or EVERYONE)"));
                            }
                        }
                        int ui = 0;
                        for (JsonNode u : rule.path("conditions").path("people").path("users").path("include")) {
                            String uat = rat + "/conditions/people/users/include/" + ui++;
                            if (!users.contains(u.asText().toLowerCase(java.util.Locale.ROOT))) {
                                problems.add(problem(uat, "no user with login '" + u.asText() + "' in this file"));
                            }
                        }
                    }
                }
            }
        }
        for (String list : List.of("users", "apps")) {
            int n = 0;
            for (JsonNode item : root.path(list)) {
                String at = "/" + list + "/" + n++;
                if (!item.isObject() || !item.has("groups")) {
                    continue;
                }
                JsonNode names = item.get("groups");
                if (!names.isArray()) {
                    problems.add(problem(at + "/groups", "groups must be a list of group names"));
                    continue;
                }
                int k = 0;
                for (JsonNode gname : names) {
                    String gat = at + "/groups/" + k++;
                    if (!gname.isTextual()) {
                        problems.add(problem(gat, "a group is named by its name"));
                    } else if (!groups.contains(gname.asText()) && !"Everyone".equals(gname.asText())) {
                        problems.add(problem(gat, "no group named '" + gname.asText() + "' in this file"));
                    }
                }
            }
        }
        int u = 0;
        for (JsonNode user : root.path("users")) {
            String at = "/users/" + u++;
            JsonNode password = user.path("credentials").path("password");
            if (password.has("hash") && password.has("value")) {
                problems.add(problem(at + "/credentials/password", "give the password's value or its hash, not both"));
            }
            if (user.path("credentials").isObject()) {
                user.path("credentials").fieldNames().forEachRemaining(k -> {
                    if (!k.equals("password")) {
                        problems.add(problem(at + "/credentials/" + k, "only credentials.password is supported"));
                    }
                });
            }
        }
        int a = 0;
        for (JsonNode app : root.path("apps")) {
            String at = "/apps/" + a++;
            JsonNode secret = app.path("credentials").path("oauthClient").path("client_secret");
            if (!secret.isMissingNode() && (!secret.isTextual() || !secret.asText().matches("[\\x21-\\x7E]{14,100}"))) {
                problems.add(problem(at + "/credentials/oauthClient/client_secret",
                        "a fixed client secret has 14 to 100 printable ASCII characters, without spaces"));
            }
        }
    }

    /** Checks a server's (or policy's) nested list: objects with known keys and unique names. */
    private void nested(JsonNode parent, String at, String list, Set<String> known, List<Problem> problems) {
        if (!parent.has(list)) {
            return;
        }
        if (!parent.get(list).isArray()) {
            problems.add(problem(at + "/" + list, list + " must be a list"));
            return;
        }
        Map<String, String> seen = new LinkedHashMap<>();
        int i = 0;
        for (JsonNode item : parent.get(list)) {
            String iat = at + "/" + list + "/" + i++;
            if (!item.isObject()) {
                problems.add(problem(iat, "each item of " + list + " must be a mapping"));
                continue;
            }
            item.fieldNames().forEachRemaining(k -> {
                if (!known.contains(k)) {
                    problems.add(problem(iat + "/" + k, "unknown key '" + k + "' (known: " + String.join(", ", new java.util.TreeSet<>(known)) + ")"));
                }
            });
            String name = item.path("name").asText("") + (list.equals("claims") ? " " + item.path("claimType").asText("RESOURCE") : "");
            if (item.path("name").asText("").isEmpty()) {
                problems.add(problem(iat, "needs name, which names it"));
            } else if (seen.containsKey(name)) {
                problems.add(problem(iat, "the same name as " + seen.get(name) + " ('" + item.path("name").asText() + "')"));
            } else {
                seen.put(name, iat);
            }
        }
    }

    /** Checks a list of items: objects with known keys and a unique, non-empty natural key; returns the keys seen. */
    private Set<String> items(String list, Set<String> known, java.util.function.Function<JsonNode, String> key, String keyName,
                              List<Problem> problems) {
        Map<String, String> seen = new LinkedHashMap<>();
        int i = 0;
        for (JsonNode item : root.path(list)) {
            String at = "/" + list + "/" + i++;
            if (!item.isObject()) {
                problems.add(problem(at, "each item of " + list + " must be a mapping"));
                continue;
            }
            item.fieldNames().forEachRemaining(k -> {
                if (!known.contains(k)) {
                    problems.add(problem(at + "/" + k, "unknown key '" + k + "' (known: " + String.join(", ", new java.util.TreeSet<>(known)) + ")"));
                }
            });
            String k = key.apply(item);
            if (k.isEmpty() || k.equals("label:")) {
                problems.add(problem(at, "needs " + keyName + ", which names it"));
            } else if (seen.containsKey(k)) {
                problems.add(problem(at, "the same " + keyName + " as " + seen.get(k) + " ('" + k.replaceFirst("^label:", "") + "')"));
            } else {
                seen.put(k, at);
            }
        }
        return seen.keySet().stream().map(s -> s.replaceFirst("^label:", "")).collect(java.util.stream.Collectors.toCollection(LinkedHashSet::new));
    }
}
