package dev.gatehouse.apps;

import dev.gatehouse.storage.Listing;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.apps.AppSettings.ApplicationType;
import dev.gatehouse.apps.AppSettings.AuthMethod;
import dev.gatehouse.apps.AppSettings.ConsentMethod;
import dev.gatehouse.apps.AppSettings.GrantType;
import dev.gatehouse.apps.AppSettings.IssuerMode;
import dev.gatehouse.apps.AppSettings.RefreshToken;
import dev.gatehouse.apps.AppSettings.ResponseType;
import dev.gatehouse.apps.AppSettings.RotationType;
import dev.gatehouse.apps.AppSettings.Wire;
import dev.gatehouse.directory.Group;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Update;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * SQL for {@code apps}. List settings are JSON arrays in text columns; {@code implicitAssignment} is not
 * stored but read: it is whether the Everyone group is assigned. State changes are single conditional
 * statements (on the status, or on {@code last_updated_at} as read), so no check-then-write can race.
 */
public final class AppStore {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SELECT = """
            SELECT a.*, EXISTS (SELECT 1 FROM app_group_assignments e WHERE e.app_id = a.id AND e.group_id = :everyone) AS everyone
            FROM apps a""";

    /** What {@code filter} may name on apps ({@code name} is always oidc_client). */
    static final Map<String, String> FILTER = Map.of("id", "a.id", "status", "a.status", "name", "'" + App.NAME + "'");

    /**
     * One page of apps by id. {@code q} is a case-insensitive prefix of the label or of the name; {@code conditions}
     * are SQL made by {@link dev.gatehouse.api.Filter#toSql} with their values in {@code binds}.
     */
    public record Query(String q, List<String> conditions, Map<String, Object> binds, String after, int limit) {
    }

    public void insert(Handle h, App app) {
        bindSettings(h.createUpdate("""
                        INSERT INTO apps (id, client_id, label, label_key, status, application_type, grant_types, response_types,
                            redirect_uris, post_logout_redirect_uris, initiate_login_uri, token_endpoint_auth_method, pkce_required,
                            refresh_rotation_type, refresh_leeway, consent_method, issuer_mode, admin_note, end_user_note,
                            client_secret_id, client_secret_hash, client_secret_created_at, created_at, last_updated_at)
                        VALUES (:id, :clientId, :label, :labelKey, :status, :type, :grants, :responses, :redirects, :logoutRedirects,
                            :initiateLogin, :authMethod, :pkce, :rotation, :leeway, :consent, :issuer, :adminNote, :endUserNote,
                            :secretId, :secretHash, :secretCreated, :created, :lastUpdated)"""), app.label(), app.settings())
                .bind("id", app.id()).bind("clientId", app.clientId()).bind("status", app.status().name())
                .bind("type", app.settings().applicationType().wire())
                .bind("secretId", app.clientSecret().map(App.ClientSecret::id).orElse(null))
                .bind("secretHash", app.clientSecret().map(App.ClientSecret::hash).orElse(null))
                .bind("secretCreated", app.clientSecret().map(App.ClientSecret::created).orElse(null))
                .bind("created", app.created()).bind("lastUpdated", app.lastUpdated())
                .execute();
    }

    public Optional<App> find(Handle h, String id) {
        return h.createQuery(SELECT + " WHERE a.id = :id").bind("id", id).bind("everyone", Group.EVERYONE)
                .map((rs, c) -> read(rs)).findOne();
    }

    /** What a would-be client_id already names, if anything: another app's client_id, an app's id, or a user's id. */
    public enum Named { CLIENT_ID, APP, USER }

    /**
     * What {@code value} already names, if anything (looks at {@code users} too: the one question about ids that spans
     * both tables, asked when an admin chooses a client_id). One round trip.
     */
    public Optional<Named> named(Handle h, String value) {
        return h.createQuery("""
                        SELECT CASE WHEN EXISTS (SELECT 1 FROM apps WHERE client_id = :v) THEN 'CLIENT_ID'
                                    WHEN EXISTS (SELECT 1 FROM apps WHERE id = :v) THEN 'APP'
                                    WHEN EXISTS (SELECT 1 FROM users WHERE id = :v) THEN 'USER' END AS named""")
                .bind("v", value).mapTo(String.class).findOne().map(Named::valueOf);
    }

    public Optional<App> findByClientId(Handle h, String clientId) {
        return h.createQuery(SELECT + " WHERE a.client_id = :clientId").bind("clientId", clientId).bind("everyone", Group.EVERYONE)
                .map((rs, c) -> read(rs)).findOne();
    }

    public List<App> list(Handle h, Query query) {
        StringBuilder sql = new StringBuilder(SELECT).append(" WHERE 1 = 1");
        Map<String, Object> binds = new HashMap<>(query.binds());
        query.conditions().forEach(c -> sql.append(" AND ").append(c));
        if (query.q() != null) {
            sql.append(" AND (a.label_key LIKE :q ESCAPE '!' OR '").append(App.NAME).append("' LIKE :q ESCAPE '!')");
            binds.put("q", Listing.startsWith(labelKey(query.q())));
        }
        Listing.page(sql, binds, "a.id", query.after(), query.limit());
        binds.put("everyone", Group.EVERYONE);
        return h.createQuery(sql.toString()).bindMap(binds).map((rs, c) -> read(rs)).list();
    }

