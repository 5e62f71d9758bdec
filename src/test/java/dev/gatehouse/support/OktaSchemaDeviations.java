package dev.gatehouse.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.Consumer;

/**
 * The only escapes from the Okta schema check ({@link OktaSchema}), in one place, each with its reason, and mirrored
 * in docs/OKTA-COMPATIBILITY.md, section "Deliberate deviations from Okta's schema" ({@code OktaSchemaTest} fails when
 * the two lists differ). Each entry changes Okta's spec before it is converted to JSON Schema; an entry whose place no
 * longer exists in the spec fails the check at load, so a new spec version makes us review the list again.
 *
 * <p>{@link #SPEC_SLIPS} are slips in Okta's spec itself, named in ../shared/okta-openapi/README.md: the spec says one
 * thing, Okta's own examples and real traffic another. {@link #GATEHOUSE} are Gatehouse's deliberate deviations: where
 * Gatehouse answers what Okta's real responses show although the spec does not declare it. Keep both short: a
 * difference the check finds is a bug to fix unless Okta's real traffic says otherwise.
 */
public final class OktaSchemaDeviations {

    /** One change to Okta's spec: {@code where} as the docs name it (kept verbatim in the docs), why, and the change. */
    public record Entry(String where, String reason, Consumer<ObjectNode> patch) {
    }

    private static final String HREF = "{\"$ref\":\"#/components/schemas/HrefObject\"}";

    private static final String EMPTY_OBJECT = "{\"application/json\":{\"schema\":{\"type\":\"object\",\"maxProperties\":0}}}";

