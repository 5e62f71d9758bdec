package dev.gatehouse.policies;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** SQL for {@code policies}, {@code policy_rules} and {@code app_access_policies} (V28). */
public final class PolicyStore {

    private static final ObjectMapper JSON = new ObjectMapper();

    // ── policies ────────────────────────────────────────────────────────────────────────────────────────────────
    public List<Policy> policies(Handle h, PolicyType type) {
        return h.createQuery("SELECT * FROM policies WHERE type = :t ORDER BY priority, created_at, id")
                .bind("t", type.name()).map((rs, c) -> policy(rs)).list();
    }

    public List<Policy> allPolicies(Handle h) {
        return h.createQuery("SELECT * FROM policies ORDER BY type, priority, created_at, id").map((rs, c) -> policy(rs)).list();
    }

    public Optional<Policy> policy(Handle h, String id) {
        return h.createQuery("SELECT * FROM policies WHERE id = :id").bind("id", id).map((rs, c) -> policy(rs)).findOne();
    }

    public boolean nameTaken(Handle h, PolicyType type, String name, String exceptId) {
        return h.createQuery("SELECT COUNT(*) FROM policies WHERE type = :t AND name = :n AND id <> :id")
                .bind("t", type.name()).bind("n", name).bind("id", exceptId == null ? "" : exceptId).mapTo(Integer.class).one() > 0;
    }

    /**
     * Serialises priority changes of one type: a no-op UPDATE of the type's system policy row takes its row lock on H2
     * and PostgreSQL alike, until the transaction ends.
     */
    public void lockType(Handle h, PolicyType type) {
        h.createUpdate("UPDATE policies SET priority = priority WHERE type = :t AND is_system = TRUE").bind("t", type.name()).execute();
    }

    /** Serialises changes to one policy's rules (and its deletion against an assignment): locks the policy's row. */
    public boolean lockPolicy(Handle h, String id) {
        return h.createUpdate("UPDATE policies SET priority = priority WHERE id = :id").bind("id", id).execute() == 1;
    }

    public void insert(Handle h, Policy p) {
        h.createUpdate("""
                        INSERT INTO policies (id, type, name, description, status, priority, is_system, conditions, settings, created_at,
                            last_updated_at)
                        VALUES (:id, :type, :name, :description, :status, :priority, :system, :conditions, :settings, :now, :now)""")
                .bind("id", p.id()).bind("type", p.type().name()).bind("name", p.name()).bind("description", p.description())
                .bind("status", status(p.active())).bind("priority", p.priority()).bind("system", p.system())
                .bind("conditions", text(p.conditions())).bind("settings", text(p.settings())).bind("now", p.created()).execute();
    }

    public void replace(Handle h, String id, String name, String description, JsonNode conditions, JsonNode settings, Instant now) {
        h.createUpdate("""
                        UPDATE policies SET name = :name, description = :description, conditions = :conditions, settings = :settings,
                            last_updated_at = :now WHERE id = :id""")
                .bind("id", id).bind("name", name).bind("description", description).bind("conditions", text(conditions))
                .bind("settings", text(settings)).bind("now", now).execute();
    }

    public void setPriority(Handle h, String id, int priority) {
        h.createUpdate("UPDATE policies SET priority = :p WHERE id = :id AND priority <> :p").bind("id", id).bind("p", priority).execute();
    }

    /** Moves to the other status; false when it already had it. */
    public boolean changeStatus(Handle h, String id, boolean active, Instant now) {
        return h.createUpdate("UPDATE policies SET status = :to, last_updated_at = :now WHERE id = :id AND status <> :to")
                .bind("id", id).bind("to", status(active)).bind("now", now).execute() == 1;
    }

    public void delete(Handle h, String id) {
        h.createUpdate("DELETE FROM policies WHERE id = :id").bind("id", id).execute();
    }

    // ── rules ───────────────────────────────────────────────────────────────────────────────────────────────────
    public List<PolicyRule> rules(Handle h, String policyId) {
        return h.createQuery("""
                        SELECT r.*, p.type AS policy_type FROM policy_rules r JOIN policies p ON p.id = r.policy_id
                        WHERE r.policy_id = :p ORDER BY r.priority, r.created_at, r.id""")
                .bind("p", policyId).map((rs, c) -> rule(rs)).list();
    }

    public List<PolicyRule> allRules(Handle h) {
        return h.createQuery("""
                        SELECT r.*, p.type AS policy_type FROM policy_rules r JOIN policies p ON p.id = r.policy_id
                        ORDER BY r.policy_id, r.priority, r.created_at, r.id""")
                .map((rs, c) -> rule(rs)).list();
    }

    public Optional<PolicyRule> rule(Handle h, String policyId, String ruleId) {
        return h.createQuery("""
                        SELECT r.*, p.type AS policy_type FROM policy_rules r JOIN policies p ON p.id = r.policy_id
                        WHERE r.policy_id = :p AND r.id = :id""")
                .bind("p", policyId).bind("id", ruleId).map((rs, c) -> rule(rs)).findOne();
    }

    public boolean ruleNameTaken(Handle h, String policyId, String name, String exceptId) {
        return h.createQuery("SELECT COUNT(*) FROM policy_rules WHERE policy_id = :p AND name = :n AND id <> :id")
                .bind("p", policyId).bind("n", name).bind("id", exceptId == null ? "" : exceptId).mapTo(Integer.class).one() > 0;
    }

