-- The email outbox (issue #19): a message is queued in the transaction of the change that asked for it and sent later by a
-- worker on any node (a lease makes one node send it). Subject and bodies carry single-use links and codes, so they are
-- sealed with the key-encryption key (bound to the row id); the bodies are deleted once sent, the subject is kept for the
-- console. Without SMTP settings messages stay here as KEPT (the dev mailbox). Old SENT/KEPT/FAILED rows are pruned.
CREATE TABLE mail_outbox (
    id               VARCHAR(20)   NOT NULL PRIMARY KEY,
    template         VARCHAR(40)   NOT NULL,
    recipient        VARCHAR(320)  NOT NULL,
    recipient_name   VARCHAR(200),
    user_id          VARCHAR(20),
    status           VARCHAR(10)   NOT NULL,            -- QUEUED, SENT, FAILED, KEPT
    attempts         INT           NOT NULL DEFAULT 0,
    last_error       VARCHAR(1000),
    kek_id           VARCHAR(64)   NOT NULL,
    subject_sealed   TEXT          NOT NULL,
    body_sealed      TEXT,                              -- sealed JSON {text, html}; NULL once sent
    created_at       TIMESTAMP     NOT NULL,
    next_attempt_at  TIMESTAMP     NOT NULL,
    lease_until      TIMESTAMP,
    sent_at          TIMESTAMP
);
CREATE INDEX mail_outbox_due ON mail_outbox (status, next_attempt_at);
CREATE INDEX mail_outbox_created ON mail_outbox (created_at);

-- The texts an admin edited at Settings › Emails (a template without a row uses its default).
CREATE TABLE mail_templates (
    template    VARCHAR(40)  NOT NULL PRIMARY KEY,
    subject     VARCHAR(1000) NOT NULL,
    text_body   TEXT         NOT NULL,
    html_body   TEXT         NOT NULL,
    updated_at  TIMESTAMP    NOT NULL
);
