package dev.gatehouse.mail;

import dev.gatehouse.syslog.EventContext;
import org.jdbi.v3.core.Handle;

/**
 * Sends email the transactional-outbox way: {@link #send} only queues the message, in the caller's transaction, so an
 * email goes out exactly when the change that asked for it commits (a rolled-back activation sends nothing) and a crash
 * after the commit loses nothing. Delivery happens later, off the request thread, retried with back-off; without SMTP
 * settings the message stays in the dev mailbox (Settings › Emails › Outbox). A caller never waits for a mail server.
 */
public interface Mail {

    /** Queues {@code email} in the caller's transaction; the System Log records the queueing and, later, the delivery. */
    void send(Handle h, EventContext ctx, Email email);
}