    /** Slips in the spec itself (its README), corrected before anything is checked. */
    public static final List<Entry> SPEC_SLIPS = List.of(
            new Entry("`Policy._embedded` members may be strings",
                    "`Policy` (and `CreateOrUpdatePolicy`) declare every `_embedded` member an object, while `AccessPolicy` "
                            + "declares `_embedded.resourceType` a string (\"APP\"), as a live org sends it (terraform-provider-okta "
                            + "VCR fixture `TestAccResourceOktaAppSignOnPolicyRule_crud`): no ACCESS_POLICY can satisfy both. "
                            + "The member type constraint is dropped.",
                    spec -> {
                        remove(spec, "/components/schemas/Policy/properties/_embedded", "additionalProperties");
                        remove(spec, "/components/schemas/CreateOrUpdatePolicy/properties/_embedded", "additionalProperties");
                    }),
            new Entry("`TimeDuration.pattern`",
                    "The pattern (`^P(?:$)…`) rejects its own examples (\"P30D\"); dropped, the value stays a string.",
                    spec -> remove(spec, "/components/schemas/TimeDuration", "pattern")),
            new Entry("`AppUser.externalId` may be null",
                    "Declared non-nullable, but Okta's own examples send `\"externalId\": null` for SSO-only assignments.",
                    spec -> nullable(spec, "/components/schemas/AppUser/properties/externalId")),
            new Entry("`ApplicationAccessibility.errorRedirectUrl` and `loginRedirectUrl` may be null",
                    "Declared non-nullable, but every application example in the spec and Okta's recorded traffic "
                            + "(OKTA-REFERENCE §14.2) send both as null.",
                    spec -> {
                        nullable(spec, "/components/schemas/ApplicationAccessibility/properties/errorRedirectUrl");
                        nullable(spec, "/components/schemas/ApplicationAccessibility/properties/loginRedirectUrl");
                    }),
            new Entry("`ApiToken._links`",
                    "The schema declares `_link` (a `self` link only); its examples, and Okta's recorded responses "
                            + "(terraform-provider-okta VCR fixtures), send `_links` with `self` and `user`.",
                    spec -> {
                        rename(spec, "/components/schemas/ApiToken/properties", "_link", "_links");
                        set(spec, "/components/schemas/ApiToken/properties", "_links", "{\"allOf\":[{\"$ref\":\"#/components/schemas/LinksSelf\"},"
                                + "{\"type\":\"object\",\"properties\":{\"user\":" + HREF + "}}]}");
                    }),
            new Entry("System Log: `detailEntry`, `client.zone`, `client.id`, `outcome.reason`, `request.ipChain[].source` and the "
                    + "`authenticationContext` providers, `issuer` and `interface` may be null",
                    "Declared non-nullable, but the spec's own `ListLogs` example sends each of them as null.",
                    spec -> {
                        nullable(spec, "/components/schemas/LogActor/properties/detailEntry");
                        nullable(spec, "/components/schemas/LogTarget/properties/detailEntry");
                        nullable(spec, "/components/schemas/LogClient/properties/zone");
                        nullable(spec, "/components/schemas/LogClient/properties/id");
                        nullable(spec, "/components/schemas/LogOutcome/properties/reason");
                        nullable(spec, "/components/schemas/LogIpAddress/properties/source");
                        for (String p : List.of("authenticationProvider", "credentialProvider", "credentialType", "issuer", "interface")) {
                            nullable(spec, "/components/schemas/LogAuthenticationContext/properties/" + p);
                        }
                    }),
            new Entry("System Log: `legacyEventType` and `request.ipChain[].geographicalContext` may be null",
                    "Declared non-nullable, but the sample events in Okta's developer docs (okta/okta-developer-docs, "
                            + "`docs/reference/rl-system-log-events/index.md`) send `\"legacyEventType\": null` for an event type "
                            + "with no legacy name and a null `geographicalContext` for an address Okta cannot place.",
                    spec -> {
                        nullable(spec, "/components/schemas/LogEvent/properties/legacyEventType");
                        nullable(spec, "/components/schemas/LogIpAddress/properties/geographicalContext");
                    }),
            new Entry("`Session.lastFactorVerification` may be null",
                    "Declared non-nullable, but every Session example of Okta's Sessions API reference (okta/okta-developer-docs, "
                            + "`docs/reference/api/sessions/index.md`; OKTA-REFERENCE §15.3) sends `\"lastFactorVerification\": null` for a "
                            + "session without a second factor.",
                    spec -> nullable(spec, "/components/schemas/Session/properties/lastFactorVerification")),
            new Entry("`UserFactorVerifyResponse.profile` and `_embedded` members",
                    "Declared as maps of empty objects, but the spec's own WebAuthn examples (`UserFactorChallengeWebauthnResponse`, "
                            + "`UserFactorVerifyWebauthnResponse`) send `profile` strings (`credentialId`, `authenticatorName`) and "
                            + "`_embedded.challenge` with `challenge` and `extensions`; both are open objects here.",
                    spec -> {
                        set(spec, "/components/schemas/UserFactorVerifyResponse/properties", "profile", "{\"type\":\"object\",\"readOnly\":true}");
                        set(spec, "/components/schemas/UserFactorVerifyResponse/properties", "_embedded", "{\"type\":\"object\",\"readOnly\":true}");
                    }));

