-- Directory: groups, group memberships, and what listing users needs.
-- Portable SQL: runs unchanged on H2 (MODE=PostgreSQL) and PostgreSQL 15+. Timestamps are UTC.

-- Okta calls these "user groups" (objectClass okta:user_group); "groups" alone is a keyword in some SQL dialects.
CREATE TABLE user_groups (
    id                          VARCHAR(20)  PRIMARY KEY,
    type                        VARCHAR(20)  NOT NULL,          -- OKTA_GROUP or BUILT_IN
    name                        VARCHAR(255) NOT NULL,
    name_key                    VARCHAR(255) NOT NULL UNIQUE,   -- lower-cased name: names are unique regardless of case
    description                 VARCHAR(1024),
    created_at                  TIMESTAMP WITH TIME ZONE NOT NULL,
    last_updated_at             TIMESTAMP WITH TIME ZONE NOT NULL,
    last_membership_updated_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Everyone contains every user implicitly: it never has membership rows. Its id is fixed (prefix 00g + 17 chars).
INSERT INTO user_groups (id, type, name, name_key, description, created_at, last_updated_at, last_membership_updated_at)
VALUES ('00gEveryoneGroup0001', 'BUILT_IN', 'Everyone', 'everyone', 'All users in your organization',
        CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP);

CREATE TABLE group_memberships (
    group_id    VARCHAR(20) NOT NULL REFERENCES user_groups (id) ON DELETE CASCADE,
    user_id     VARCHAR(20) NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_memberships_user ON group_memberships (user_id);

-- Okta's incremental sync filters on lastUpdated (filter=lastUpdated gt "...").
CREATE INDEX users_last_updated ON users (last_updated_at);
