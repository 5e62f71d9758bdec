-- Okta Identity Engine policies (issue 18): the app sign-in policies (ACCESS_POLICY), the authenticator enrollment
-- policies (MFA_ENROLL) and the global session policies (OKTA_SIGN_ON), their rules, and which app uses which app
-- sign-in policy. Conditions, settings and actions are Okta's JSON objects as text: the use cases validate them, the
-- evaluator reads them from a cached snapshot. One org per Gatehouse, so the seeds have fixed ids (20 characters as
-- Okta's: 'rst'/'rul' for ACCESS_POLICY, '00p'/'0pr' for the others).
CREATE TABLE policies (
    id              VARCHAR(20)   PRIMARY KEY,
    type            VARCHAR(20)   NOT NULL,            -- ACCESS_POLICY, MFA_ENROLL or OKTA_SIGN_ON
    name            VARCHAR(255)  NOT NULL,
    description     VARCHAR(1024),
    status          VARCHAR(10)   NOT NULL,            -- ACTIVE or INACTIVE
    priority        INT           NOT NULL,            -- 1 = evaluated first; the system policy of a type is last
    is_system       BOOLEAN       NOT NULL,            -- Okta's "system": the type's default, never deleted
    conditions      TEXT,                              -- JSON object (people.groups.include) or null
    settings        TEXT,                              -- JSON object (MFA_ENROLL's authenticators) or null
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    last_updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT policies_one_name_per_type UNIQUE (type, name)
);

CREATE TABLE policy_rules (
    id              VARCHAR(20)   PRIMARY KEY,
    policy_id       VARCHAR(20)   NOT NULL REFERENCES policies (id) ON DELETE CASCADE,
    name            VARCHAR(255)  NOT NULL,
    status          VARCHAR(10)   NOT NULL,
    priority        INT           NOT NULL,            -- ACCESS_POLICY: 0.. and the catch-all 99; others 1.. and the system rule last
    is_system       BOOLEAN       NOT NULL,
    conditions      TEXT,                              -- JSON object or null
    actions         TEXT          NOT NULL,            -- JSON object
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    last_updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT policy_rules_one_name_per_policy UNIQUE (policy_id, name)
);

CREATE INDEX policy_rules_by_policy ON policy_rules (policy_id, priority);

-- An app's app sign-in policy when it is not the default (the system ACCESS_POLICY): no row = the default.
CREATE TABLE app_access_policies (
    app_id      VARCHAR(20) PRIMARY KEY REFERENCES apps (id) ON DELETE CASCADE,
    policy_id   VARCHAR(20) NOT NULL REFERENCES policies (id),
    assigned_at TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX app_access_policies_by_policy ON app_access_policies (policy_id);

-- The shared default app sign-in policy: Password only, so that every existing client signs in as before.
INSERT INTO policies (id, type, name, description, status, priority, is_system, conditions, settings, created_at, last_updated_at)
VALUES ('rst0Gatehouse0PwOnly', 'ACCESS_POLICY', 'Default Policy',
        'The default app sign-in policy: password only, so every app signs in as it always has. Okta''s newer orgs default to "Any two factors" (Require two factors to access); Security > Authentication Policies creates it in one click.',
        'ACTIVE', 1, TRUE, NULL, NULL, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP);
INSERT INTO policy_rules (id, policy_id, name, status, priority, is_system, conditions, actions, created_at, last_updated_at)
VALUES ('rul0Gatehouse0CtchAl', 'rst0Gatehouse0PwOnly', 'Catch-all Rule', 'ACTIVE', 99, TRUE, NULL,
        '{"appSignOn":{"access":"ALLOW","verificationMethod":{"factorMode":"1FA","type":"ASSURANCE","reauthenticateIn":"PT12H","constraints":[{"knowledge":{"types":["PASSWORD"],"required":true}}]},"keepMeSignedIn":{"postAuth":"NOT_ALLOWED"}}}',
        CURRENT_TIMESTAMP, CURRENT_TIMESTAMP);

-- The default authenticator enrollment policy: password required, Google Authenticator and WebAuthn optional (each
-- only while its authenticator is ACTIVE: an inactive one cannot be enrolled whatever the policy says).
INSERT INTO policies (id, type, name, description, status, priority, is_system, conditions, settings, created_at, last_updated_at)
VALUES ('00p0Gatehouse0MfaEnr', 'MFA_ENROLL', 'Default Policy',
        'The default policy applies in all situations if no other policy applies.', 'ACTIVE', 1, TRUE,
        '{"people":{"groups":{"include":["00gEveryoneGroup0001"]}}}',
        '{"type":"AUTHENTICATORS","authenticators":[{"key":"okta_password","enroll":{"self":"REQUIRED"}},{"key":"google_otp","enroll":{"self":"OPTIONAL"}},{"key":"webauthn","enroll":{"self":"OPTIONAL"}}]}',
        CURRENT_TIMESTAMP, CURRENT_TIMESTAMP);
INSERT INTO policy_rules (id, policy_id, name, status, priority, is_system, conditions, actions, created_at, last_updated_at)
VALUES ('0pr0Gatehouse0MfaEnr', '00p0Gatehouse0MfaEnr', 'Default Rule', 'ACTIVE', 1, TRUE,
        '{"people":{"users":{"exclude":[]}},"network":{"connection":"ANYWHERE"}}', '{"enroll":{"self":"CHALLENGE"}}',
        CURRENT_TIMESTAMP, CURRENT_TIMESTAMP);

-- The default global session policy: no second factor required; session lifetimes as SessionSettings' defaults.
INSERT INTO policies (id, type, name, description, status, priority, is_system, conditions, settings, created_at, last_updated_at)
VALUES ('00p0Gatehouse0SignOn', 'OKTA_SIGN_ON', 'Default Policy',
        'The default policy applies in all situations if no other policy applies.', 'ACTIVE', 1, TRUE,
        '{"people":{"groups":{"include":["00gEveryoneGroup0001"]}}}', NULL, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP);
INSERT INTO policy_rules (id, policy_id, name, status, priority, is_system, conditions, actions, created_at, last_updated_at)
VALUES ('0pr0Gatehouse0SignOn', '00p0Gatehouse0SignOn', 'Default Rule', 'ACTIVE', 1, TRUE,
        '{"people":{"users":{"exclude":[]}},"network":{"connection":"ANYWHERE"}}',
        '{"signon":{"access":"ALLOW","requireFactor":false,"primaryFactor":"PASSWORD_IDP","rememberDeviceByDefault":false,"session":{"usePersistentCookie":false,"maxSessionIdleMinutes":120,"maxSessionLifetimeMinutes":1440}}}',
        CURRENT_TIMESTAMP, CURRENT_TIMESTAMP);