    /** Gatehouse's deliberate deviations from the spec, each backed by Okta's real responses. */
    public static final List<Entry> GATEHOUSE = List.of(
            new Entry("`conditions` of an app sign-in policy's Catch-all Rule is null",
                    "`AccessPolicyRuleConditions` is not declared nullable, but a live Identity Engine org answers "
                            + "`\"conditions\": null` for the system Catch-all Rule (terraform-provider-okta VCR fixtures, e.g. "
                            + "`TestAccDataSourceOktaAppFederatedClaim_read`; docs/okta/multifactor.md §4.2).",
                    spec -> nullable(spec, "/components/schemas/AccessPolicyRuleConditions")),
            new Entry("`settings` of the `google_otp` authenticator",
                    "Not declared for `google_otp` (`AuthenticatorKeyGoogleOtp`), but a live Identity Engine org answers "
                            + "`\"settings\": {}` for it (terraform-provider-okta VCR fixture `TestAccDataSourceOktaAuthenticator_read`).",
                    spec -> declare(spec, "/components/schemas/AuthenticatorKeyGoogleOtp", "settings", "{\"type\":\"object\",\"maxProperties\":0}")),
            new Entry("`settings.oauthClient.client_uri` and `logo_uri` of an OIDC app may be null",
                    "Okta sends both as null when unset: 987 OIDC app responses recorded from a live org (terraform-provider-okta "
                            + "VCR fixtures; OKTA-REFERENCE §14.2) have `\"client_uri\": null, \"logo_uri\": null`, none an empty string.",
                    spec -> {
                        nullable(spec, "/components/schemas/OpenIdConnectApplicationSettingsClient/properties/client_uri");
                        nullable(spec, "/components/schemas/OpenIdConnectApplicationSettingsClient/properties/logo_uri");
                    }),
            new Entry("`settings.notes.admin` and `enduser` of an app may be null",
                    "Okta sends `\"notes\": {\"admin\": null, \"enduser\": null}` for an app without notes (1,086 recorded app "
                            + "responses, terraform-provider-okta VCR fixtures; OKTA-REFERENCE §14.2).",
                    spec -> {
                        nullable(spec, "/components/schemas/ApplicationSettingsNotes/properties/admin");
                        nullable(spec, "/components/schemas/ApplicationSettingsNotes/properties/enduser");
                    }),
            new Entry("`settings.app` and `settings.manualProvisioning` of an OIDC app",
                    "Not in the `ApplicationSettings` schema that OIDC apps use, but all 1,146 OIDC app responses recorded from "
                            + "a live org (terraform-provider-okta VCR fixtures) carry both (`\"app\": {}`, `\"manualProvisioning\": false`; "
                            + "OKTA-REFERENCE §14.2).",
                    spec -> {
                        declare(spec, "/components/schemas/ApplicationSettings", "app", "{\"type\":\"object\"}");
                        declare(spec, "/components/schemas/ApplicationSettings", "manualProvisioning", "{\"type\":\"boolean\"}");
                    }),
            new Entry("`POST /api/v1/users/{id}/lifecycle/deactivate`, `suspend`, `unsuspend` and `unlock` answer `{}`",
                    "The spec documents these 200s without content; Okta answers `{}` (application/json): recorded for "
                            + "`deactivate` (terraform-provider-okta VCR fixtures), and \"Returns an empty object\" for all four in "
                            + "Okta's Users API reference (okta/okta-developer-docs, `docs/reference/api/users/index.md`).",
                    spec -> {
                        for (String op : List.of("deactivate", "suspend", "unsuspend", "unlock")) {
                            set(spec, "/paths/~1api~1v1~1users~1{id}~1lifecycle~1" + op + "/post/responses/200", "content", EMPTY_OBJECT);
                        }
                    }),
            new Entry("`POST /api/v1/apps/{appId}/lifecycle/activate` and `deactivate` answer `{}`",
                    "The spec documents these 200s without content; Okta answers `{}` (189 recorded deactivations, "
                            + "terraform-provider-okta VCR fixtures; OKTA-REFERENCE §14.1).",
                    spec -> {
                        for (String op : List.of("activate", "deactivate")) {
                            set(spec, "/paths/~1api~1v1~1apps~1{appId}~1lifecycle~1" + op + "/post/responses/200", "content", EMPTY_OBJECT);
                        }
                    }),
            new Entry("Features' `_links.enable` and `_links.disable`",
                    "Not in the `Feature` schema, but every recorded Okta feature response carries one of them (1,592 "
                            + "responses, terraform-provider-okta VCR fixtures; OKTA-REFERENCE §16), and the Admin Console and "
                            + "scripts follow them.",
                    spec -> {
                        declare(spec, "/components/schemas/Feature/properties/_links/allOf/1", "enable", HREF);
                        declare(spec, "/components/schemas/Feature/properties/_links/allOf/1", "disable", HREF);
                    }),
            new Entry("Authorization servers' `default` and `_links.keys`",
                    "Not in the `AuthorizationServer` schema, but every recorded Okta authorization server response has "
                            + "`\"default\"` (true or false) and a `keys` link (106 responses, terraform-provider-okta VCR fixtures).",
                    spec -> {
                        declare(spec, "/components/schemas/AuthorizationServer", "default", "{\"type\":\"boolean\",\"readOnly\":true}");
                        declare(spec, "/components/schemas/AuthServerLinks/allOf/1", "keys", HREF);
                    }),
            new Entry("An inactive authorization server's `_links.activate`",
                    "`AuthServerLinks` declares only `deactivate`. An inactive Okta resource carries `activate` in its place "
                            + "(recorded for trusted origins, OKTA-REFERENCE §15.1; users and apps alike), and Gatehouse does the same "
                            + "for an inactive server. Inferred: no recording of an inactive server exists either way.",
                    spec -> declare(spec, "/components/schemas/AuthServerLinks/allOf/1", "activate", HREF)),
            new Entry("`mfaActive`, `_links.refresh` and `_links.user` of the session at `/api/v1/sessions/me`",
                    "Not in the current `Session` schema (whose spec dropped `/api/v1/sessions/me`), but in every Session "
                            + "example of Okta's Sessions API reference (okta/okta-developer-docs, `docs/reference/api/sessions/index.md`; "
                            + "OKTA-REFERENCE §15.3); okta-auth-js's `session.get()` follows `_links.user` and `_links.refresh`.",
                    spec -> {
                        declare(spec, "/components/schemas/Session", "mfaActive", "{\"type\":\"boolean\",\"readOnly\":true}");
                        set(spec, "/components/schemas/Session/properties", "_links", "{\"allOf\":[{\"$ref\":\"#/components/schemas/LinksSelf\"},"
                                + "{\"type\":\"object\",\"properties\":{\"refresh\":" + HREF + ",\"user\":" + HREF + "}}]}");
                    }),
            new Entry("`conditions.people.users.exclude` and `conditions.people.groups.exclude` of an authorization server policy rule",
                    "The spec declares only `include`, but a live org answers both members with `exclude` (`\"users\":{\"exclude\":[]}`; "
                            + "terraform-provider-okta VCR fixture `TestAccResourceOktaAuthServerPolicyRule_create`), the legacy reference "
                            + "and Terraform (`user_blacklist`, `group_blacklist`) send them, and the evaluation honours them.",
                    spec -> {
                        declare(spec, "/components/schemas/AuthorizationServerPolicyRuleUserCondition", "exclude",
                                "{\"type\":\"array\",\"items\":{\"type\":\"string\"}}");
                        declare(spec, "/components/schemas/AuthorizationServerPolicyRuleGroupCondition", "exclude",
                                "{\"type\":\"array\",\"items\":{\"type\":\"string\"}}");
                    }),
            new Entry("`GET /api/v1/api-tokens/current`",
                    "The spec has only `DELETE` on `/api/v1/api-tokens/current` (revoke the token in the request). Gatehouse "
                            + "also answers `GET` with that token's metadata, exactly as `GET /api/v1/api-tokens/{apiTokenId}` "
                            + "answers, so a script can learn whose token it holds; checked against that operation's schema.",
                    spec -> copyOperation(spec, "/api/v1/api-tokens/{apiTokenId}", "get", "/api/v1/api-tokens/current")),
            new Entry("`POST /api/v1/sessions`",
                    "Okta's Sessions API reference documents \"Create Session with session token\" (`POST /api/v1/sessions` with "
                            + "`{\"sessionToken\"}`, 200 with a Session; okta/okta-developer-docs `docs/reference/api/sessions/index.md`), "
                            + "which the current spec no longer lists. Gatehouse answers it (issue #20); checked against the Session schema "
                            + "of `GET /api/v1/sessions/{sessionId}`.",
                    spec -> addPathOperation(spec, "/api/v1/sessions/{sessionId}", "get", "/api/v1/sessions", "post")));

