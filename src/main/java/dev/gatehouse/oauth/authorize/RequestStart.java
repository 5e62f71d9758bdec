package dev.gatehouse.oauth.authorize;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * When an authorization request began, carried (signed) through the hosted sign-in and step-up pages as
 * {@code gh_started=<epoch seconds>.<HMAC>}, bound to the browser (the HMAC covers a random value kept in the browser's
 * {@code gh_authz} cookie, so a mark made in one browser is worthless in another: an outside review showed an unbound mark
 * fetched by anyone let a link skip "re-authenticate every time"), so that freshness rules ({@code max_age}, a policy's "re-authenticate every
 * time") are measured from the request, not from the moment the browser comes back: otherwise a zero window could never
 * be met. The HMAC key is derived from the key-encryption key (every node checks any mark); a mark older than
 * {@link #VALIDITY}, from the future, or not signed by Gatehouse is ignored (the request then begins now), because an older
 * start makes freshness easier to meet.
 */
public final class RequestStart {

    /** How long a sign-in that a request waits for may take. */
    public static final Duration VALIDITY = Duration.ofMinutes(10);

    private final byte[] key;
    private final Clock clock;

    public RequestStart(byte[] key, Clock clock) {
        this.key = key.clone();
        this.clock = clock;
    }

    /** The mark of a request that began at {@code began}, for the browser whose {@code gh_authz} value is {@code browser}. */
    public String mark(Instant began, String browser) {
        String seconds = Long.toString(began.getEpochSecond());
        return seconds + "." + mac(seconds + ":" + browser);
    }

    /**
     * The signed start, or now when the mark is absent, forged, made for another browser ({@code browser}: this request's
     * {@code gh_authz} cookie, or null), too old or from the future.
     */
    public Instant read(String mark, String browser) {
        Instant now = clock.instant();
        if (mark == null || mark.length() > 80 || browser == null || browser.length() > 64) {
            return now;
        }
        int dot = mark.indexOf('.');
        if (dot < 1 || !mark.substring(0, dot).matches("[0-9]{1,12}")) {
            return now;
        }
        String seconds = mark.substring(0, dot);
        if (!MessageDigest.isEqual(mac(seconds + ":" + browser).getBytes(StandardCharsets.US_ASCII),
                mark.substring(dot + 1).getBytes(StandardCharsets.US_ASCII))) {
            return now;
        }
        Instant began = Instant.ofEpochSecond(Long.parseLong(seconds));
        return began.isAfter(now) || began.isBefore(now.minus(VALIDITY)) ? now : began;
    }

    private String mac(String seconds) {   // seconds and the browser's value
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(key, "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(m.doFinal(("authorize-started:" + seconds).getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
