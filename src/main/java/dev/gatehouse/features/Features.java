package dev.gatehouse.features;

import dev.gatehouse.errors.ApiError;
import dev.gatehouse.errors.ErrorCode;
import dev.gatehouse.storage.Database;
import dev.gatehouse.storage.Ids;
import dev.gatehouse.syslog.EventContext;
import dev.gatehouse.syslog.SystemLog;
import dev.gatehouse.syslog.Target;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Settings › Features: the self-service features of the org, shared by {@code /api/v1/features} and the
 * console. Enabling needs the feature's dependencies on, disabling needs its dependents off; with
 * {@code force} the change cascades instead (Okta's {@code mode=force}).
 */
public final class Features {

    private final Database db;
    private final FeatureStore store;
    private final SystemLog log;
    private final Ids ids;
    private final Clock clock;

    public Features(Database db, FeatureStore store, SystemLog log, Ids ids, Clock clock) {
        this.db = db;
        this.store = store;
        this.log = log;
        this.ids = ids;
        this.clock = clock;
    }

    /** Adds catalog features this org does not have yet: on when named in {@code enabled} (GATEHOUSE_FEATURES), else off. */
    public void seed(Set<Feature> enabled) {
        for (Feature f : Feature.values()) {
            try {
                db.tx(h -> store.insertIfMissing(h, ids.next(Ids.FEATURE), f, enabled.contains(f), clock.instant()));
            } catch (RuntimeException e) {
                if (!Database.isUniqueViolation(e)) {
                    throw e;   // another node seeded it at the same moment: fine
                }
            }
        }
    }

    public List<FeatureState> list() {
        return db.read(store::list);
    }

    public FeatureState get(String id) {
        return db.read(h -> store.findById(h, id)).orElseThrow(() -> ApiError.notFound(id, "Feature"));
    }

    public boolean isEnabled(Feature f) {
        return db.read(h -> store.find(h, f)).map(FeatureState::enabled).orElse(false);
    }

    public List<FeatureState> dependencies(String id) {
        Feature f = get(id).feature();
        return list().stream().filter(s -> f.dependencies().contains(s.feature())).toList();
    }

    public List<FeatureState> dependents(String id) {
        Feature f = get(id).feature();
        return list().stream().filter(s -> s.feature().dependencies().contains(f)).toList();
    }

    public FeatureState enable(EventContext ctx, String id, boolean force) {
        return change(ctx, get(id).feature(), true, force);
    }

    public FeatureState disable(EventContext ctx, String id, boolean force) {
        return change(ctx, get(id).feature(), false, force);
    }

    private FeatureState change(EventContext ctx, Feature f, boolean enable, boolean force) {
        List<Feature> cascade = new ArrayList<>();
        List<ApiError.Cause> conflicts = new ArrayList<>();
        collect(f, enable, cascade);
        cascade.remove(f);
        for (Feature other : cascade) {
            if (isEnabled(other) != enable) {
                conflicts.add(new ApiError.Cause(null, "Self-Service feature " + other.title() + " is " + (enable ? "not enabled" : "enabled")));
            }
        }
        if (!conflicts.isEmpty() && !force) {
            throw new ApiError(ErrorCode.E0000141, ErrorCode.E0000141.summary(null), conflicts);
        }
        db.inTx(h -> {
            for (Feature x : force ? concat(cascade, f) : List.of(f)) {
                if (store.setEnabled(h, x, enable, clock.instant())) {
                    log.record(h, ctx, SystemLog.Entry.success(enable ? "system.feature.enable" : "system.feature.disable",
                            (enable ? "Enable" : "Disable") + " self-service feature", new Target(store.find(h, x).orElseThrow().id(),
                                    "Feature", x.configName(), x.title())));
                }
            }
        });
        return db.read(h -> store.find(h, f)).orElseThrow();
    }

    /** What must also be on (enabling: dependencies) or off (disabling: dependents), transitively. */
    private static void collect(Feature f, boolean enable, List<Feature> out) {
        if (out.contains(f)) {
            return;
        }
        out.add(f);
        List<Feature> next = enable ? f.dependencies()
                : Arrays.stream(Feature.values()).filter(x -> x.dependencies().contains(f)).toList();
        next.forEach(n -> collect(n, enable, out));
    }

    private static List<Feature> concat(List<Feature> list, Feature f) {
        List<Feature> out = new ArrayList<>(list);
        out.add(f);
        return out;
    }
}
