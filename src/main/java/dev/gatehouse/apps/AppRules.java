package dev.gatehouse.apps;

import dev.gatehouse.errors.ApiError;
import dev.gatehouse.apps.AppSettings.ApplicationType;
import dev.gatehouse.apps.AppSettings.AuthMethod;
import dev.gatehouse.apps.AppSettings.ConsentMethod;
import dev.gatehouse.apps.AppSettings.GrantType;
import dev.gatehouse.apps.AppSettings.IssuerMode;
import dev.gatehouse.apps.AppSettings.RefreshToken;
import dev.gatehouse.apps.AppSettings.ResponseType;
import dev.gatehouse.apps.AppSettings.RotationType;
import dev.gatehouse.apps.AppSettings.Wire;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Every rule about what an OIDC app may be, in one place: the management API and the console both hand
 * their {@link AppRequest} to {@link #check}. A request breaking any rule gets 400 E0000001 with one cause
 * per problem, each naming its field ({@code redirect_uris: 'http://x' is not allowed: ...}), and nothing
 * is written. Pure Java: no I/O, so the rules can be tested on their own.
 *
 * <p>Choices where Okta's documents leave room: {@code refresh_token} values given without the refresh_token grant are
 * checked and kept but not shown (Okta drops them; keeping them means turning the grant on later brings them back);
 * browser apps need authorization_code or implicit (a refresh_token-only SPA could never sign in); {@code token} is a
 * response type of the implicit and client_credentials grants; redirect URIs are https, http only on
 * localhost/127.0.0.1/[::1], and for native apps also a private-use scheme with a dot (RFC 8252 §7.1); no wildcard
 * anywhere (so {@code wildcard_redirect} must stay DISABLED); a missing {@code application_type} on create is web,
 * as for Okta and RFC 7591.
 */
public final class AppRules {

    public static final int MAX_LABEL = 100;
    public static final int MAX_URI = 1024;
    public static final int MAX_URIS = 100;
    public static final int MAX_NOTE = 1024;
    public static final int MIN_LEEWAY = 0;
    public static final int MAX_LEEWAY = 60;
    public static final int DEFAULT_LEEWAY = 30;
    /** The message for a leeway that is not a whole number from 0 to 60, also used by the JSON reader for wrong types. */
    public static final String LEEWAY = "Must be a whole number of seconds from " + MIN_LEEWAY + " to " + MAX_LEEWAY;
    static final String BLANK = "The field cannot be left blank";

    /** Grant types allowed per application type (Okta §13.3, the subset Gatehouse implements). */
    public static final Map<ApplicationType, Set<GrantType>> ALLOWED_GRANTS = Map.of(
            ApplicationType.BROWSER, EnumSet.of(GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN, GrantType.IMPLICIT),
            ApplicationType.WEB, EnumSet.of(GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN, GrantType.IMPLICIT,
                    GrantType.CLIENT_CREDENTIALS),
            ApplicationType.NATIVE, EnumSet.of(GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN, GrantType.IMPLICIT,
                    GrantType.PASSWORD),
            ApplicationType.SERVICE, EnumSet.of(GrantType.CLIENT_CREDENTIALS));

    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9$\\-_.+!*'(),]{6,100}");
    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]");

    /** A request that passed every rule: the label, the chosen client_id (null: the app id) and the settings. */
    public record Accepted(String label, String clientId, AppSettings settings) {
    }

    private AppRules() {
    }

    /**
     * Checks {@code request} for a new app ({@code previous} null) or as the full replacement of {@code previous},
     * and applies the defaults documented on {@link AppRequest}; throws {@link ApiError} (400 E0000001) listing
     * every problem found.
     */
    public static Accepted check(AppRequest request, App previous) {
        List<ApiError.Cause> causes = new ArrayList<>();
        String label = label(request.label(), causes);
        String clientId = clientId(request.clientId(), previous, causes);
        ApplicationType type = applicationType(request.applicationType(), previous, causes);
        if (type == null) {
            throw ApiError.validation(causes);   // every other rule depends on the application type
        }
        List<GrantType> grants = grantTypes(request.grantTypes(), type, causes);
        List<ResponseType> responses = responseTypes(request.responseTypes(), grants, causes);
        List<String> redirects = uris("redirect_uris", request.redirectUris(), type, causes);
        if (redirects.isEmpty() && (grants.contains(GrantType.AUTHORIZATION_CODE) || grants.contains(GrantType.IMPLICIT))
                && causes.stream().noneMatch(c -> "redirect_uris".equals(c.field()))) {
            causes.add(new ApiError.Cause("redirect_uris",
                    "At least one redirect URI is required for the authorization_code and implicit grants"));
        }
        List<String> logoutRedirects = uris("post_logout_redirect_uris", request.postLogoutRedirectUris(), type, causes);
        String initiateLogin = blank(request.initiateLoginUri()) ? null
                : uri("initiate_login_uri", request.initiateLoginUri(), type, causes);
        wildcardRedirect(request.wildcardRedirect(), causes);
        AuthMethod method = authMethod(request.tokenEndpointAuthMethod(), type, causes);
        boolean pkce = pkceRequired(request.pkceRequired(), type, causes);
        RefreshToken refresh = refreshToken(request, type, previous, causes);
        ConsentMethod consent = value("consent_method", ConsentMethod.class, request.consentMethod(), ConsentMethod.TRUSTED, causes);
        IssuerMode issuer = value("issuer_mode", IssuerMode.class, request.issuerMode(), IssuerMode.ORG_URL, causes);
        String adminNote = note("notes.admin", request.adminNote(), causes);
        String endUserNote = note("notes.enduser", request.endUserNote(), causes);
        if (!causes.isEmpty()) {
            throw ApiError.validation(causes);
        }
        return new Accepted(label, clientId, new AppSettings(type, grants, responses, redirects, logoutRedirects, initiateLogin,
                method, pkce, refresh, consent, issuer, adminNote, endUserNote));
    }

    private static String label(String label, List<ApiError.Cause> causes) {
        if (blank(label)) {
            causes.add(new ApiError.Cause("label", BLANK));
        } else if (label.length() > MAX_LABEL) {
            causes.add(new ApiError.Cause("label", "The field cannot be longer than " + MAX_LABEL + " characters"));
        }
        return label;
    }

    private static String clientId(String clientId, App previous, List<ApiError.Cause> causes) {
        if (previous != null) {
            if (clientId != null && !clientId.equals(previous.clientId())) {
                causes.add(new ApiError.Cause("client_id", "The client_id cannot be changed after the app is created (it is '"
                        + previous.clientId() + "')"));
            }
            return previous.clientId();
        }
        if (clientId != null && (!CLIENT_ID.matcher(clientId).matches() || clientId.equals("ALL_CLIENTS"))) {
            causes.add(new ApiError.Cause("client_id", "'" + clientId + "' is not allowed: use 6 to 100 letters, digits or "
                    + "$-_.+!*'(), (and not ALL_CLIENTS)"));
        }
        return clientId;
    }

    private static ApplicationType applicationType(String wire, App previous, List<ApiError.Cause> causes) {
        if (previous != null) {
            ApplicationType was = previous.settings().applicationType();
            if (wire != null && !wire.equals(was.wire())) {
                causes.add(new ApiError.Cause("application_type", "The application_type cannot be changed after the app is "
                        + "created (it is '" + was.wire() + "')"));
            }
            return was;
        }
        if (wire == null) {
            return ApplicationType.WEB;
        }
        ApplicationType type = Wire.parse(ApplicationType.class, wire).orElse(null);
        if (type == null) {
            causes.add(new ApiError.Cause("application_type", "'" + wire + "' is invalid. Valid values: "
                    + Wire.list(ApplicationType.values())));
        }
        return type;
    }

    private static List<GrantType> grantTypes(List<String> given, ApplicationType type, List<ApiError.Cause> causes) {
        if (given == null) {
            return List.of(type == ApplicationType.SERVICE ? GrantType.CLIENT_CREDENTIALS : GrantType.AUTHORIZATION_CODE);
        }
        Set<GrantType> allowed = ALLOWED_GRANTS.get(type);
        LinkedHashSet<GrantType> grants = new LinkedHashSet<>();
        boolean refused = false;
        for (String wire : given) {
            GrantType grant = wire == null ? null : Wire.parse(GrantType.class, wire).orElse(null);
            if (grant == null || !allowed.contains(grant)) {
                causes.add(new ApiError.Cause("grant_types", "'" + wire + "' is not allowed for " + lower(type.description())
                        + ". Allowed: " + Wire.list(allowed.toArray(GrantType[]::new))));
                refused = true;
            } else {
                grants.add(grant);
            }
        }
        if (!refused) {
            String missing = switch (type) {
                case BROWSER -> grants.contains(GrantType.AUTHORIZATION_CODE) || grants.contains(GrantType.IMPLICIT) ? null
                        : "the authorization_code or implicit grant";
                case WEB, NATIVE -> grants.contains(GrantType.AUTHORIZATION_CODE) ? null : "the authorization_code grant";
                case SERVICE -> grants.contains(GrantType.CLIENT_CREDENTIALS) ? null : "the client_credentials grant";
            };
            if (missing != null) {
                causes.add(new ApiError.Cause("grant_types", type.description() + " needs " + missing));
            }
        }
        return List.copyOf(grants);
    }

    /**
     * Response types follow from the grant types: authorization_code gives {@code code}, implicit gives {@code token}
     * and {@code id_token}, client_credentials gives {@code token}. Not given: all the grants imply (just
     * {@code token} for client_credentials when it is the only grant that gives any).
     */
    private static List<ResponseType> responseTypes(List<String> given, List<GrantType> grants, List<ApiError.Cause> causes) {
        boolean code = grants.contains(GrantType.AUTHORIZATION_CODE);
        boolean implicit = grants.contains(GrantType.IMPLICIT);
        boolean credentials = grants.contains(GrantType.CLIENT_CREDENTIALS);
        if (given == null) {
            List<ResponseType> implied = new ArrayList<>();
            if (code) implied.add(ResponseType.CODE);
            if (implicit) implied.addAll(List.of(ResponseType.TOKEN, ResponseType.ID_TOKEN));
            if (implied.isEmpty() && credentials) implied.add(ResponseType.TOKEN);
            return implied;
        }
        LinkedHashSet<ResponseType> types = new LinkedHashSet<>();
        for (String wire : given) {
            ResponseType type = wire == null ? null : Wire.parse(ResponseType.class, wire).orElse(null);
            String needs = type == null ? null : switch (type) {
                case CODE -> code ? null : "the authorization_code grant";
                case ID_TOKEN -> implicit ? null : "the implicit grant";
                case TOKEN -> implicit || credentials ? null : "the implicit or client_credentials grant";
            };
            if (type == null) {
                causes.add(new ApiError.Cause("response_types", "'" + wire + "' is invalid. Valid values: "
                        + Wire.list(ResponseType.values())));
            } else if (needs != null) {
                causes.add(new ApiError.Cause("response_types", "'" + wire + "' needs " + needs + " in grant_types"));
            } else {
                types.add(type);
            }
        }
        if (code && !types.contains(ResponseType.CODE)) {
            causes.add(new ApiError.Cause("response_types", "The authorization_code grant needs the 'code' response type"));
        }
        if (implicit && !types.contains(ResponseType.TOKEN) && !types.contains(ResponseType.ID_TOKEN)) {
            causes.add(new ApiError.Cause("response_types", "The implicit grant needs the 'token' or 'id_token' response type"));
        }
        return List.copyOf(types);
    }

    private static List<String> uris(String field, List<String> given, ApplicationType type, List<ApiError.Cause> causes) {
        if (given == null) {
            return List.of();
        }
        if (given.size() > MAX_URIS) {
            causes.add(new ApiError.Cause(field, "At most " + MAX_URIS + " URIs can be registered"));
            return List.of();
        }
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (String raw : given) {
            String uri = uri(field, raw, type, causes);
            if (uri != null) {
                out.add(uri);
            }
        }
        return List.copyOf(out);
    }

    /** {@code raw} exactly as given when it can be registered; null (and a cause) when not. */
    private static String uri(String field, String raw, ApplicationType type, List<ApiError.Cause> causes) {
        String problem = uriProblem(raw == null ? "" : raw, type);
        if (problem != null) {
            causes.add(new ApiError.Cause(field, "'" + raw + "' is not allowed: " + problem));
            return null;
        }
        return raw;
    }

    /**
     * Why {@code raw} cannot be registered, or null when it can: absolute, no fragment, no wildcard; https, or
     * http on a loopback host (localhost, 127.0.0.1, [::1]); for native apps also a private-use scheme with a
     * dot in it (RFC 8252 §7.1, e.g. {@code com.example.app:/callback}). The URI is kept exactly as given.
     */
    static String uriProblem(String raw, ApplicationType type) {
        if (raw.length() > MAX_URI) {
            return "it is longer than " + MAX_URI + " characters";
        }
        if (raw.indexOf('*') >= 0) {
            return "wildcards are not supported; register each URI exactly";
        }
        if (raw.indexOf('#') >= 0) {
            return "it must not contain a fragment (#)";
        }
        URI uri;
        try {
            uri = new URI(raw);
        } catch (URISyntaxException e) {
            return "it is not a valid URI";
        }
        if (!uri.isAbsolute()) {
            return "it must be an absolute URI";
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("https") || scheme.equals("http")) {
            if (uri.getHost() == null) {
                return "it must name a host";
            }
            if (uri.getRawUserInfo() != null) {
                return "it must not contain a user name or password";
            }
            if (scheme.equals("http") && !LOOPBACK.contains(uri.getHost().toLowerCase(Locale.ROOT))) {
                return "http is only allowed for localhost, 127.0.0.1 and [::1]; use https";
            }
            return null;
        }
        if (type == ApplicationType.NATIVE && scheme.contains(".")) {
            return null;
        }
        return "the scheme must be https (or http for localhost, 127.0.0.1 and [::1])"
                + (type == ApplicationType.NATIVE ? ", or a private-use scheme such as com.example.app" : "");
    }

    private static void wildcardRedirect(String wire, List<ApiError.Cause> causes) {
        if (wire == null || wire.equals("DISABLED")) {
            return;
        }
        causes.add(new ApiError.Cause("wildcard_redirect", wire.equals("SUBDOMAIN")
                ? "'SUBDOMAIN' is not supported: Gatehouse matches redirect URIs exactly; use DISABLED"
                : "'" + wire + "' is invalid. Valid values: [DISABLED]"));
    }

    /** Browser and native apps are public clients ({@code none}); web and service apps keep a secret. */
    private static AuthMethod authMethod(String wire, ApplicationType type, List<ApiError.Cause> causes) {
        AuthMethod fallback = type.publicClient() ? AuthMethod.NONE : AuthMethod.CLIENT_SECRET_BASIC;
        if (wire == null) {
            return fallback;
        }
        AuthMethod method = Wire.parse(AuthMethod.class, wire).orElse(null);
        if (method == null) {
            causes.add(new ApiError.Cause("token_endpoint_auth_method", "'" + wire + "' is "
                    + (wire.equals("client_secret_jwt") || wire.equals("private_key_jwt") ? "not supported by Gatehouse" : "invalid")
                    + ". Valid values: " + Wire.list(AuthMethod.values())));
        } else if (type.publicClient() && method != AuthMethod.NONE) {
            causes.add(new ApiError.Cause("token_endpoint_auth_method", type.description()
                    + " is a public client and cannot keep a client secret; use 'none' with PKCE"));
        } else if (!type.publicClient() && method == AuthMethod.NONE) {
            causes.add(new ApiError.Cause("token_endpoint_auth_method", type.description()
                    + " is a confidential client and authenticates with its client secret; use client_secret_basic or client_secret_post"));
        }
        return method == null ? fallback : method;
    }

    private static boolean pkceRequired(Boolean given, ApplicationType type, List<ApiError.Cause> causes) {
        if (given == null) {
            return type.publicClient();
        }
        if (type.publicClient() && !given) {
            causes.add(new ApiError.Cause("pkce_required", type.description()
                    + " is a public client: pkce_required must be true, as PKCE is what protects its authorization codes"));
        }
        return given;
    }

    /** Not given: the previous values on update, else ROTATE for browser apps and STATIC for the others, leeway 30. */
    private static RefreshToken refreshToken(AppRequest request, ApplicationType type, App previous, List<ApiError.Cause> causes) {
        RefreshToken before = previous != null ? previous.settings().refreshToken()
                : new RefreshToken(type == ApplicationType.BROWSER ? RotationType.ROTATE : RotationType.STATIC, DEFAULT_LEEWAY);
        RotationType rotation = value("refresh_token.rotation_type", RotationType.class, request.refreshTokenRotation(),
                before.rotationType(), causes);
        Integer leeway = request.refreshTokenLeeway();
        if (leeway != null && (leeway < MIN_LEEWAY || leeway > MAX_LEEWAY)) {
            causes.add(new ApiError.Cause("refresh_token.leeway", LEEWAY));
        }
        return new RefreshToken(rotation, leeway == null ? before.leeway() : leeway);
    }

    private static String note(String field, String note, List<ApiError.Cause> causes) {
        if (note != null && note.length() > MAX_NOTE) {
            causes.add(new ApiError.Cause(field, "The field cannot be longer than " + MAX_NOTE + " characters"));
        }
        return blank(note) ? null : note;
    }

    private static <E extends Enum<E> & Wire> E value(String field, Class<E> type, String wire, E fallback,
                                                      List<ApiError.Cause> causes) {
        if (wire == null) {
            return fallback;
        }
        return Wire.parse(type, wire).orElseGet(() -> {
            causes.add(new ApiError.Cause(field, "'" + wire + "' is invalid. Valid values: " + Wire.list(type.getEnumConstants())));
            return fallback;
        });
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String lower(String description) {
        return Character.toLowerCase(description.charAt(0)) + description.substring(1);
    }
}
