package dev.gatehouse.features;

import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** SQL for {@code features}. */
public final class FeatureStore {

    /** Adds a catalog feature if missing; true if this call added it (another node may have won the race). */
    public boolean insertIfMissing(Handle h, String id, Feature f, boolean enabled, Instant now) {
        if (find(h, f).isPresent()) {
            return false;
        }
        h.createUpdate("INSERT INTO features (id, feature_key, status, last_updated_at) VALUES (:id, :key, :status, :now)")
                .bind("id", id).bind("key", f.name()).bind("status", enabled ? "ENABLED" : "DISABLED").bind("now", now).execute();
        return true;
    }

    public List<FeatureState> list(Handle h) {
        return h.createQuery("SELECT * FROM features ORDER BY feature_key").map((rs, c) -> read(rs)).list().stream()
                .filter(java.util.Objects::nonNull).toList();
    }

    public Optional<FeatureState> find(Handle h, Feature f) {
        return h.createQuery("SELECT * FROM features WHERE feature_key = :key").bind("key", f.name()).map((rs, c) -> read(rs)).findOne();
    }

    public Optional<FeatureState> findById(Handle h, String id) {
        return h.createQuery("SELECT * FROM features WHERE id = :id").bind("id", id).map((rs, c) -> read(rs)).findOne()
                .filter(java.util.Objects::nonNull);
    }

    /** Sets the status; true when it changed. */
    public boolean setEnabled(Handle h, Feature f, boolean enabled, Instant now) {
        return h.createUpdate("UPDATE features SET status = :status, last_updated_at = :now WHERE feature_key = :key AND status <> :status")
                .bind("key", f.name()).bind("status", enabled ? "ENABLED" : "DISABLED").bind("now", now).execute() == 1;
    }

    /** A row whose key is no longer in the catalog (a feature that went GA) reads as null and is skipped. */
    private static FeatureState read(ResultSet rs) throws SQLException {
        Feature f;
        try {
            f = Feature.valueOf(rs.getString("feature_key"));
        } catch (IllegalArgumentException gone) {
            return null;
        }
        return new FeatureState(rs.getString("id"), f, "ENABLED".equals(rs.getString("status")), rs.getTimestamp("last_updated_at").toInstant());
    }
}
