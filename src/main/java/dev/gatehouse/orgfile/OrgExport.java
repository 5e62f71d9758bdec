package dev.gatehouse.orgfile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

import java.io.UncheckedIOException;
import java.util.List;

/**
 * The org as an org file (issue #22): what {@code gatehouse org export} writes, read through the management API, in the
 * format {@link OrgFile} reads, so export then apply on an empty server reproduces the org. No client secret and no
 * password; password hashes only when asked for (then people sign in elsewhere with the passwords they have; without
 * them, people exported are created without a password, and get an activation email, when the file is applied).
 */
public final class OrgExport {

    private static final JsonNodeFactory N = JsonNodeFactory.instance;
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES).build());

    private final ManagementClient api;
    private final boolean withPasswordHashes;

    public OrgExport(ManagementClient api) {
        this(api, false);
    }

    /**
     * {@code withPasswordHashes}: each person's password hash goes into the file too ({@code credentials.password.hash}, as
     * Okta's import takes it; Gatehouse's own Argon2id hashes as algorithm ARGON2ID), read through the Gatehouse extension
     * {@code GET /api/v1/users/{id}/credentials/password_hash}, each read in the System Log.
     */
    public OrgExport(ManagementClient api, boolean withPasswordHashes) {
        this.api = api;
        this.withPasswordHashes = withPasswordHashes;
    }

    public ObjectNode tree() {
        ObjectNode root = N.objectNode();
        ArrayNode features = root.putArray("features");
        for (JsonNode f : api.list("/api/v1/features")) {
            if ("ENABLED".equals(f.path("status").asText())) {
                features.add(OrgSync.settingName(f.path("name").asText()));
            }
        }
        // Groups and people are listed once: the file names them, and apps' assignments and rules' people refer to them.
        List<JsonNode> allGroups = api.list("/api/v1/groups");
        List<JsonNode> allUsers = api.list("/api/v1/users");
        java.util.Map<String, String> groupNames = new java.util.HashMap<>();
        allGroups.forEach(g -> groupNames.put(g.path("id").asText(), g.path("profile").path("name").asText()));
        java.util.Map<String, String> logins = new java.util.HashMap<>();
        allUsers.forEach(u -> logins.put(u.path("id").asText(), u.path("profile").path("login").asText()));
        ArrayNode groups = root.putArray("groups");
        for (JsonNode g : allGroups) {
            if ("OKTA_GROUP".equals(g.path("type").asText())) {
                ObjectNode item = groups.addObject();
                item.set("profile", g.path("profile").deepCopy());
            }
        }
        ArrayNode users = root.putArray("users");
        for (JsonNode u : allUsers) {
            ObjectNode item = users.addObject();
            item.set("profile", u.path("profile").deepCopy());
            if (withPasswordHashes) {
                try {
                    JsonNode hash = api.get("/api/v1/users/" + u.path("id").asText() + "/credentials/password_hash");
                    item.putObject("credentials").putObject("password").set("hash", hash);
                } catch (ManagementClient.Refused e) {
                    if (e.status() != 404) {   // 404: this person has no password yet
                        throw e;
                    }
                }
            }
            if ("STAGED".equals(u.path("status").asText())) {
                item.put("status", "STAGED");
            }
            ArrayNode memberOf = N.arrayNode();
            for (JsonNode g : api.list("/api/v1/users/" + u.path("id").asText() + "/groups")) {
                if ("OKTA_GROUP".equals(g.path("type").asText())) {
                    memberOf.add(g.path("profile").path("name").asText());
                }
            }
            if (!memberOf.isEmpty()) {
                item.set("groups", memberOf);
            }
        }
        ArrayNode origins = root.putArray("trustedOrigins");
        for (JsonNode o : api.list("/api/v1/trustedOrigins")) {
            ObjectNode item = origins.addObject();
            item.put("name", o.path("name").asText());
            item.put("origin", o.path("origin").asText());
            ArrayNode scopes = item.putArray("scopes");
            o.path("scopes").forEach(s -> scopes.addObject().put("type", s.path("type").asText()));
        }
        ArrayNode apps = root.putArray("apps");
        for (JsonNode a : api.list("/api/v1/apps")) {
            ObjectNode item = apps.addObject();
            for (String k : List.of("name", "label", "signOnMode")) {
                if (a.has(k)) {
                    item.set(k, a.get(k).deepCopy());
                }
            }
            if (!"ACTIVE".equals(a.path("status").asText())) {
                item.put("status", a.path("status").asText());
            }
            ObjectNode oauth = a.path("credentials").path("oauthClient").deepCopy();
            oauth.remove("client_secret");
            oauth.remove("autoKeyRotation");
            item.putObject("credentials").set("oauthClient", oauth);
            item.set("settings", a.path("settings").deepCopy());
            ArrayNode assigned = N.arrayNode();
            for (JsonNode g : api.list("/api/v1/apps/" + a.path("id").asText() + "/groups")) {
                assigned.add(groupNames.getOrDefault(g.path("id").asText(), g.path("id").asText()));
            }
            if (!assigned.isEmpty()) {
                item.set("groups", assigned);
            }
        }
        root.set("authorizationServers", servers(groupNames, logins));
        return root;
    }

    /** Every authorization server with its custom scopes, claims, policies and rules; people in rules by group name and login. */
    private ArrayNode servers(java.util.Map<String, String> groupNames, java.util.Map<String, String> logins) {
        ArrayNode out = N.arrayNode();
        for (JsonNode sv : api.list("/api/v1/authorizationServers")) {
            String base = "/api/v1/authorizationServers/" + sv.path("id").asText();
            ObjectNode item = out.addObject();
            copy(sv, item, "name", "description", "audiences", "issuerMode");
            ArrayNode scopes = N.arrayNode();
            for (JsonNode sc : api.list(base + "/scopes")) {
                if (!sc.path("system").asBoolean()) {
                    copy(sc, scopes.addObject(), "name", "displayName", "description", "consent", "metadataPublish", "default", "optional");
                }
            }
            if (!scopes.isEmpty()) {
                item.set("scopes", scopes);
            }
            ArrayNode claims = N.arrayNode();
            for (JsonNode c : api.list(base + "/claims")) {
                if (!c.path("system").asBoolean()) {
                    copy(c, claims.addObject(), "name", "status", "claimType", "valueType", "value", "group_filter_type", "conditions",
                            "alwaysIncludeInToken");
                }
            }
            if (!claims.isEmpty()) {
                item.set("claims", claims);
            }
            ArrayNode policies = N.arrayNode();
            for (JsonNode p : api.list(base + "/policies")) {
                ObjectNode policy = policies.addObject();
                copy(p, policy, "name", "description", "status", "priority", "conditions");
                ArrayNode rules = policy.putArray("rules");
                for (JsonNode r : api.list(base + "/policies/" + p.path("id").asText() + "/rules")) {
                    ObjectNode rule = rules.addObject();
                    copy(r, rule, "name", "status", "priority", "conditions", "actions");
                    names(rule.path("conditions").path("people").path("groups"), groupNames);
                    names(rule.path("conditions").path("people").path("users"), logins);
                }
            }
            if (!policies.isEmpty()) {
                item.set("policies", policies);
            }
        }
        return out;
    }

    /** Ids in {@code holder.include} (and exclude) replaced by the names the org file uses. */
    private static void names(JsonNode holder, java.util.Map<String, String> byId) {
        for (String list : List.of("include", "exclude")) {
            JsonNode ids = holder.path(list);
            if (ids.isArray()) {
                ArrayNode named = N.arrayNode();
                ids.forEach(id -> named.add(byId.getOrDefault(id.asText(), id.asText())));
                ((ObjectNode) holder).set(list, named);
            }
        }
    }

    private static void copy(JsonNode from, ObjectNode to, String... keys) {
        for (String k : keys) {
            if (from.has(k) && !from.get(k).isNull()) {
                to.set(k, from.get(k).deepCopy());
            }
        }
    }

    /** The org file's text. */
    public String yaml() {
        try {
            return "# Gatehouse org file, exported from " + "the management API: apply it with `gatehouse org apply` or `serve --org`.\n"
                    + YAML.writeValueAsString(tree());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
