-- Self-service Early Access / Beta features (Settings › Features). The catalog is code
-- (features.Feature); this table holds each feature's id and whether it is on, per org.
CREATE TABLE features (
    id              VARCHAR(20)  PRIMARY KEY,        -- 'ftr…'
    feature_key     VARCHAR(100) NOT NULL UNIQUE,    -- Feature enum name; the unique key makes seeding race-free
    status          VARCHAR(10)  NOT NULL,           -- ENABLED or DISABLED
    last_updated_at TIMESTAMP WITH TIME ZONE NOT NULL
);
