package dev.gatehouse.mfa;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** RFC 6238's SHA-1 test vectors (6 of the 8 digits), RFC 4648's base32 vectors, and the ±1 step window. */
class TotpTest {

    private static final byte[] RFC_SEED = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

    @ParameterizedTest(name = "T={0}: {1}")
    @CsvSource({"59, 287082", "1111111109, 081804", "1111111111, 050471", "1234567890, 005924", "2000000000, 279037",
            "20000000000, 353130"})
    void rfc6238Sha1Vectors(long epochSeconds, String code) {
        assertThat(Totp.code(RFC_SEED, Totp.step(Instant.ofEpochSecond(epochSeconds)))).isEqualTo(code);
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({"f, MY", "fo, MZXQ", "foo, MZXW6", "foob, MZXW6YQ", "fooba, MZXW6YTB", "foobar, MZXW6YTBOI"})
    void rfc4648Base32WithoutPadding(String text, String base32) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        assertThat(Totp.base32(bytes)).isEqualTo(base32);
        assertThat(Totp.fromBase32(base32.toLowerCase())).isEqualTo(bytes);
        assertThat(Totp.fromBase32(base32 + "======".substring(0, (8 - base32.length() % 8) % 8))).isEqualTo(bytes);
    }

    @Test
    void aSeedOfTwentyBytesIsThirtyTwoCharacters() {
        assertThat(Totp.base32(new byte[Totp.SEED_BYTES])).hasSize(32);
        assertThatThrownBy(() -> Totp.fromBase32("ABC1")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theWindowIsTheCurrentStepAndOneEitherSide() {
        Instant now = Instant.ofEpochSecond(1_700_000_015);
        long step = Totp.step(now);
        for (int offset = -3; offset <= 3; offset++) {
            var matched = Totp.match(RFC_SEED, Totp.code(RFC_SEED, step + offset), now);
            if (Math.abs(offset) <= 1) {
                assertThat(matched).as("offset %d", offset).hasValue(step + offset);
            } else {
                assertThat(matched).as("offset %d", offset).isEmpty();
            }
        }
        assertThat(Totp.match(RFC_SEED, null, now)).isEmpty();
        assertThat(Totp.match(RFC_SEED, "12345", now)).isEmpty();
        assertThat(Totp.match(RFC_SEED, "１２３４５６", now)).isEmpty();
    }
}
