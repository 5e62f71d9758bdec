-- Authorization-server access policies and their rules (issue 17): which clients, people, grant types and scopes may get
-- tokens from a custom authorization server, and how long those tokens live. Okta keeps the lifetimes on the rule; the
-- matched rule's lifetimes are copied onto the authorization code and the refresh-token family at sign-in, so a later
-- edit never changes what was already granted ("evaluated at initial authentication only").
-- Lists are space-separated (client ids, user and group ids, grant types and scope names never contain a space).
CREATE TABLE as_policies (
    id                          VARCHAR(20)   PRIMARY KEY,       -- '00p…'
    authorization_server_id     VARCHAR(20)   NOT NULL REFERENCES authorization_servers (id) ON DELETE CASCADE,
    name                        VARCHAR(100)  NOT NULL,
    description                 VARCHAR(255)  NOT NULL,
    status                      VARCHAR(10)   NOT NULL,          -- ACTIVE or INACTIVE
    priority                    INT           NOT NULL,          -- 1 = evaluated first; dense 1..n per server
    is_system                   BOOLEAN       NOT NULL,          -- the seeded Default Policy: never deleted
    clients                     VARCHAR(4096) NOT NULL,          -- 'ALL_CLIENTS' or client ids
    created_at                  TIMESTAMP WITH TIME ZONE NOT NULL,
    last_updated_at             TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT as_policies_one_name_per_server UNIQUE (authorization_server_id, name)
);

CREATE TABLE as_policy_rules (
    id                          VARCHAR(20)   PRIMARY KEY,       -- '0pr…'
    policy_id                   VARCHAR(20)   NOT NULL REFERENCES as_policies (id) ON DELETE CASCADE,
    name                        VARCHAR(100)  NOT NULL,
    status                      VARCHAR(10)   NOT NULL,
    priority                    INT           NOT NULL,          -- dense 1..n per policy
    is_system                   BOOLEAN       NOT NULL,
    users_include               VARCHAR(4096) NOT NULL,
    users_exclude               VARCHAR(4096) NOT NULL,
    groups_include              VARCHAR(4096) NOT NULL,          -- group ids or 'EVERYONE'
    groups_exclude              VARCHAR(4096) NOT NULL,
    grant_types                 VARCHAR(1024) NOT NULL,
    scopes                      VARCHAR(8192) NOT NULL,          -- scope names or '*'
    access_token_minutes        INT           NOT NULL,          -- 5..1440
    refresh_token_minutes       INT           NOT NULL,          -- 0 = unlimited, else >= access
    refresh_window_minutes      INT           NOT NULL,          -- 10..2628000
    inline_hook_id              VARCHAR(20),                     -- stored and echoed, never called
    created_at                  TIMESTAMP WITH TIME ZONE NOT NULL,
    last_updated_at             TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT as_policy_rules_one_name_per_policy UNIQUE (policy_id, name)
);
CREATE INDEX as_policy_rules_by_policy ON as_policy_rules (policy_id, priority);

-- Every custom server that exists now gets Okta's "Default Policy" and "Default Policy Rule" with its own lifetimes, so
-- nobody who signs in today is locked out by the upgrade. A custom server created later starts with none, as at Okta.
INSERT INTO as_policies (id, authorization_server_id, name, description, status, priority, is_system, clients, created_at, last_updated_at)
SELECT CASE WHEN id = 'default' THEN '00p0Gatehouse0AsDflt' ELSE '00p' || SUBSTR(id, 4) END, id,
       'Default Policy', 'Default policy description', 'ACTIVE', 1, TRUE, 'ALL_CLIENTS', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP
FROM authorization_servers WHERE kind = 'CUSTOM';

INSERT INTO as_policy_rules (id, policy_id, name, status, priority, is_system, users_include, users_exclude, groups_include,
                             groups_exclude, grant_types, scopes, access_token_minutes, refresh_token_minutes,
                             refresh_window_minutes, inline_hook_id, created_at, last_updated_at)
SELECT CASE WHEN s.id = 'default' THEN '0pr0Gatehouse0AsDflt' ELSE '0pr' || SUBSTR(s.id, 4) END,
       CASE WHEN s.id = 'default' THEN '00p0Gatehouse0AsDflt' ELSE '00p' || SUBSTR(s.id, 4) END,
       'Default Policy Rule', 'ACTIVE', 1, TRUE, '', '', 'EVERYONE', '',
       'authorization_code client_credentials refresh_token', '*',
       s.access_token_minutes, s.refresh_token_max_minutes, s.refresh_token_idle_minutes, NULL, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP
FROM authorization_servers s WHERE s.kind = 'CUSTOM';

-- What the sign-in's matched rule decided, kept with what it issued. NULL on codes and families made before V30: those
-- fall back to the server's lifetimes columns (which keep Okta's default-rule values).
ALTER TABLE authorization_codes ADD COLUMN policy_rule_id VARCHAR(20);
ALTER TABLE authorization_codes ADD COLUMN access_token_minutes INT;
ALTER TABLE authorization_codes ADD COLUMN refresh_token_minutes INT;
ALTER TABLE authorization_codes ADD COLUMN refresh_window_minutes INT;
ALTER TABLE token_families ADD COLUMN policy_rule_id VARCHAR(20);
ALTER TABLE token_families ADD COLUMN access_token_minutes INT;
ALTER TABLE token_families ADD COLUMN refresh_token_minutes INT;
ALTER TABLE token_families ADD COLUMN refresh_window_minutes INT;