    private OktaSchemaDeviations() {
    }

    static void applyAll(ObjectNode spec) {
        for (Entry e : SPEC_SLIPS) {
            e.patch().accept(spec);
        }
        for (Entry e : GATEHOUSE) {
            e.patch().accept(spec);
        }
    }

    // The changes entries use. Each fails loudly when its place is not in the spec.

    static ObjectNode at(ObjectNode spec, String pointer) {
        JsonNode n = spec.at(pointer);
        if (!n.isObject()) {
            throw new IllegalStateException("Okta schema deviation: " + pointer + " is not in Okta's spec (a new spec version?)"
                    + " - review OktaSchemaDeviations");
        }
        return (ObjectNode) n;
    }

    static void nullable(ObjectNode spec, String pointer) {
        at(spec, pointer).put("nullable", true);
    }

    static void remove(ObjectNode spec, String pointer, String key) {
        if (at(spec, pointer).remove(key) == null) {
            throw new IllegalStateException("Okta schema deviation: " + pointer + " has no " + key);
        }
    }

    static void rename(ObjectNode spec, String pointer, String from, String to) {
        ObjectNode o = at(spec, pointer);
        JsonNode value = o.remove(from);
        if (value == null) {
            throw new IllegalStateException("Okta schema deviation: " + pointer + " has no " + from);
        }
        o.set(to, value);
    }

