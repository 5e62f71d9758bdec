package dev.gatehouse.api;

import dev.gatehouse.http.Routes;
import dev.gatehouse.syslog.LogsApi;
import io.javalin.config.RoutesConfig;

/** The management API's route table: every {@code /api/v1} path, behind {@link ApiAuth}. */
public final class ApiRoutes implements Routes {

    public static final String API_TOKENS = "/api/v1/api-tokens";
    public static final String API_TOKEN = "/api/v1/api-tokens/{id}";
    public static final String LOGS = "/api/v1/logs";

    private final ApiAuth auth;
    private final ApiTokensApi apiTokens;
    private final LogsApi logs;

    public ApiRoutes(ApiAuth auth, ApiTokensApi apiTokens, LogsApi logs) {
        this.auth = auth;
        this.apiTokens = apiTokens;
        this.logs = logs;
    }

    @Override
    public void register(RoutesConfig r) {
        r.beforeMatched("/api/v1/*", auth::handle);
        r.get(API_TOKENS, apiTokens::list);
        r.get(API_TOKEN, apiTokens::get);
        r.put(API_TOKEN, apiTokens::update);
        r.delete(API_TOKEN, apiTokens::revoke);
        r.get(LOGS, logs::list);
    }
}
