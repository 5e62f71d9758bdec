package dev.gatehouse.troubleshoot;

import io.javalin.http.Context;

/**
 * {@code GET /api/v1/apps/{appId}/problems}: the sign-in doctor's groups of refusals for one app (issue #21), a Gatehouse
 * extension (Okta has no such endpoint; its System Log holds the events). An API token of a super admin, like the rest of
 * /api/v1; 404 E0000007 for an unknown app.
 */
public final class ProblemsApi {

    private final Troubleshooting troubleshooting;
    private final ProblemJson json;

    public ProblemsApi(Troubleshooting troubleshooting, ProblemJson json) {
        this.troubleshooting = troubleshooting;
        this.json = json;
    }

    public void list(Context ctx) {
        ctx.json(troubleshooting.forApp(ctx.pathParam("id")).stream().map(json::problem).toList());
    }
}
