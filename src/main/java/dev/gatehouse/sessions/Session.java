package dev.gatehouse.sessions;

import java.time.Duration;
import java.time.Instant;

/** A signed-in browser: who, since when, and until when it stays valid. */
public record Session(String id, String userId, Instant created, Instant lastSeen, Instant absoluteExpiry,
                      Instant passwordVerified) {

    /** When it ends if nothing else happens: the idle deadline, capped by the absolute one. */
    public Instant expiresAt(Duration idle) {
        Instant idleEnd = lastSeen.plus(idle);
        return absoluteExpiry != null && absoluteExpiry.isBefore(idleEnd) ? absoluteExpiry : idleEnd;
    }

    public boolean activeAt(Instant now, Duration idle) {
        return now.isBefore(expiresAt(idle));
    }
}
