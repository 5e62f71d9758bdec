package dev.gatehouse.oauth.servers;

import java.time.Duration;
import java.util.Objects;

/**
 * How long the tokens of one authorization server live. Okta keeps these on the access-policy rule
 * ({@code accessTokenLifetimeMinutes}, {@code refreshTokenWindowMinutes}, {@code refreshTokenLifetimeMinutes});
 * Gatehouse has no policies yet and keeps one set per server, with Okta's default-rule values and ranges.
 *
 * @param accessToken      5 minutes to 24 hours; Okta's default rule: 60 minutes
 * @param idToken          5 minutes to 24 hours; Okta: 60 minutes, not configurable
 * @param refreshTokenIdle a refresh token unused this long expires: 10 minutes to 5 years; default 7 days
 * @param refreshTokenMax  absolute lifetime of a refresh token family; {@link Duration#ZERO} = unlimited (the default),
 *                         otherwise at least the access-token lifetime and at most 5 years
 */
public record TokenLifetimes(Duration accessToken, Duration idToken, Duration refreshTokenIdle, Duration refreshTokenMax) {

    public static final Duration MIN_ACCESS_TOKEN = Duration.ofMinutes(5);
    public static final Duration MAX_ACCESS_TOKEN = Duration.ofHours(24);
    public static final Duration MIN_REFRESH_IDLE = Duration.ofMinutes(10);
    public static final Duration MAX_REFRESH = Duration.ofMinutes(2_628_000);   // five years, Okta's limit

    /** Okta's default policy rule: 60 / 60 minutes, refresh tokens idle 7 days, no absolute limit. */
    public static final TokenLifetimes DEFAULTS =
            new TokenLifetimes(Duration.ofMinutes(60), Duration.ofMinutes(60), Duration.ofDays(7), Duration.ZERO);

    /** The longest any token signed by Gatehouse lives: how long a retired signing key must stay published. */
    public static final Duration LONGEST_SIGNED_TOKEN = MAX_ACCESS_TOKEN;

    public TokenLifetimes {
        Objects.requireNonNull(accessToken);
        Objects.requireNonNull(idToken);
        Objects.requireNonNull(refreshTokenIdle);
        Objects.requireNonNull(refreshTokenMax);
        if (outside(accessToken, MIN_ACCESS_TOKEN, MAX_ACCESS_TOKEN)) {
            throw new IllegalArgumentException("The access token lifetime must be from 5 minutes to 24 hours (got " + accessToken + ").");
        }
        if (outside(idToken, MIN_ACCESS_TOKEN, MAX_ACCESS_TOKEN)) {
            throw new IllegalArgumentException("The ID token lifetime must be from 5 minutes to 24 hours (got " + idToken + ").");
        }
        if (outside(refreshTokenIdle, MIN_REFRESH_IDLE, MAX_REFRESH)) {
            throw new IllegalArgumentException("The refresh token idle window must be from 10 minutes to 5 years (got " + refreshTokenIdle + ").");
        }
        if (!refreshTokenMax.isZero() && outside(refreshTokenMax, accessToken, MAX_REFRESH)) {
            throw new IllegalArgumentException("The refresh token lifetime must be 0 (unlimited) or from the access token lifetime to 5 years (got "
                    + refreshTokenMax + ").");
        }
    }

    /** From whole minutes, as stored and as Okta's API counts them. */
    public static TokenLifetimes ofMinutes(long accessToken, long idToken, long refreshTokenIdle, long refreshTokenMax) {
        return new TokenLifetimes(Duration.ofMinutes(accessToken), Duration.ofMinutes(idToken),
                Duration.ofMinutes(refreshTokenIdle), Duration.ofMinutes(refreshTokenMax));
    }

    public boolean refreshTokensUnlimited() {
        return refreshTokenMax.isZero();
    }

    private static boolean outside(Duration d, Duration min, Duration max) {
        return d.compareTo(min) < 0 || d.compareTo(max) > 0;
    }
}
