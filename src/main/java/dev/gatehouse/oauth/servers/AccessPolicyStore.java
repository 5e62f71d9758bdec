package dev.gatehouse.oauth.servers;

import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** SQL for {@code as_policies} and {@code as_policy_rules} (V30); lists are stored space-separated. */
public final class AccessPolicyStore {

    // ── policies ────────────────────────────────────────────────────────────────────────────────────────────────
    public List<AccessPolicy> policies(Handle h, String serverId) {
        return h.createQuery("SELECT * FROM as_policies WHERE authorization_server_id = :s ORDER BY priority, created_at, id")
                .bind("s", serverId).map((rs, c) -> policy(rs)).list();
    }

    public List<AccessPolicy> allPolicies(Handle h) {
        return h.createQuery("SELECT * FROM as_policies ORDER BY authorization_server_id, priority, created_at, id")
                .map((rs, c) -> policy(rs)).list();
    }

    public Optional<AccessPolicy> policy(Handle h, String serverId, String id) {
        return h.createQuery("SELECT * FROM as_policies WHERE authorization_server_id = :s AND id = :id")
                .bind("s", serverId).bind("id", id).map((rs, c) -> policy(rs)).findOne();
    }

    /** Serialises priority changes of one server's policies: locks the server's row until the transaction ends. */
    public boolean lockServer(Handle h, String serverId) {
        return h.createUpdate("UPDATE authorization_servers SET kind = kind WHERE id = :id").bind("id", serverId).execute() == 1;
    }

    /** Serialises changes to one policy's rules: locks the policy's row. */
    public boolean lockPolicy(Handle h, String policyId) {
        return h.createUpdate("UPDATE as_policies SET priority = priority WHERE id = :id").bind("id", policyId).execute() == 1;
    }

    public boolean nameTaken(Handle h, String serverId, String name, String exceptId) {
        return h.createQuery("SELECT COUNT(*) FROM as_policies WHERE authorization_server_id = :s AND name = :n AND id <> :id")
                .bind("s", serverId).bind("n", name).bind("id", exceptId == null ? "" : exceptId).mapTo(Integer.class).one() > 0;
    }

    public void insert(Handle h, AccessPolicy p) {
        h.createUpdate("""
                        INSERT INTO as_policies (id, authorization_server_id, name, description, status, priority, is_system, clients,
                            created_at, last_updated_at)
                        VALUES (:id, :s, :name, :description, :status, :priority, :system, :clients, :created, :updated)""")
                .bind("id", p.id()).bind("s", p.authorizationServerId()).bind("name", p.name()).bind("description", p.description())
                .bind("status", status(p.active())).bind("priority", p.priority()).bind("system", p.system())
                .bind("clients", join(p.clients())).bind("created", p.created()).bind("updated", p.lastUpdated()).execute();
    }

    public void replace(Handle h, String id, String name, String description, boolean active, List<String> clients, Instant now) {
        h.createUpdate("""
                        UPDATE as_policies SET name = :name, description = :description, status = :status, clients = :clients,
                            last_updated_at = :now WHERE id = :id""")
                .bind("id", id).bind("name", name).bind("description", description).bind("status", status(active))
                .bind("clients", join(clients)).bind("now", now).execute();
    }

    public void setPriority(Handle h, String id, int priority) {
        h.createUpdate("UPDATE as_policies SET priority = :p WHERE id = :id AND priority <> :p").bind("id", id).bind("p", priority).execute();
    }

    public boolean changeStatus(Handle h, String id, boolean active, Instant now) {
        return h.createUpdate("UPDATE as_policies SET status = :to, last_updated_at = :now WHERE id = :id AND status <> :to")
                .bind("id", id).bind("to", status(active)).bind("now", now).execute() == 1;
    }

    public void delete(Handle h, String id) {
        h.createUpdate("DELETE FROM as_policies WHERE id = :id").bind("id", id).execute();
    }

    // ── rules ───────────────────────────────────────────────────────────────────────────────────────────────────
    public List<AccessRule> rules(Handle h, String policyId) {
        return h.createQuery("SELECT * FROM as_policy_rules WHERE policy_id = :p ORDER BY priority, created_at, id")
                .bind("p", policyId).map((rs, c) -> rule(rs)).list();
    }

    public List<AccessRule> allRules(Handle h) {
        return h.createQuery("SELECT * FROM as_policy_rules ORDER BY policy_id, priority, created_at, id").map((rs, c) -> rule(rs)).list();
    }

    public Optional<AccessRule> rule(Handle h, String policyId, String id) {
        return h.createQuery("SELECT * FROM as_policy_rules WHERE policy_id = :p AND id = :id")
                .bind("p", policyId).bind("id", id).map((rs, c) -> rule(rs)).findOne();
    }

