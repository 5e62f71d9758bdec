package dev.gatehouse.apps;

import dev.gatehouse.syslog.Target;

import java.time.Instant;
import java.util.Optional;

/**
 * An OIDC app integration, as Okta's {@code OpenIdConnectApplication} ({@code name} is always
 * {@code oidc_client}, {@code signOnMode} always {@code OPENID_CONNECT}: Gatehouse has no other kind).
 *
 * @param clientId           the OAuth {@code client_id}: the app id unless another was chosen at creation
 * @param implicitAssignment true while the built-in Everyone group is assigned: everyone in the org may sign in
 * @param secret             the client secret's metadata and hash (web and service apps), null for public clients
 */
public record App(String id, String clientId, String label, Status status, AppSettings settings, boolean implicitAssignment,
                  ClientSecret secret, Instant created, Instant lastUpdated) {

    public static final String NAME = "oidc_client";
    public static final String SIGN_ON_MODE = "OPENID_CONNECT";

    public enum Status { ACTIVE, INACTIVE }

    /**
     * A client secret as stored: its id ({@code ocs…}), when it was made, and its SHA-256 (base64url). The
     * secret itself exists only in the response that created it. A 64-character random base62 secret has
     * about 380 bits of entropy, so a plain SHA-256 cannot be reversed or searched; a slow password hash
     * would only slow down every token request.
     */
    public record ClientSecret(String id, String hash, Instant created) {
        @Override
        public String toString() {
            return "ClientSecret[id=" + id + ", created=" + created + "]";
        }
    }

    public boolean active() {
        return status == Status.ACTIVE;
    }

    public Optional<ClientSecret> clientSecret() {
        return Optional.ofNullable(secret);
    }

    /**
     * The app as a System Log target, the one way every event names it (management API, console, grants, endpoints): as
     * Okta's System Log does, type {@code AppInstance}, {@code id} the app's instance id ({@code 0oa…}, not the OAuth
     * client_id), {@code alternateId} and {@code displayName} its label.
     */
    public Target auditTarget() {
        return new Target(id, "AppInstance", label, label);
    }

    /** Exact, byte-for-byte match against the registered {@code redirect_uris}, as /authorize needs. */
    public boolean hasRedirectUri(String uri) {
        return uri != null && settings.redirectUris().contains(uri);
    }

    /** Exact match against the registered {@code post_logout_redirect_uris}, as /logout needs. */
    public boolean hasPostLogoutRedirectUri(String uri) {
        return uri != null && settings.postLogoutRedirectUris().contains(uri);
    }
}
