package dev.gatehouse.features;

import dev.gatehouse.errors.ApiError;
import dev.gatehouse.api.ApiRequests;
import dev.gatehouse.errors.ErrorCode;
import io.javalin.http.Context;

/** {@code /api/v1/features}: Okta's Feature JSON (§16). */
public final class FeaturesApi {

    private final Features features;
    private final FeatureJson json;

    public FeaturesApi(Features features, FeatureJson json) {
        this.features = features;
        this.json = json;
    }

    public void list(Context ctx) {
        ctx.json(features.list().stream().map(json::feature).toList());
    }

    public void get(Context ctx) {
        ctx.json(json.feature(features.get(ctx.pathParam("id"))));
    }

    public void dependencies(Context ctx) {
        ctx.json(features.dependencies(ctx.pathParam("id")).stream().map(json::feature).toList());
    }

    public void dependents(Context ctx) {
        ctx.json(features.dependents(ctx.pathParam("id")).stream().map(json::feature).toList());
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
        ctx.json(json.feature(state));
    }

}
