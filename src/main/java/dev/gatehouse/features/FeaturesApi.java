package dev.gatehouse.features;

import dev.gatehouse.errors.ApiError;
import dev.gatehouse.api.ApiRequests;
import dev.gatehouse.errors.ErrorCode;
import io.javalin.http.Context;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code /api/v1/features}: Okta's Feature JSON (§16). */
public final class FeaturesApi {

    private final Features features;
    private final String baseUrl;

    public FeaturesApi(Features features, String baseUrl) {
        this.features = features;
        this.baseUrl = baseUrl;
    }

    public void list(Context ctx) {
        ctx.json(features.list().stream().map(this::json).toList());
    }

    public void get(Context ctx) {
        ctx.json(json(features.get(ctx.pathParam("id"))));
    }

    public void dependencies(Context ctx) {
        ctx.json(features.dependencies(ctx.pathParam("id")).stream().map(this::json).toList());
    }

    public void dependents(Context ctx) {
        ctx.json(features.dependents(ctx.pathParam("id")).stream().map(this::json).toList());
    }

    public void lifecycle(Context ctx) {
        String id = ctx.pathParam("id");
        boolean force = "force".equals(ctx.queryParam("mode"));
        FeatureState state = switch (ctx.pathParam("lifecycle")) {
            case "enable" -> features.enable(ApiRequests.event(ctx), id, force);
            case "disable" -> features.disable(ApiRequests.event(ctx), id, force);
            default -> {
                features.get(id);
                throw ApiError.of(ErrorCode.E0000022);
            }
        };
        ctx.json(json(state));
    }


    Map<String, Object> json(FeatureState s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("type", "self-service");
        m.put("status", s.enabled() ? "ENABLED" : "DISABLED");
        m.put("name", s.feature().title());
        m.put("description", s.feature().description());
        m.put("stage", Map.of("value", s.feature().stage().name()));
        String self = baseUrl + "/api/v1/features/" + s.id();
        Map<String, Object> links = new LinkedHashMap<>();
        links.put(s.enabled() ? "disable" : "enable", Map.of("href", self + (s.enabled() ? "/disable" : "/enable"), "hints", Map.of("allow", List.of("POST"))));
        links.put("self", Map.of("href", self));
        links.put("dependents", Map.of("href", self + "/dependents"));
        links.put("dependencies", Map.of("href", self + "/dependencies"));
        m.put("_links", links);
        return m;
    }
}
