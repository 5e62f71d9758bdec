package dev.gatehouse.directory;

import dev.gatehouse.directory.User.Status;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The user lifecycle operations an admin can ask for ({@code POST /api/v1/users/{id}/lifecycle/{op}}):
 * from which statuses each is allowed, where it leads, the System Log event it writes, and the
 * refusal an invalid transition gets (400 E0000001 with a {@code status} cause).
 */
public enum Lifecycle {
    ACTIVATE(EnumSet.of(Status.STAGED, Status.DEPROVISIONED), Status.ACTIVE, false,
            "user.lifecycle.activate", "Activate Okta user", "Cannot activate a user that is not STAGED or DEPROVISIONED"),
    DEACTIVATE(EnumSet.complementOf(EnumSet.of(Status.DEPROVISIONED)), Status.DEPROVISIONED, true,
            "user.lifecycle.deactivate", "Deactivate Okta user", "Cannot deactivate a user that is already DEPROVISIONED"),
    SUSPEND(EnumSet.of(Status.ACTIVE), Status.SUSPENDED, true,
            "user.lifecycle.suspend", "Suspend Okta user", "Cannot suspend a user that is not ACTIVE"),
    UNSUSPEND(EnumSet.of(Status.SUSPENDED), Status.ACTIVE, false,
            "user.lifecycle.unsuspend", "Unsuspend Okta user", "Cannot unsuspend a user that is not SUSPENDED"),
    UNLOCK(EnumSet.of(Status.LOCKED_OUT), Status.ACTIVE, false,
            "user.account.unlock", "Unlock user account", "Cannot unlock a user that is not LOCKED_OUT");

    private final Set<Status> from;
    private final Status to;
    private final boolean notOnOneself;
    private final String eventType;
    private final String displayMessage;
    private final String refusal;

    Lifecycle(Set<Status> from, Status to, boolean notOnOneself, String eventType, String displayMessage, String refusal) {
        this.from = from;
        this.to = to;
        this.notOnOneself = notOnOneself;
        this.eventType = eventType;
        this.displayMessage = displayMessage;
        this.refusal = refusal;
    }

    /** The last path segment of the operation's endpoint, e.g. {@code suspend}. */
    public String operation() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean allowedFrom(Status status) {
        return from.contains(status);
    }

    Set<Status> from() {
        return from;
    }

    /** Where the operation leads; ACTIVATE leads to PROVISIONED instead for a user without a password. */
    Status to() {
        return to;
    }

    /** Whether an admin is kept from doing this to their own account (it would lock them out). */
    boolean notOnOneself() {
        return notOnOneself;
    }

    String eventType() {
        return eventType;
    }

    String displayMessage() {
        return displayMessage;
    }

    String refusal() {
        return refusal;
    }

    /**
     * Whether the change ends the user's sign-in sessions (issue #14, as at Okta: a suspended or deactivated user "can't
     * sign in"; Gatehouse deletes the sessions rather than only refusing them, so unsuspending or reactivating brings
     * none back). Unsuspend, unlock and activation start nothing and end nothing.
     */
    boolean endsSessions() {
        return this == SUSPEND || this == DEACTIVATE;
    }

    /**
     * Whether the change revokes the user's OAuth tokens for good: deactivation only (Okta: tokens are "implicitly revoked
     * on user deactivation/deletion"). A suspension keeps them but makes them unusable while it lasts (the token
     * endpoints require an ACTIVE user); unsuspending makes them usable again, as Okta keeps a suspended user's app and
     * group assignments to restore them.
     */
    boolean revokesTokens() {
        return this == DEACTIVATE;
    }
}
