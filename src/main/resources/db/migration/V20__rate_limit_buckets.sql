-- Rate-limit token buckets shared by every node on PostgreSQL (Bucket4j's JDBC layout: the key, the serialized
-- bucket state, and when the row may be deleted because the bucket would be full again). On H2 there is one node and
-- the buckets live in memory, so the table stays empty there. The number is high on purpose (V20): other branches
-- add V9, V10 ... and Flyway only needs the order.
CREATE TABLE rate_limit_buckets (
    id         VARCHAR(400) PRIMARY KEY,   -- family:key, e.g. 'token:org' or 'signin-ip:203.0.113.7'
    state      BYTEA,                      -- Bucket4j's serialized state (null between insert and first update)
    expires_at BIGINT                      -- epoch millis after which the row is stale (Bucket4j's expires-after-write)
);
