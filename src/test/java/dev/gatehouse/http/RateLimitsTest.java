package dev.gatehouse.http;

import dev.gatehouse.config.ConfigException;
import dev.gatehouse.config.ConfigLoader;
import dev.gatehouse.support.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The limits in force from configuration: Okta's defaults, per-family overrides, the multiplier, and bad values. */
class RateLimitsTest {

    private final MutableClock clock = MutableClock.startingNow();

    @Test
    void defaultsAreOktasPublishedLimits() {
        RateLimits limits = RateLimits.of(1, Map.of(), Optional.empty(), clock);
        assertThat(limits.limit(RateLimitFamily.TOKEN)).contains(1200L);
        assertThat(limits.limit(RateLimitFamily.AUTHORIZE)).contains(1200L);
        assertThat(limits.limit(RateLimitFamily.USERS)).contains(600L);
        assertThat(limits.limit(RateLimitFamily.APPS)).contains(100L);
        assertThat(limits.limit(RateLimitFamily.LOGS)).contains(50L);
        assertThat(limits.limit(RateLimitFamily.SIGNIN)).contains(200L);
        assertThat(limits.limit(RateLimitFamily.SIGNIN_PER_USER)).contains(4L);
    }

    @Test
    void theMultiplierScalesEveryFamilyAfterTheOverrides() {
        RateLimits limits = RateLimits.of(5, Map.of("token", 600, "logs", 0), Optional.empty(), clock);
        assertThat(limits.limit(RateLimitFamily.TOKEN)).contains(3000L);
        assertThat(limits.limit(RateLimitFamily.AUTHORIZE)).contains(6000L);
        assertThat(limits.limit(RateLimitFamily.LOGS)).as("0 turns one family off").isEmpty();
        assertThat(RateLimits.of(0.5, Map.of(), Optional.empty(), clock).limit(RateLimitFamily.LOGS)).contains(25L);
    }

    @Test
    void multiplierZeroLimitsNothing() {
        RateLimits off = RateLimits.of(0, Map.of("token", 5), Optional.empty(), clock);
        for (RateLimitFamily f : RateLimitFamily.values()) {
            assertThat(off.limit(f)).as(f.configName()).isEmpty();
            assertThat(off.take(f, "k")).isEmpty();
        }
    }

    @Test
    void aBucketRefillsGreedilyOverItsPeriodOnTheInjectedClock() {
        RateLimits limits = RateLimits.of(1, Map.of("logs", 2), Optional.empty(), clock);
        assertThat(limits.take(RateLimitFamily.LOGS, "org").orElseThrow().allowed()).isTrue();
        assertThat(limits.take(RateLimitFamily.LOGS, "org").orElseThrow().allowed()).isTrue();
        RateLimits.Decision refused = limits.take(RateLimitFamily.LOGS, "org").orElseThrow();
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.resetEpochSeconds()).as("the next token, rounded up to a whole second")
                .isBetween(clock.instant().getEpochSecond() + 30, clock.instant().getEpochSecond() + 31);
        assertThat(limits.take(RateLimitFamily.LOGS, "another key").orElseThrow().allowed()).as("buckets are per key").isTrue();
        clock.advance(Duration.ofSeconds(30));
        assertThat(limits.take(RateLimitFamily.LOGS, "org").orElseThrow().allowed()).isTrue();
    }

    @Test
    void anUnknownFamilyStopsTheStart() {
        assertThatThrownBy(() -> RateLimits.of(1, Map.of("tokens", 5), Optional.empty(), clock))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unknown family 'tokens'").hasMessageContaining("token");
    }

    @Test
    void badSettingsStopTheStartWithOneLine() {
        assertThatThrownBy(() -> ConfigLoader.load(List.of("--rate-limit-multiplier", "-1"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("GATEHOUSE_RATE_LIMIT_MULTIPLIER");
        assertThatThrownBy(() -> ConfigLoader.load(List.of("--rate-limits", "token=lots"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("GATEHOUSE_RATE_LIMITS").hasMessageContaining("token=lots");
        var config = ConfigLoader.load(List.of(), Map.of("GATEHOUSE_RATE_LIMIT_MULTIPLIER", "2.5", "GATEHOUSE_RATE_LIMITS", "Token=600, authorize=1200"));
        assertThat(config.rateLimitMultiplier()).isEqualTo(2.5);
        assertThat(config.rateLimits()).containsEntry("token", 600).containsEntry("authorize", 1200);
        assertThat(ConfigLoader.load(List.of(), Map.of()).rateLimitMultiplier()).as("on by default").isEqualTo(1.0);
    }
}