    /** Sets member {@code name} of the object at {@code pointer} to {@code json}, replacing what the spec has there. */
    static void set(ObjectNode spec, String pointer, String name, String json) {
        ObjectNode o = at(spec, pointer);
        if (!o.has(name)) {
            throw new IllegalStateException("Okta schema deviation: " + pointer + " has no " + name + " - review OktaSchemaDeviations");
        }
        try {
            o.set(name, new ObjectMapper().readTree(json));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates path {@code to} (absent from the spec) with the {@code method} operation of path {@code from} as {@code toMethod}. */
    static void addPathOperation(ObjectNode spec, String from, String method, String to, String toMethod) {
        ObjectNode paths = at(spec, "/paths");
        ObjectNode source = (ObjectNode) paths.get(from);
        if (source == null || !source.has(method) || paths.has(to)) {
            throw new IllegalStateException("Okta schema deviation: cannot add " + toMethod + " " + to + " from " + method + " " + from
                    + " - review OktaSchemaDeviations");
        }
        com.fasterxml.jackson.databind.node.ObjectNode operation = source.get(method).deepCopy();
        operation.remove("parameters");   // the {sessionId} path parameter is not in the new path
        paths.putObject(to).set(toMethod, operation);
    }

    /** Gives path {@code to} the {@code method} operation of path {@code from}. */
    static void copyOperation(ObjectNode spec, String from, String method, String to) {
        ObjectNode paths = at(spec, "/paths");
        ObjectNode source = (ObjectNode) paths.get(from);
        ObjectNode target = (ObjectNode) paths.get(to);
        if (source == null || !source.has(method) || target == null || target.has(method)) {
            throw new IllegalStateException("Okta schema deviation: cannot give " + to + " the " + method + " of " + from
                    + " - review OktaSchemaDeviations");
        }
        target.set(method, source.get(method).deepCopy());
    }

    /** Declares property {@code name} (schema {@code json}) on the object schema at {@code pointer}. */
    static void declare(ObjectNode spec, String pointer, String name, String json) {
        ObjectNode properties = at(spec, pointer).withObjectProperty("properties");
        if (properties.has(name)) {
            throw new IllegalStateException("Okta schema deviation: " + pointer + " already declares " + name
                    + " - the deviation is no longer needed");
        }
        try {
            properties.set(name, new ObjectMapper().readTree(json));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
