package dev.gatehouse.oauth.servers;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenLifetimesTest {

    @Test
    void defaultsAreOktasDefaultPolicyRule() {
        TokenLifetimes d = TokenLifetimes.DEFAULTS;
        assertThat(d.accessToken()).isEqualTo(Duration.ofMinutes(60));
        assertThat(d.idToken()).isEqualTo(Duration.ofMinutes(60));
        assertThat(d.refreshTokenIdle()).isEqualTo(Duration.ofDays(7));
        assertThat(d.refreshTokenMax()).isZero();
        assertThat(d.refreshTokensUnlimited()).isTrue();
    }

    @ParameterizedTest(name = "access {0}, id {1}, idle {2}, max {3} minutes")
    @CsvSource({"4, 60, 10080, 0", "1441, 60, 10080, 0", "60, 4, 10080, 0", "60, 60, 9, 0", "60, 60, 2628001, 0", "60, 60, 10080, 59"})
    void outOfRangeLifetimesAreRefused(long access, long id, long idle, long max) {
        assertThatThrownBy(() -> TokenLifetimes.ofMinutes(access, id, idle, max)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "access {0}, id {1}, idle {2}, max {3} minutes")
    @CsvSource({"5, 5, 10, 0", "1440, 1440, 2628000, 2628000", "60, 60, 10080, 60"})
    void theLimitsThemselvesAreAccepted(long access, long id, long idle, long max) {
        assertThat(TokenLifetimes.ofMinutes(access, id, idle, max).accessToken()).isEqualTo(Duration.ofMinutes(access));
    }
}
