-- Custom claims of an authorization server (Okta's OAuth2Claim, issue 17): what its access tokens (claim_type RESOURCE),
-- ID tokens and /userinfo (IDENTITY) carry beyond the built-in claims. A claim goes with its server (ON DELETE CASCADE).
-- value is an Okta EL expression (value_type EXPRESSION, at most 1024 characters) or the literal a GROUPS claim matches
-- group names with (group_filter_type). scopes: the conditions.scopes names, space-separated (scope names contain no
-- space); empty = any scope. Names are unique per server and claim type (name_key: the name as stored, with the type).
CREATE TABLE authorization_server_claims (
    id                          VARCHAR(20)   PRIMARY KEY,       -- 'ocl…'
    authorization_server_id     VARCHAR(20)   NOT NULL REFERENCES authorization_servers (id) ON DELETE CASCADE,
    name                        VARCHAR(255)  NOT NULL,
    claim_type                  VARCHAR(10)   NOT NULL,          -- RESOURCE or IDENTITY
    value_type                  VARCHAR(10)   NOT NULL,          -- EXPRESSION or GROUPS
    claim_value                 VARCHAR(1024) NOT NULL,
    group_filter_type           VARCHAR(12),                     -- STARTS_WITH, EQUALS, CONTAINS, REGEX; NULL unless GROUPS
    scopes                      VARCHAR(4000) NOT NULL,
    always_include_in_token     BOOLEAN       NOT NULL,
    status                      VARCHAR(10)   NOT NULL,          -- ACTIVE or INACTIVE
    created_at                  TIMESTAMP WITH TIME ZONE NOT NULL,
    last_updated_at             TIMESTAMP WITH TIME ZONE NOT NULL,
    UNIQUE (authorization_server_id, claim_type, name)
);