    /** Replaces label and settings if the app is unchanged since it was read ({@code seenLastUpdated}); false otherwise. */
    public boolean update(Handle h, String id, String label, AppSettings settings, Instant seenLastUpdated, Instant now) {
        return bindSettings(h.createUpdate("""
                        UPDATE apps SET label = :label, label_key = :labelKey, grant_types = :grants, response_types = :responses,
                            redirect_uris = :redirects, post_logout_redirect_uris = :logoutRedirects, initiate_login_uri = :initiateLogin,
                            token_endpoint_auth_method = :authMethod, pkce_required = :pkce, refresh_rotation_type = :rotation,
                            refresh_leeway = :leeway, consent_method = :consent, issuer_mode = :issuer, admin_note = :adminNote,
                            end_user_note = :endUserNote, last_updated_at = :now
                        WHERE id = :id AND last_updated_at = :seen"""), label, settings)
                .bind("id", id).bind("seen", seenLastUpdated).bind("now", now).execute() == 1;
    }

    /** Moves the app from {@code from} to {@code to}; false when it is not in {@code from} (or gone). */
    public boolean changeStatus(Handle h, String id, App.Status from, App.Status to, Instant now) {
        return h.createUpdate("UPDATE apps SET status = :to, last_updated_at = :now WHERE id = :id AND status = :from")
                .bind("id", id).bind("from", from.name()).bind("to", to.name()).bind("now", now).execute() == 1;
    }

    /** Deletes an INACTIVE app with its assignments; false when the app is active or gone. */
    public boolean deleteInactive(Handle h, String id) {
        return h.createUpdate("DELETE FROM apps WHERE id = :id AND status = :inactive")
                .bind("id", id).bind("inactive", App.Status.INACTIVE.name()).execute() == 1;
    }

    /** Replaces the client secret of an app that has one; false for public clients (or a gone app). */
    public boolean replaceSecret(Handle h, String id, App.ClientSecret secret) {
        return h.createUpdate("""
                        UPDATE apps SET client_secret_id = :secretId, client_secret_hash = :hash, client_secret_created_at = :created
                        WHERE id = :id AND client_secret_hash IS NOT NULL""")
                .bind("id", id).bind("secretId", secret.id()).bind("hash", secret.hash()).bind("created", secret.created())
                .execute() == 1;
    }

    static String labelKey(String label) {
        return label.toLowerCase(Locale.ROOT);
    }

    private static Update bindSettings(Update u, String label, AppSettings s) {
        return u.bind("label", label).bind("labelKey", labelKey(label))
                .bind("grants", write(s.grantTypes().stream().map(Wire::wire).toList()))
                .bind("responses", write(s.responseTypes().stream().map(Wire::wire).toList()))
                .bind("redirects", write(s.redirectUris())).bind("logoutRedirects", write(s.postLogoutRedirectUris()))
                .bind("initiateLogin", s.initiateLoginUri()).bind("authMethod", s.tokenEndpointAuthMethod().wire())
                .bind("pkce", s.pkceRequired()).bind("rotation", s.refreshToken().rotationType().wire())
                .bind("leeway", s.refreshToken().leeway()).bind("consent", s.consentMethod().wire())
                .bind("issuer", s.issuerMode().wire()).bind("adminNote", s.adminNote()).bind("endUserNote", s.endUserNote());
    }

    private static App read(ResultSet rs) throws SQLException {
        AppSettings settings = new AppSettings(
                wire(ApplicationType.class, rs.getString("application_type")),
                readList(rs.getString("grant_types")).stream().map(g -> wire(GrantType.class, g)).toList(),
                readList(rs.getString("response_types")).stream().map(r -> wire(ResponseType.class, r)).toList(),
                readList(rs.getString("redirect_uris")), readList(rs.getString("post_logout_redirect_uris")),
                rs.getString("initiate_login_uri"), wire(AuthMethod.class, rs.getString("token_endpoint_auth_method")),
                rs.getBoolean("pkce_required"),
                new RefreshToken(wire(RotationType.class, rs.getString("refresh_rotation_type")), rs.getInt("refresh_leeway")),
                wire(ConsentMethod.class, rs.getString("consent_method")), wire(IssuerMode.class, rs.getString("issuer_mode")),
                rs.getString("admin_note"), rs.getString("end_user_note"));
        String secretHash = rs.getString("client_secret_hash");
        App.ClientSecret secret = secretHash == null ? null
                : new App.ClientSecret(rs.getString("client_secret_id"), secretHash, instant(rs.getTimestamp("client_secret_created_at")));
        return new App(rs.getString("id"), rs.getString("client_id"), rs.getString("label"), App.Status.valueOf(rs.getString("status")),
                settings, rs.getBoolean("everyone"), secret, instant(rs.getTimestamp("created_at")),
                instant(rs.getTimestamp("last_updated_at")));
    }

    private static <E extends Enum<E> & Wire> E wire(Class<E> type, String value) {
        return Wire.parse(type, value).orElseThrow(() -> new IllegalStateException("Unknown " + type.getSimpleName() + " in apps: " + value));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private static List<String> readList(String json) {
        try {
            return JSON.readValue(json, new TypeReference<List<String>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Unreadable list in apps", e);
        }
    }

    private static String write(List<String> list) {
        try {
            return JSON.writeValueAsString(list);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
