package dev.gatehouse.sessions;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A signed-in browser: who, since when, until when it stays valid, and what the person proved: {@code amr} lists the
 * RFC 8176 methods verified in this session ({@code pwd} first, then the second factors, then {@code mfa} once two
 * distinct factors were verified); {@code factorVerified} is the last second-factor verification, or null.
 */
public record Session(String id, String userId, Instant created, Instant lastSeen, Instant absoluteExpiry,
                      Instant passwordVerified, List<String> amr, Instant factorVerified) {

    public static final String MFA = "mfa";

    /** Two distinct factors were verified in this session. */
    public boolean multifactor() {
        return amr.contains(MFA);
    }

    /**
     * The methods after {@code added} were verified too: the existing ones in order, the new ones after them, and
     * {@code mfa} last when the password and at least one other method are there.
     */
    public static List<String> withMethods(List<String> amr, List<String> added) {
        List<String> out = new ArrayList<>();
        for (String m : amr) {
            if (!m.equals(MFA) && !out.contains(m)) {
                out.add(m);
            }
        }
        for (String m : added) {
            if (!m.equals(MFA) && !out.contains(m)) {
                out.add(m);
            }
        }
        if (out.contains("pwd") && out.size() > 1) {
            out.add(MFA);
        }
        return List.copyOf(out);
    }

    /** When it ends if nothing else happens: the idle deadline, capped by the absolute one. */
    public Instant expiresAt(Duration idle) {
        Instant idleEnd = lastSeen.plus(idle);
        return absoluteExpiry != null && absoluteExpiry.isBefore(idleEnd) ? absoluteExpiry : idleEnd;
    }

    public boolean activeAt(Instant now, Duration idle) {
        return now.isBefore(expiresAt(idle));
    }
}