    public void insertRule(Handle h, PolicyRule r) {
        h.createUpdate("""
                        INSERT INTO policy_rules (id, policy_id, name, status, priority, is_system, conditions, actions, created_at,
                            last_updated_at)
                        VALUES (:id, :policy, :name, :status, :priority, :system, :conditions, :actions, :now, :now)""")
                .bind("id", r.id()).bind("policy", r.policyId()).bind("name", r.name()).bind("status", status(r.active()))
                .bind("priority", r.priority()).bind("system", r.system()).bind("conditions", text(r.conditions()))
                .bind("actions", text(r.actions())).bind("now", r.created()).execute();
    }

    public void replaceRule(Handle h, String id, String name, JsonNode conditions, JsonNode actions, Instant now) {
        h.createUpdate("""
                        UPDATE policy_rules SET name = :name, conditions = :conditions, actions = :actions, last_updated_at = :now
                        WHERE id = :id""")
                .bind("id", id).bind("name", name).bind("conditions", text(conditions)).bind("actions", text(actions))
                .bind("now", now).execute();
    }

    public void setRulePriority(Handle h, String id, int priority) {
        h.createUpdate("UPDATE policy_rules SET priority = :p WHERE id = :id AND priority <> :p").bind("id", id).bind("p", priority).execute();
    }

    public boolean changeRuleStatus(Handle h, String id, boolean active, Instant now) {
        return h.createUpdate("UPDATE policy_rules SET status = :to, last_updated_at = :now WHERE id = :id AND status <> :to")
                .bind("id", id).bind("to", status(active)).bind("now", now).execute() == 1;
    }

    public void deleteRule(Handle h, String id) {
        h.createUpdate("DELETE FROM policy_rules WHERE id = :id").bind("id", id).execute();
    }

    // ── app assignments ─────────────────────────────────────────────────────────────────────────────────────────
    /** Every explicit assignment: app id → policy id. */
    public Map<String, String> assignments(Handle h) {
        Map<String, String> out = new HashMap<>();
        h.createQuery("SELECT app_id, policy_id FROM app_access_policies")
                .map((rs, c) -> Map.entry(rs.getString("app_id"), rs.getString("policy_id"))).forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    public List<String> appsOf(Handle h, String policyId) {
        return h.createQuery("SELECT app_id FROM app_access_policies WHERE policy_id = :p ORDER BY app_id").bind("p", policyId)
                .mapTo(String.class).list();
    }

    /** Assigns, replacing any previous assignment: two statements that are each safe against a concurrent one. */
    public void assign(Handle h, String appId, String policyId, Instant now) {
        h.createUpdate("INSERT INTO app_access_policies (app_id, policy_id, assigned_at) VALUES (:a, :p, :now) ON CONFLICT DO NOTHING")
                .bind("a", appId).bind("p", policyId).bind("now", now).execute();
        h.createUpdate("UPDATE app_access_policies SET policy_id = :p, assigned_at = :now WHERE app_id = :a")
                .bind("a", appId).bind("p", policyId).bind("now", now).execute();
    }

    /** Back to the default policy (no row). */
    public void unassign(Handle h, String appId) {
        h.createUpdate("DELETE FROM app_access_policies WHERE app_id = :a").bind("a", appId).execute();
    }

    /** The names of the ACTIVE MFA_ENROLL policies that have this authenticator REQUIRED or OPTIONAL. */
    public List<String> enrollingPolicies(Handle h, String authenticatorKey) {
        return h.createQuery("SELECT * FROM policies WHERE type = 'MFA_ENROLL' AND status = 'ACTIVE' ORDER BY priority, id")
                .map((rs, c) -> policy(rs)).list().stream()
                .filter(p -> PolicyInput.enrollment(p.settings(), authenticatorKey).map(e -> !e.equals("NOT_ALLOWED")).orElse(false))
                .map(Policy::name).toList();
    }

    // ── rows ────────────────────────────────────────────────────────────────────────────────────────────────────
    private static Policy policy(ResultSet rs) throws SQLException {
        return new Policy(rs.getString("id"), PolicyType.valueOf(rs.getString("type")), rs.getString("name"), rs.getString("description"),
                "ACTIVE".equals(rs.getString("status")), rs.getInt("priority"), rs.getBoolean("is_system"), json(rs.getString("conditions")),
                json(rs.getString("settings")), rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("last_updated_at").toInstant());
    }

    private static PolicyRule rule(ResultSet rs) throws SQLException {
        return new PolicyRule(rs.getString("id"), rs.getString("policy_id"), PolicyType.valueOf(rs.getString("policy_type")),
                rs.getString("name"), "ACTIVE".equals(rs.getString("status")), rs.getInt("priority"), rs.getBoolean("is_system"),
                json(rs.getString("conditions")), json(rs.getString("actions")), rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("last_updated_at").toInstant());
    }

    private static String status(boolean active) {
        return active ? "ACTIVE" : "INACTIVE";
    }

    private static String text(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode json(String text) {
        if (text == null) {
            return null;
        }
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored policy JSON does not parse", e);
        }
    }
}
