package dev.gatehouse.storage;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@link ChangeCache} keeps, and when it lets go: invalidation, a read racing a change, the safety expiry. */
class ChangeCacheTest {

    private final ConcurrentHashMap<String, String> stored = new ConcurrentHashMap<>();
    private final AtomicInteger loads = new AtomicInteger();
    private final AtomicLong nanos = new AtomicLong();

    private ChangeCache<String, String> cache(java.util.function.Function<String, Optional<String>> load) {
        return new ChangeCache<>(k -> {
            loads.incrementAndGet();
            return load.apply(k);
        }, Duration.ofSeconds(30), nanos::get);
    }

    @Test
    void aValueIsLoadedOnceUntilInvalidated() {
        stored.put("k", "v1");
        ChangeCache<String, String> cache = cache(k -> Optional.ofNullable(stored.get(k)));
        assertThat(cache.get("k")).contains("v1");
        stored.put("k", "v2");
        assertThat(cache.get("k")).as("served from memory").contains("v1");
        assertThat(loads).hasValue(1);

        cache.invalidate();
        assertThat(cache.get("k")).contains("v2");
        assertThat(loads).hasValue(2);
    }

    @Test
    void anAbsentValueIsNotKept() {
        ChangeCache<String, String> cache = cache(k -> Optional.ofNullable(stored.get(k)));
        assertThat(cache.get("k")).isEmpty();
        stored.put("k", "v1");
        assertThat(cache.get("k")).as("a key created since is found without an invalidation").contains("v1");
    }

    @Test
    void aReadThatLoadedTheOldValueBeforeAnInvalidationDoesNotKeepIt() {
        stored.put("k", "old");
        ChangeCache<String, String>[] self = new ChangeCache[1];
        self[0] = cache(k -> {
            String read = stored.get(k);        // the read sees the value before the commit ...
            if (loads.get() == 1) {
                stored.put(k, "new");           // ... the change commits and invalidates, while that read is in flight
                self[0].invalidate();
            }
            return Optional.ofNullable(read);
        });
        assertThat(self[0].get("k")).as("the racing read itself answers what it read").contains("old");
        assertThat(self[0].get("k")).as("but did not keep it past the invalidation").contains("new");
    }

    @Test
    void aGenerationOlderThanTheSafetyExpiryIsDropped() {
        stored.put("k", "v1");
        ChangeCache<String, String> cache = cache(k -> Optional.ofNullable(stored.get(k)));
        assertThat(cache.get("k")).contains("v1");
        stored.put("k", "v2");   // a change whose notification was lost

        nanos.addAndGet(Duration.ofSeconds(29).toNanos());
        assertThat(cache.get("k")).contains("v1");
        nanos.addAndGet(Duration.ofSeconds(2).toNanos());
        assertThat(cache.get("k")).contains("v2");
    }
}
