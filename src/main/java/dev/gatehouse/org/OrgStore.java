package dev.gatehouse.org;

import org.jdbi.v3.core.Handle;

import java.time.Instant;
import java.util.Optional;

/** SQL for {@code orgs}: one row (the {@code singleton} column is unique), written once on the first start. */
public final class OrgStore {

    /** Inserts the org; a second insert (another node starting at the same moment) fails with a unique violation. */
    public void insert(Handle h, String id, String name, Instant now) {
        h.createUpdate("INSERT INTO orgs (id, singleton, name, created_at) VALUES (:id, 1, :name, :now)")
                .bind("id", id).bind("name", name).bind("now", now).execute();
    }

    /** The org's id, or empty before the first start. */
    public Optional<String> id(Handle h) {
        return h.createQuery("SELECT id FROM orgs").mapTo(String.class).findOne();
    }
}
