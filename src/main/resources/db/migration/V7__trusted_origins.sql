-- Trusted Origins (Security › API › Trusted Origins, /api/v1/trustedOrigins): the websites whose JavaScript may
-- call Gatehouse's CORS-enabled endpoints (cors) and to which sign-in / sign-out may return (redirect).
-- Portable SQL: runs unchanged on H2 (MODE=PostgreSQL) and PostgreSQL 15+. Timestamps are UTC.
CREATE TABLE trusted_origins (
    id               VARCHAR(20)  PRIMARY KEY,          -- 'tos…'
    name             VARCHAR(255) NOT NULL,
    name_key         VARCHAR(255) NOT NULL UNIQUE,      -- lower-cased name: names are unique regardless of case
    origin           VARCHAR(255) NOT NULL UNIQUE,      -- normalised scheme://host[:port]; compared exactly
    cors             BOOLEAN      NOT NULL,             -- scope CORS
    redirect         BOOLEAN      NOT NULL,             -- scope REDIRECT
    status           VARCHAR(10)  NOT NULL,             -- ACTIVE or INACTIVE
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    created_by       VARCHAR(20),
    last_updated_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    last_updated_by  VARCHAR(20)
);