    public boolean ruleNameTaken(Handle h, String policyId, String name, String exceptId) {
        return h.createQuery("SELECT COUNT(*) FROM as_policy_rules WHERE policy_id = :p AND name = :n AND id <> :id")
                .bind("p", policyId).bind("n", name).bind("id", exceptId == null ? "" : exceptId).mapTo(Integer.class).one() > 0;
    }

    public void insertRule(Handle h, AccessRule r) {
        h.createUpdate("""
                        INSERT INTO as_policy_rules (id, policy_id, name, status, priority, is_system, users_include, users_exclude,
                            groups_include, groups_exclude, grant_types, scopes, access_token_minutes, refresh_token_minutes,
                            refresh_window_minutes, inline_hook_id, created_at, last_updated_at)
                        VALUES (:id, :policy, :name, :status, :priority, :system, :ui, :ue, :gi, :ge, :grants, :scopes, :access,
                            :refresh, :window, :hook, :created, :updated)""")
                .bind("id", r.id()).bind("policy", r.policyId()).bind("priority", r.priority()).bind("system", r.system())
                .bindMap(ruleValues(r)).bind("created", r.created()).bind("updated", r.lastUpdated()).execute();
    }

    public void replaceRule(Handle h, AccessRule r, Instant now) {
        h.createUpdate("""
                        UPDATE as_policy_rules SET name = :name, status = :status, users_include = :ui, users_exclude = :ue,
                            groups_include = :gi, groups_exclude = :ge, grant_types = :grants, scopes = :scopes,
                            access_token_minutes = :access, refresh_token_minutes = :refresh, refresh_window_minutes = :window,
                            inline_hook_id = :hook, last_updated_at = :now
                        WHERE id = :id""")
                .bind("id", r.id()).bindMap(ruleValues(r)).bind("now", now).execute();
    }

    public void setRulePriority(Handle h, String id, int priority) {
        h.createUpdate("UPDATE as_policy_rules SET priority = :p WHERE id = :id AND priority <> :p").bind("id", id).bind("p", priority).execute();
    }

    public boolean changeRuleStatus(Handle h, String id, boolean active, Instant now) {
        return h.createUpdate("UPDATE as_policy_rules SET status = :to, last_updated_at = :now WHERE id = :id AND status <> :to")
                .bind("id", id).bind("to", status(active)).bind("now", now).execute() == 1;
    }

    public void deleteRule(Handle h, String id) {
        h.createUpdate("DELETE FROM as_policy_rules WHERE id = :id").bind("id", id).execute();
    }

    // ── rows ────────────────────────────────────────────────────────────────────────────────────────────────────
    private static java.util.Map<String, Object> ruleValues(AccessRule r) {
        java.util.Map<String, Object> m = new java.util.HashMap<>();
        m.put("name", r.name());
        m.put("status", status(r.active()));
        m.put("ui", join(r.usersInclude()));
        m.put("ue", join(r.usersExclude()));
        m.put("gi", join(r.groupsInclude()));
        m.put("ge", join(r.groupsExclude()));
        m.put("grants", join(r.grantTypes()));
        m.put("scopes", join(r.scopes()));
        m.put("access", r.accessTokenMinutes());
        m.put("refresh", r.refreshTokenMinutes());
        m.put("window", r.refreshWindowMinutes());
        m.put("hook", r.inlineHookId());
        return m;
    }

    private static AccessPolicy policy(ResultSet rs) throws SQLException {
        return new AccessPolicy(rs.getString("id"), rs.getString("authorization_server_id"), rs.getString("name"), rs.getString("description"),
                "ACTIVE".equals(rs.getString("status")), rs.getInt("priority"), rs.getBoolean("is_system"), split(rs.getString("clients")),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("last_updated_at").toInstant());
    }

    private static AccessRule rule(ResultSet rs) throws SQLException {
        return new AccessRule(rs.getString("id"), rs.getString("policy_id"), rs.getString("name"), "ACTIVE".equals(rs.getString("status")),
                rs.getInt("priority"), rs.getBoolean("is_system"), split(rs.getString("users_include")), split(rs.getString("users_exclude")),
                split(rs.getString("groups_include")), split(rs.getString("groups_exclude")), split(rs.getString("grant_types")),
                split(rs.getString("scopes")), rs.getInt("access_token_minutes"), rs.getInt("refresh_token_minutes"),
                rs.getInt("refresh_window_minutes"), rs.getString("inline_hook_id"), rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("last_updated_at").toInstant());
    }

    private static String status(boolean active) {
        return active ? "ACTIVE" : "INACTIVE";
    }

    private static String join(List<String> values) {
        return String.join(" ", values);
    }

    private static List<String> split(String s) {
        return s == null ? List.of() : Arrays.stream(s.split(" ")).filter(x -> !x.isEmpty()).toList();
    }
}
