package dev.gatehouse.orgfile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.orgfile.OrgFile.Kind;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What an org file changes in a running org, and applying it (issue #22), through the management API only
 * ({@link ManagementClient}): {@link #plan} reads the org and lists, item by item, create / update (with the fields) /
 * nothing, or delete under {@code prune: true}, and every problem only the org can show (a feature it does not have);
 * {@link #apply} makes those changes in the order the kinds depend on each other, one API call (one transaction and its
 * System Log event) at a time, all or nothing (a refused change undoes the ones before it). Applying the same file again
 * finds nothing to change.
 *
 * <p>What is compared: the fields the file gives, at the same paths of the API's JSON (fields the file leaves out are left
 * as they are); a user's password and an app's fixed client secret only on creation (the first ones: applying the file
 * again never resets them, and neither can be read back);
 * users' group memberships and apps' group assignments as listed (others stay unless pruned).
 */
public final class OrgSync {

    public enum Action { CREATE, UPDATE, NOTHING, DELETE }

    /** One item's change: its kind and natural key, the action, the fields that differ (for UPDATE). */
    public record Change(Kind kind, String key, Action action, List<String> fields) {
        @Override
        public String toString() {
            String what = switch (action) {
                case CREATE -> "create";
                case UPDATE -> "update " + String.join(", ", fields);
                case NOTHING -> "nothing to change";
                case DELETE -> "delete";
            };
            return kind.key + " " + key + ": " + what;
        }
    }

    /** The plan: the changes, what applying runs for them, and what the org showed to be wrong with the file. */
    public record Plan(List<Change> changes, List<OrgFile.Problem> problems, List<Runnable> steps, java.util.Deque<Runnable> undo) {
        public boolean changesSomething() {
            return changes.stream().anyMatch(c -> c.action() != Action.NOTHING);
        }
    }

    private static final JsonNodeFactory N = JsonNodeFactory.instance;

    private final ManagementClient api;
    /**
     * The inverse of each change of the latest plan applied so far, the latest first: what {@link #apply} undoes when a
     * later change is refused. Each plan has its own ({@link Plan#undo}); the plan's changes push into it as they run.
     */
    private java.util.Deque<Runnable> undo = new java.util.ArrayDeque<>();

    public OrgSync(ManagementClient api) {
        this.api = api;
    }

    /** A prune's deletion: run after every other change (it has no inverse: what is deleted cannot be made the same again). */
    private record Deletion(Runnable change) implements Runnable {
        @Override
        public void run() {
            change.run();
        }
    }

    /** The file's changes could not all be made: none of them stays (but for a refused undo, named in the message). */
    public static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    private void done(Runnable inverse) {
        undo.push(inverse);
    }

    /** The JSON a PUT needs to put an item back as it was read. */
    private static ObjectNode previous(JsonNode have, List<String> readOnly) {
        ObjectNode out = have.deepCopy();
        readOnly.forEach(out::remove);
        return out;
    }

    /** The changes {@code file} makes to the org the client reaches; nothing is changed. */
    public Plan plan(OrgFile file) {
        undo = new java.util.ArrayDeque<>();
        List<Change> changes = new ArrayList<>();
        List<OrgFile.Problem> problems = new ArrayList<>();
        List<Runnable> steps = new ArrayList<>();
        Map<String, String> groupIds = new HashMap<>();   // name -> id, filled as groups are found or created
        planFeatures(file, changes, problems, steps);
        planGroups(file, changes, steps, groupIds);
        planUsers(file, changes, steps, groupIds);
        planOrigins(file, changes, steps);
        planApps(file, changes, steps, groupIds);
        planServers(file, changes, steps, groupIds);
        return new Plan(List.copyOf(changes), List.copyOf(problems), List.copyOf(steps), undo);
    }

    /**
     * Applies a plan with no problems, all or nothing: the changes in dependency order, the prune's deletions last; when
     * the API refuses one, the changes made before it are undone, the latest first, through the API (each undo is an API
     * call and a System Log event too), and {@link Refused} says which change was refused and why.
     */
    public void apply(Plan plan) {
        if (!plan.problems().isEmpty()) {
            throw new IllegalStateException("a plan with problems is not applied");
        }
        java.util.Deque<Runnable> undo = plan.undo();
        undo.clear();
        List<Runnable> ordered = new ArrayList<>(plan.steps().stream().filter(st -> !(st instanceof Deletion)).toList());
        ordered.addAll(plan.steps().stream().filter(st -> st instanceof Deletion).toList());
        try {
            ordered.forEach(Runnable::run);
            undo.clear();
        } catch (ManagementClient.Refused e) {
            int failed = 0;
            while (!undo.isEmpty()) {
                try {
                    undo.pop().run();
                } catch (ManagementClient.Refused u) {
                    failed++;
                }
            }
            throw new Refused(e.getMessage() + (failed == 0 ? ". Nothing of the file was applied: the changes before it were undone."
                    : ". " + failed + " of the changes before it could not be undone; apply the file again once it is fixed."));
        }
    }

    // ---- features ------------------------------------------------------------------------------------------------------

    private void planFeatures(OrgFile file, List<Change> changes, List<OrgFile.Problem> problems, List<Runnable> steps) {
        List<JsonNode> current = api.list("/api/v1/features");
        List<String> wanted = new ArrayList<>();
        int i = 0;
        for (String name : file.features()) {
            String at = "/features/" + i++;
            Optional<JsonNode> f = current.stream().filter(c -> c.path("name").asText().equalsIgnoreCase(name)
                    || settingName(c.path("name").asText()).equals(name)).findFirst();
            if (f.isEmpty()) {
                problems.add(file.problem(at, "no feature named '" + name + "' (known: "
                        + String.join(", ", current.stream().map(c -> settingName(c.path("name").asText())).toList()) + ")"));
                continue;
            }
            wanted.add(f.get().path("id").asText());
            boolean on = "ENABLED".equals(f.get().path("status").asText());
            changes.add(new Change(Kind.FEATURES, settingName(f.get().path("name").asText()), on ? Action.NOTHING : Action.UPDATE,
                    on ? List.of() : List.of("status")));
            if (!on) {
                String id = f.get().path("id").asText();
                steps.add(() -> {
                    api.post("/api/v1/features/" + id + "/enable", N.objectNode());
                    done(() -> api.post("/api/v1/features/" + id + "/disable", N.objectNode()));
                });
            }
        }
        if (file.prune()) {
            for (JsonNode f : current) {
                if ("ENABLED".equals(f.path("status").asText()) && !wanted.contains(f.path("id").asText())) {
                    changes.add(new Change(Kind.FEATURES, settingName(f.path("name").asText()), Action.UPDATE, List.of("status")));
                    steps.add(() -> {
                        api.post("/api/v1/features/" + f.path("id").asText() + "/disable", N.objectNode());
                        done(() -> api.post("/api/v1/features/" + f.path("id").asText() + "/enable", N.objectNode()));
                    });
                }
            }
        }
    }

    /** A feature's setting name, as GATEHOUSE_FEATURES spells it: "Refresh Token Rotation for SPA" → refresh-token-rotation-for-spa. */
    static String settingName(String title) {
        return title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }

    // ---- groups --------------------------------------------------------------------------------------------------------

    private void planGroups(OrgFile file, List<Change> changes, List<Runnable> steps, Map<String, String> groupIds) {
        Map<String, JsonNode> current = new LinkedHashMap<>();
        for (JsonNode g : api.list("/api/v1/groups")) {
            current.put(OrgFile.groupKey(g), g);
            groupIds.put(OrgFile.groupKey(g), g.path("id").asText());
        }
        List<String> named = new ArrayList<>();
        for (ObjectNode g : file.items(Kind.GROUPS)) {
            String name = OrgFile.groupKey(g);
            named.add(name);
            JsonNode have = current.get(name);
            ObjectNode body = N.objectNode();
            body.set("profile", g.path("profile").deepCopy());
            if (have == null) {
                changes.add(new Change(Kind.GROUPS, name, Action.CREATE, List.of()));
                steps.add(() -> {
                    String id = api.post("/api/v1/groups", body).path("id").asText();
                    groupIds.put(name, id);
                    done(() -> api.delete("/api/v1/groups/" + id));
                });
                continue;
            }
            List<String> differ = differences(g.path("profile"), have.path("profile"), "profile");
            changes.add(new Change(Kind.GROUPS, name, differ.isEmpty() ? Action.NOTHING : Action.UPDATE, differ));
            if (!differ.isEmpty()) {
                ObjectNode merged = N.objectNode();
                merged.set("profile", overlay(have.path("profile").deepCopy(), g.path("profile")));
                ObjectNode before = N.objectNode();
                before.set("profile", have.path("profile").deepCopy());
                steps.add(() -> {
                    api.put("/api/v1/groups/" + have.path("id").asText(), merged);
                    done(() -> api.put("/api/v1/groups/" + have.path("id").asText(), before));
                });
            }
        }
        if (file.prune()) {
            current.forEach((name, g) -> {
                if (!named.contains(name) && "OKTA_GROUP".equals(g.path("type").asText())) {
                    changes.add(new Change(Kind.GROUPS, name, Action.DELETE, List.of()));
                    steps.add(new Deletion(() -> api.delete("/api/v1/groups/" + g.path("id").asText())));
                }
            });
        }
    }

    // ---- users ---------------------------------------------------------------------------------------------------------

    private void planUsers(OrgFile file, List<Change> changes, List<Runnable> steps, Map<String, String> groupIds) {
        Map<String, JsonNode> current = new LinkedHashMap<>();
        for (JsonNode u : api.list("/api/v1/users")) {
            current.put(OrgFile.userKey(u).toLowerCase(Locale.ROOT), u);
        }
        List<String> named = new ArrayList<>();
        for (ObjectNode u : file.items(Kind.USERS)) {
            String login = OrgFile.userKey(u);
            named.add(login.toLowerCase(Locale.ROOT));
            JsonNode have = current.get(login.toLowerCase(Locale.ROOT));
            List<String> groups = names(u.path("groups"));
            if (have == null) {
                changes.add(new Change(Kind.USERS, login, Action.CREATE, List.of()));
                ObjectNode body = N.objectNode();
                body.set("profile", u.path("profile").deepCopy());
                if (u.has("credentials")) {
                    body.set("credentials", u.get("credentials").deepCopy());
                }
                boolean activate = !"STAGED".equals(u.path("status").asText("ACTIVE"));
                steps.add(() -> {
                    // The person and their memberships in one request, so in one transaction (groupIds, as Okta's create).
                    ArrayNode ids = body.putArray("groupIds");
                    groups.stream().filter(g -> !"Everyone".equals(g)).forEach(g -> ids.add(groupIds.get(g)));
                    String id = api.post("/api/v1/users?activate=" + activate, body).path("id").asText();
                    done(() -> {
                        api.delete("/api/v1/users/" + id);   // deactivates
                        api.delete("/api/v1/users/" + id);   // deletes
                    });
                });
                continue;
            }
            String id = have.path("id").asText();
            List<String> differ = new ArrayList<>(differences(u.path("profile"), have.path("profile"), "profile"));
            List<String> memberOf = names(api.list("/api/v1/users/" + id + "/groups"), g -> g.path("profile").path("name").asText());
            List<String> missing = groups.stream().filter(g -> !memberOf.contains(g)).toList();
            if (!missing.isEmpty()) {
                differ.add("groups");
            }
            changes.add(new Change(Kind.USERS, login, differ.isEmpty() ? Action.NOTHING : Action.UPDATE, differ));
            if (differ.stream().anyMatch(f -> f.startsWith("profile"))) {
                ObjectNode body = N.objectNode();
                body.set("profile", overlay(have.path("profile").deepCopy(), u.path("profile")));
                ObjectNode before = N.objectNode();
                before.set("profile", have.path("profile").deepCopy());
                steps.add(() -> {
                    api.post("/api/v1/users/" + id, body);
                    done(() -> api.post("/api/v1/users/" + id, before));
                });
            }
            for (String g : missing) {
                steps.add(() -> {
                    api.put("/api/v1/groups/" + groupIds.get(g) + "/users/" + id, N.objectNode());
                    done(() -> api.delete("/api/v1/groups/" + groupIds.get(g) + "/users/" + id));
                });
            }
        }
        if (file.prune()) {
            String self = api.get("/api/v1/users/me").path("id").asText();
            current.forEach((login, u) -> {
                if (!named.contains(login) && !u.path("id").asText().equals(self)) {
                    changes.add(new Change(Kind.USERS, OrgFile.userKey(u), Action.DELETE, List.of()));
                    String id = u.path("id").asText();
                    steps.add(new Deletion(() -> {
                        api.delete("/api/v1/users/" + id);   // deactivates
                        api.delete("/api/v1/users/" + id);   // deletes
                    }));
                }
            });
        }
    }

    // ---- trusted origins -----------------------------------------------------------------------------------------------

    private void planOrigins(OrgFile file, List<Change> changes, List<Runnable> steps) {
        Map<String, JsonNode> current = new LinkedHashMap<>();
        for (JsonNode o : api.list("/api/v1/trustedOrigins")) {
            current.put(OrgFile.originKey(o), o);
        }
        List<String> named = new ArrayList<>();
        for (ObjectNode o : file.items(Kind.TRUSTED_ORIGINS)) {
            String origin = OrgFile.originKey(o);
            named.add(origin);
            JsonNode have = current.get(origin);
            ObjectNode body = N.objectNode();
            body.put("name", o.path("name").asText(origin));
            body.put("origin", origin);
            body.set("scopes", o.has("scopes") ? o.get("scopes").deepCopy() : N.arrayNode().add(N.objectNode().put("type", "CORS"))
                    .add(N.objectNode().put("type", "REDIRECT")));
            if (have == null) {
                changes.add(new Change(Kind.TRUSTED_ORIGINS, origin, Action.CREATE, List.of()));
                steps.add(() -> {
                    String id = api.post("/api/v1/trustedOrigins", body).path("id").asText();
                    done(() -> api.delete("/api/v1/trustedOrigins/" + id));
                });
                continue;
            }
            List<String> differ = new ArrayList<>();
            if (o.has("name") && !o.get("name").asText().equals(have.path("name").asText())) {
                differ.add("name");
            }
            if (o.has("scopes") && !scopeTypes(o.get("scopes")).equals(scopeTypes(have.path("scopes")))) {
                differ.add("scopes");
            }
            changes.add(new Change(Kind.TRUSTED_ORIGINS, origin, differ.isEmpty() ? Action.NOTHING : Action.UPDATE, differ));
            if (!differ.isEmpty()) {
                if (!o.has("name")) {
                    body.put("name", have.path("name").asText());
                }
                ObjectNode before = N.objectNode();
                before.put("name", have.path("name").asText());
                before.put("origin", have.path("origin").asText());
                before.set("scopes", have.path("scopes").deepCopy());
                steps.add(() -> {
                    api.put("/api/v1/trustedOrigins/" + have.path("id").asText(), body);
                    done(() -> api.put("/api/v1/trustedOrigins/" + have.path("id").asText(), before));
                });
            }
        }
        if (file.prune()) {
            current.forEach((origin, o) -> {
                if (!named.contains(origin)) {
                    changes.add(new Change(Kind.TRUSTED_ORIGINS, origin, Action.DELETE, List.of()));
                    steps.add(new Deletion(() -> api.delete("/api/v1/trustedOrigins/" + o.path("id").asText())));
                }
            });
        }
    }

    private static List<String> scopeTypes(JsonNode scopes) {
        List<String> out = new ArrayList<>();
        scopes.forEach(s -> out.add(s.path("type").asText()));
        out.sort(null);
        return out;
    }

    // ---- apps ----------------------------------------------------------------------------------------------------------

    /** Fields of an app the API's JSON carries that an org file does not set. */
    private static final List<String> APP_READ_ONLY = List.of("id", "created", "lastUpdated", "_links", "_embedded", "status", "groups");

    private void planApps(OrgFile file, List<Change> changes, List<Runnable> steps, Map<String, String> groupIds) {
        List<JsonNode> current = api.list("/api/v1/apps");
        List<String> kept = new ArrayList<>();
        for (ObjectNode a : file.items(Kind.APPS)) {
            String key = OrgFile.appKey(a);
            Optional<JsonNode> found = current.stream().filter(c -> key.startsWith("label:")
                    ? c.path("label").asText().equals(key.substring(6))
                    : c.path("credentials").path("oauthClient").path("client_id").asText().equals(key)).findFirst();
            List<String> groups = names(a.path("groups"));
            String status = a.path("status").asText("ACTIVE");
            ObjectNode body = a.deepCopy();
            APP_READ_ONLY.forEach(body::remove);
            String shown = key.replaceFirst("^label:", "");
            if (found.isEmpty()) {
                changes.add(new Change(Kind.APPS, shown, Action.CREATE, List.of()));
                steps.add(() -> {
                    String id = api.post("/api/v1/apps?activate=" + !"INACTIVE".equals(status), body).path("id").asText();
                    done(() -> {
                        if (!"INACTIVE".equals(status)) {
                            api.post("/api/v1/apps/" + id + "/lifecycle/deactivate", N.objectNode());
                        }
                        api.delete("/api/v1/apps/" + id);
                    });
                    for (String g : groups) {
                        api.put("/api/v1/apps/" + id + "/groups/" + groupIds.get(g), N.objectNode());
                    }
                });
                continue;
            }
            JsonNode have = found.get();
            String id = have.path("id").asText();
            kept.add(id);
            List<String> differ = new ArrayList<>(differences(body, have, ""));
            boolean statusDiffers = !status.equals(have.path("status").asText());
            if (statusDiffers) {
                differ.add("status");
            }
            List<String> assigned = names(api.list("/api/v1/apps/" + id + "/groups"), g -> g.path("id").asText());
            List<String> missing = groups.stream().filter(g -> !assigned.contains(groupIds.getOrDefault(g, "?"))).toList();
            if (!missing.isEmpty()) {
                differ.add("groups");
            }
            changes.add(new Change(Kind.APPS, shown, differ.isEmpty() ? Action.NOTHING : Action.UPDATE, differ));
            if (differ.stream().anyMatch(f -> !f.equals("status") && !f.equals("groups"))) {
                ObjectNode changed = body.deepCopy();
                if (changed.path("credentials").path("oauthClient").isObject()) {
                    ((ObjectNode) changed.path("credentials").path("oauthClient")).remove("client_secret");
                }
                ObjectNode merged = (ObjectNode) overlay(have.deepCopy(), changed);
                APP_READ_ONLY.forEach(merged::remove);
                ObjectNode before = previous(have, APP_READ_ONLY);
                steps.add(() -> {
                    api.put("/api/v1/apps/" + id, merged);
                    done(() -> api.put("/api/v1/apps/" + id, before));
                });
            }
            if (statusDiffers) {
                steps.add(() -> {
                    api.post("/api/v1/apps/" + id + "/lifecycle/" + ("INACTIVE".equals(status) ? "deactivate" : "activate"), N.objectNode());
                    done(() -> api.post("/api/v1/apps/" + id + "/lifecycle/" + ("INACTIVE".equals(status) ? "activate" : "deactivate"),
                            N.objectNode()));
                });
            }
            for (String g : missing) {
                steps.add(() -> {
                    api.put("/api/v1/apps/" + id + "/groups/" + groupIds.get(g), N.objectNode());
                    done(() -> api.delete("/api/v1/apps/" + id + "/groups/" + groupIds.get(g)));
                });
            }
        }
        if (file.prune()) {
            for (JsonNode c : current) {
                String id = c.path("id").asText();
                if (!kept.contains(id)) {
                    changes.add(new Change(Kind.APPS, c.path("label").asText(), Action.DELETE, List.of()));
                    steps.add(new Deletion(() -> {
                        if ("ACTIVE".equals(c.path("status").asText())) {
                            api.post("/api/v1/apps/" + id + "/lifecycle/deactivate", N.objectNode());
                        }
                        api.delete("/api/v1/apps/" + id);
                    }));
                }
            }
        }
    }

    // ---- authorization servers, their scopes, claims, policies and rules -----------------------------------------------

    private static final List<String> SERVER_READ_ONLY = List.of("id", "created", "lastUpdated", "_links", "issuer", "credentials",
            "scopes", "claims", "policies", "status");

    private void planServers(OrgFile file, List<Change> changes, List<Runnable> steps, Map<String, String> groupIds) {
        List<JsonNode> current = api.list("/api/v1/authorizationServers");
        List<String> kept = new ArrayList<>();
        Map<String, String> userIds = new HashMap<>();
        boolean rulesNameUsers = file.items(Kind.AUTHORIZATION_SERVERS).stream().anyMatch(sv -> sv.path("policies").findValues("users").size() > 0);
        if (rulesNameUsers) {
            api.list("/api/v1/users").forEach(u -> userIds.put(OrgFile.userKey(u).toLowerCase(Locale.ROOT), u.path("id").asText()));
        }
        for (ObjectNode sv : file.items(Kind.AUTHORIZATION_SERVERS)) {
            String name = sv.path("name").asText();
            Optional<JsonNode> found = current.stream().filter(c -> c.path("name").asText().equals(name)).findFirst();
            ObjectNode body = sv.deepCopy();
            SERVER_READ_ONLY.forEach(body::remove);
            String[] id = {found.map(f -> f.path("id").asText()).orElse(null)};
            if (found.isEmpty()) {
                changes.add(new Change(Kind.AUTHORIZATION_SERVERS, name, Action.CREATE, List.of()));
                steps.add(() -> {
                    id[0] = api.post("/api/v1/authorizationServers", body).path("id").asText();
                    String created = id[0];
                    done(() -> {
                        api.post("/api/v1/authorizationServers/" + created + "/lifecycle/deactivate", N.objectNode());
                        api.delete("/api/v1/authorizationServers/" + created);
                    });
                });
            } else {
                kept.add(id[0]);
                List<String> differ = differences(body, found.get(), "");
                changes.add(new Change(Kind.AUTHORIZATION_SERVERS, name, differ.isEmpty() ? Action.NOTHING : Action.UPDATE, differ));
                if (!differ.isEmpty()) {
                    ObjectNode merged = (ObjectNode) overlay(found.get().deepCopy(), body);
                    SERVER_READ_ONLY.forEach(merged::remove);
                    ObjectNode before = previous(found.get(), SERVER_READ_ONLY);
                    steps.add(() -> {
                        api.put("/api/v1/authorizationServers/" + id[0], merged);
                        done(() -> api.put("/api/v1/authorizationServers/" + id[0], before));
                    });
                }
            }
            String at = name + " ›";
            children(file, at + " scope", () -> "/api/v1/authorizationServers/" + id[0] + "/scopes", id[0] == null ? List.of()
                    : api.list("/api/v1/authorizationServers/" + id[0] + "/scopes").stream().filter(x -> !x.path("system").asBoolean()).toList(),
                    items(sv, "scopes"), x -> x.path("name").asText(), x -> x, changes, steps);
            children(file, at + " claim", () -> "/api/v1/authorizationServers/" + id[0] + "/claims", id[0] == null ? List.of()
                    : api.list("/api/v1/authorizationServers/" + id[0] + "/claims"),
                    items(sv, "claims"), x -> x.path("name").asText() + " (" + x.path("claimType").asText("RESOURCE") + ")", x -> x, changes, steps);
            // Policies, then each policy's rules (group names and logins in a rule's people become ids).
            List<JsonNode> policies = id[0] == null ? List.of() : api.list("/api/v1/authorizationServers/" + id[0] + "/policies");
            List<ObjectNode> wantedPolicies = items(sv, "policies");
            List<ObjectNode> policyBodies = new ArrayList<>();
            for (ObjectNode p : wantedPolicies) {
                ObjectNode b = p.deepCopy();
                b.remove("rules");
                policyBodies.add(b);
            }
            Map<String, String> policyIds = new HashMap<>();
            policies.forEach(p -> policyIds.put(p.path("name").asText(), p.path("id").asText()));
            children(file, at + " policy", () -> "/api/v1/authorizationServers/" + id[0] + "/policies", policies, policyBodies,
                    x -> x.path("name").asText(), x -> x, changes, steps, created -> policyIds.put(created.path("name").asText(), created.path("id").asText()));
            for (ObjectNode p : wantedPolicies) {
                String policyName = p.path("name").asText();
                String existing = policyIds.get(policyName);
                List<JsonNode> rules = existing == null ? List.of()
                        : api.list("/api/v1/authorizationServers/" + id[0] + "/policies/" + existing + "/rules");
                children(file, at + " " + policyName + " › rule", () -> "/api/v1/authorizationServers/" + id[0] + "/policies/"
                                + policyIds.get(policyName) + "/rules", rules, items(p, "rules"), x -> x.path("name").asText(),
                        x -> people(x, groupIds, userIds), changes, steps);
            }
        }
        if (file.prune()) {
            for (JsonNode c : current) {
                if (!kept.contains(c.path("id").asText()) && !"default".equals(c.path("name").asText())) {
                    changes.add(new Change(Kind.AUTHORIZATION_SERVERS, c.path("name").asText(), Action.DELETE, List.of()));
                    String sid = c.path("id").asText();
                    steps.add(new Deletion(() -> {
                        if ("ACTIVE".equals(c.path("status").asText())) {
                            api.post("/api/v1/authorizationServers/" + sid + "/lifecycle/deactivate", N.objectNode());
                        }
                        api.delete("/api/v1/authorizationServers/" + sid);
                    }));
                }
            }
        }
    }

    private static List<ObjectNode> items(JsonNode parent, String list) {
        List<ObjectNode> out = new ArrayList<>();
        parent.path(list).forEach(n -> out.add((ObjectNode) n));
        return out;
    }

    /** A rule with the group names and logins of its people made ids, as the API takes them (EVERYONE stays). */
    private static JsonNode people(JsonNode rule, Map<String, String> groupIds, Map<String, String> userIds) {
        ObjectNode out = rule.deepCopy();
        JsonNode groups = out.path("conditions").path("people").path("groups").path("include");
        if (groups.isArray()) {
            ArrayNode ids = N.arrayNode();
            groups.forEach(g -> ids.add("EVERYONE".equals(g.asText()) ? "EVERYONE" : groupIds.getOrDefault(g.asText(), g.asText())));
            ((ObjectNode) out.path("conditions").path("people").path("groups")).set("include", ids);
        }
        JsonNode users = out.path("conditions").path("people").path("users").path("include");
        if (users.isArray()) {
            ArrayNode ids = N.arrayNode();
            users.forEach(u -> ids.add(userIds.getOrDefault(u.asText().toLowerCase(Locale.ROOT), u.asText())));
            ((ObjectNode) out.path("conditions").path("people").path("users")).set("include", ids);
        }
        return out;
    }

    private void children(OrgFile file, String label, java.util.function.Supplier<String> path, List<JsonNode> current, List<ObjectNode> wanted,
                          java.util.function.Function<JsonNode, String> key, java.util.function.Function<JsonNode, JsonNode> translate,
                          List<Change> changes, List<Runnable> steps) {
        children(file, label, path, current, wanted, key, translate, changes, steps, created -> { });
    }

    /**
     * One list under a server (its scopes, claims, policies, a policy's rules): create what is missing, update (PUT, the
     * current JSON with the file's fields over it) what differs, and under prune delete the rest. {@code path} is read
     * when the step runs: the server or policy may be created by an earlier step.
     */
    private void children(OrgFile file, String label, java.util.function.Supplier<String> path, List<JsonNode> current, List<ObjectNode> wanted,
                          java.util.function.Function<JsonNode, String> key, java.util.function.Function<JsonNode, JsonNode> translate,
                          List<Change> changes, List<Runnable> steps, java.util.function.Consumer<JsonNode> onCreate) {
        Map<String, JsonNode> byKey = new LinkedHashMap<>();
        current.forEach(c -> byKey.put(key.apply(c), c));
        List<String> named = new ArrayList<>();
        for (ObjectNode w : wanted) {
            String k = key.apply(w);
            named.add(k);
            JsonNode have = byKey.get(k);
            if (have == null) {
                changes.add(new Change(Kind.AUTHORIZATION_SERVERS, label + " " + k, Action.CREATE, List.of()));
                steps.add(() -> {
                    String at = path.get();
                    JsonNode created = api.post(at, translate.apply(w));
                    done(() -> api.delete(at + "/" + created.path("id").asText()));
                    onCreate.accept(created);
                });
                continue;
            }
            JsonNode body = translate.apply(w);
            List<String> differ = differences(body, have, "");
            changes.add(new Change(Kind.AUTHORIZATION_SERVERS, label + " " + k, differ.isEmpty() ? Action.NOTHING : Action.UPDATE, differ));
            if (!differ.isEmpty()) {
                ObjectNode merged = (ObjectNode) overlay(have.deepCopy(), body);
                List.of("_links", "created", "lastUpdated").forEach(merged::remove);
                ObjectNode before = previous(have, List.of("_links", "created", "lastUpdated"));
                steps.add(() -> {
                    String at = path.get() + "/" + have.path("id").asText();
                    api.put(at, merged);
                    done(() -> api.put(at, before));
                });
            }
        }
        if (file.prune()) {
            byKey.forEach((k, c) -> {
                if (!named.contains(k)) {
                    changes.add(new Change(Kind.AUTHORIZATION_SERVERS, label + " " + k, Action.DELETE, List.of()));
                    steps.add(new Deletion(() -> api.delete(path.get() + "/" + c.path("id").asText())));
                }
            });
        }
    }

    // ---- comparing -----------------------------------------------------------------------------------------------------

    /** The paths (dotted) where {@code wanted} gives a value that {@code have} does not have; lists compare whole. */
    static List<String> differences(JsonNode wanted, JsonNode have, String prefix) {
        List<String> out = new ArrayList<>();
        if (wanted.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = wanted.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
                // Set on creation only: a password is the first one, a fixed client secret the app's first (neither is readable).
                if (e.getKey().equals("groups") && prefix.isEmpty() || path.equals("credentials.password")
                        || path.equals("credentials.oauthClient.client_secret")) {
                    continue;
                }
                JsonNode h = have.path(e.getKey());
                if (e.getValue().isObject() && h.isObject()) {
                    out.addAll(differences(e.getValue(), h, path));
                } else if (!same(e.getValue(), h)) {
                    out.add(path);
                }
            }
            return out;
        }
        if (!same(wanted, have)) {
            out.add(prefix);
        }
        return out;
    }

    private static boolean same(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        if (a.isNull() && b.isMissingNode()) {
            return true;
        }
        return a.equals(b);
    }

    /** {@code base} with every field {@code top} gives set to it (objects merged, the rest replaced). */
    static JsonNode overlay(JsonNode base, JsonNode top) {
        if (!base.isObject() || !top.isObject()) {
            return top.deepCopy();
        }
        ObjectNode out = (ObjectNode) base;
        top.fields().forEachRemaining(e -> out.set(e.getKey(), out.has(e.getKey()) ? overlay(out.get(e.getKey()), e.getValue())
                : e.getValue().deepCopy()));
        return out;
    }

    private static List<String> names(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static List<String> names(List<JsonNode> list, java.util.function.Function<JsonNode, String> f) {
        return list.stream().map(f).toList();
    }
}
