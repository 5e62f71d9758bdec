package dev.gatehouse.junit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A sign-in as a browser and an app do it, over HTTP against the running server, with a browser's cookie jar and no
 * automatic redirects: {@code /authorize} (code flow, PKCE S256, state and nonce) sends the browser to the hosted sign-in
 * page; its form is filled in and posted; the server sends the browser back to {@code /authorize}, which redirects to the
 * app's first registered redirect URI with a code; the app exchanges it at {@code /token} with the verifier (and its
 * secret, for a confidential client). The app's redirect URI and kind are read through the management API.
 */
final class HostedSignIn implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern NEXT = Pattern.compile("<([^>]+)>;\\s*rel=\"next\"");
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    private static final Pattern ALERT = Pattern.compile("<p class=\"alert\"[^>]*>(.*?)</p>", Pattern.DOTALL);
    private static final Pattern TITLE = Pattern.compile("<h1[^>]*>(.*?)</h1>\\s*(?:<p[^>]*>(.*?)</p>)?", Pattern.DOTALL);
    private static final int MAX_HOPS = 10;

    private final String base;
    private final String apiToken;
    private final Map<String, String> secrets;
    private final HttpClient http;

    /**
     * @param secrets the confidential clients' secrets by client id that this server's sign-ins made (Gatehouse generates
     *                a secret and shows it once, so the extension makes one of its own the first time, and keeps it)
     */
    HostedSignIn(String base, String apiToken, Map<String, String> secrets) {
        this.base = base;
        this.apiToken = apiToken;
        this.secrets = secrets;
        CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ORIGINAL_SERVER);
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).cookieHandler(cookies)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** The app as the sign-in needs it: where the code goes, and how the client authenticates at /token. */
    private record App(String id, String label, String clientId, List<String> redirectUris, String authMethod) {
        String redirectUri() {
            if (redirectUris.isEmpty()) {
                throw new SignInException("setup", 0, label + " (" + clientId + ") has no settings.oauthClient.redirect_uris: "
                        + "the code of a sign-in is sent to the first of them");
            }
            return redirectUris.getFirst();
        }
    }

    /** A secret of this confidential client: the one made for it earlier, else a new one (which replaces the app's old one). */
    String clientSecret(String clientId) {
        App app = app(clientId);
        if (app.authMethod().equals("none")) {
            throw new SignInException("setup", 0, app.label() + " (" + clientId + ") is a public client: it has no secret");
        }
        return secrets.computeIfAbsent(clientId, id -> {
            HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base + "/api/v1/apps/" + app.id() + "/credentials/secrets"))
                    .header("Authorization", "SSWS " + apiToken).header("Accept", "application/json")
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")));
            JsonNode body = json(r.body());
            if (r.statusCode() / 100 != 2 || !body.path("client_secret").isTextual()) {
                throw new SignInException("setup", r.statusCode(), "Cannot make a client secret for " + app.label() + " (" + clientId
                        + "): " + r.statusCode() + " " + r.body());
            }
            return body.path("client_secret").asText();
        });
    }

    Tokens signIn(String server, String login, String password, String clientId, String scopes) {
        App app = app(clientId);
        String endpoints = "org".equals(server) ? base + "/oauth2/v1" : base + "/oauth2/" + server + "/v1";
        String verifier = random(32);
        String state = random(16);
        String authorize = endpoints + "/authorize?" + form(params(
                "client_id", clientId, "redirect_uri", app.redirectUri(), "response_type", "code", "scope", scopes,
                "state", state, "nonce", random(16), "code_challenge", challenge(verifier), "code_challenge_method", "S256"));
        Map<String, String> callback = browse(URI.create(authorize), app, login, password);
        if (callback.containsKey("error")) {
            throw new SignInException("authorize", 302, "Gatehouse refused to sign " + login + " in to " + app.label() + " ("
                    + clientId + "): " + callback.get("error") + (callback.containsKey("error_description")
                    ? ": " + callback.get("error_description") : ""));
        }
        if (!state.equals(callback.get("state")) || !callback.containsKey("code")) {
            throw new SignInException("authorize", 302, "The redirect to " + app.redirectUri() + " has no code for this request: " + callback);
        }
        return exchange(endpoints + "/token", app, callback.get("code"), verifier, login);
    }

    /** Follows the browser's redirects from /authorize, signing in at the hosted page on the way; the callback's query. */
    private Map<String, String> browse(URI start, App app, String login, String password) {
        URI at = start;
        boolean signedIn = false;
        for (int hop = 0; hop < MAX_HOPS; hop++) {
            HttpResponse<String> r = send(HttpRequest.newBuilder(at).GET());
            Optional<URI> next = location(at, r);
            if (next.isEmpty()) {
                throw new SignInException(at.getPath().endsWith("/authorize") ? "authorize" : "sign-in", r.statusCode(),
                        "Gatehouse answered " + r.statusCode() + " at " + at.getPath() + " instead of sending the browser on: "
                                + describe(r.body()));
            }
            URI to = next.get();
            if (isCallback(to, app.redirectUri())) {
                return query(to.getRawQuery() != null ? to.getRawQuery() : to.getRawFragment());
            }
            if ("/signin".equals(to.getPath()) && sameServer(to) && !signedIn) {
                at = submitSignInForm(to, app, login, password);
                signedIn = true;
            } else {
                at = to;
            }
        }
        throw new SignInException("authorize", 0, "More than " + MAX_HOPS + " redirects from /authorize without reaching "
                + app.redirectUri() + " (last at " + at + ")");
    }

    /** Shows the hosted sign-in page and posts its form; where the server sends the browser next. */
    private URI submitSignInForm(URI page, App app, String login, String password) {
        HttpResponse<String> shown = send(HttpRequest.newBuilder(page).GET());
        Matcher csrf = CSRF.matcher(shown.body());
        if (shown.statusCode() != 200 || !csrf.find()) {
            throw new SignInException("sign-in", shown.statusCode(), "The sign-in page at " + page + " has no form: " + describe(shown.body()));
        }
        String fromUri = query(page.getRawQuery()).getOrDefault("fromURI", "/");
        HttpResponse<String> posted = send(HttpRequest.newBuilder(page.resolve("/signin"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(params("csrf", unescape(csrf.group(1)), "username", login,
                        "password", password, "fromURI", fromUri)))));
        return location(page, posted).orElseThrow(() -> new SignInException("sign-in", posted.statusCode(),
                "Gatehouse did not sign " + login + " in (" + posted.statusCode() + "): " + describe(posted.body())));
    }

    private Tokens exchange(String tokenEndpoint, App app, String code, String verifier, String login) {
        Map<String, String> fields = params("grant_type", "authorization_code", "code", code, "redirect_uri", app.redirectUri(),
                "code_verifier", verifier);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(tokenEndpoint))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json");
        switch (app.authMethod()) {
            case "none" -> fields.put("client_id", app.clientId());
            case "client_secret_basic", "client_secret_post" -> {
                String secret = clientSecret(app.clientId());
                if (app.authMethod().equals("client_secret_post")) {
                    fields.put("client_id", app.clientId());
                    fields.put("client_secret", secret);
                } else {
                    request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                            (enc(app.clientId()) + ":" + enc(secret)).getBytes(StandardCharsets.UTF_8)));
                }
            }
            default -> throw new SignInException("setup", 0, app.label() + " (" + app.clientId() + ") authenticates with "
                    + app.authMethod() + ", which signIn does not do: use a public client (token_endpoint_auth_method: none) "
                    + "or client_secret_basic / client_secret_post");
        }
        HttpResponse<String> r = send(request.POST(HttpRequest.BodyPublishers.ofString(form(fields))));
        JsonNode body = json(r.body());
        if (r.statusCode() != 200) {
            throw new SignInException("token", r.statusCode(), "The code exchange for " + login + " at " + tokenEndpoint + " was refused ("
                    + r.statusCode() + "): " + body.path("error").asText("?") + ": " + body.path("error_description").asText(r.body()));
        }
        return new Tokens(body.path("access_token").asText(), text(body, "id_token"), text(body, "refresh_token"),
                text(body, "scope"), body.path("expires_in").asLong());
    }

    /** The app with this client id, through the management API (every page of {@code GET /api/v1/apps}). */
    private App app(String clientId) {
        String next = base + "/api/v1/apps?limit=200";
        StringBuilder known = new StringBuilder();
        for (int page = 0; next != null && page < 100; page++) {
            HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(next)).header("Authorization", "SSWS " + apiToken)
                    .header("Accept", "application/json").GET());
            if (r.statusCode() != 200) {
                throw new SignInException("setup", r.statusCode(), "GET /api/v1/apps answered " + r.statusCode() + ": " + r.body());
            }
            for (JsonNode a : json(r.body())) {
                String id = a.at("/credentials/oauthClient/client_id").asText("");
                if (id.equals(clientId)) {
                    List<String> redirects = new ArrayList<>();
                    a.at("/settings/oauthClient/redirect_uris").forEach(u -> redirects.add(u.asText()));
                    return new App(a.path("id").asText(), a.path("label").asText(), clientId, redirects,
                            a.at("/credentials/oauthClient/token_endpoint_auth_method").asText("none"));
                }
                if (!id.isEmpty()) {
                    known.append(known.isEmpty() ? "" : ", ").append(id);
                }
            }
            next = r.headers().allValues("Link").stream().map(NEXT::matcher).filter(Matcher::find).map(m -> m.group(1))
                    .findFirst().orElse(null);
        }
        throw new SignInException("setup", 0, "No app with client_id " + clientId + " in this org (its OAuth apps: "
                + (known.isEmpty() ? "none" : known) + ")");
    }

    private boolean sameServer(URI u) {
        URI b = URI.create(base);
        return b.getHost().equalsIgnoreCase(u.getHost()) && b.getPort() == u.getPort();
    }

    private static boolean isCallback(URI to, String redirectUri) {
        String s = to.toString();
        return s.equals(redirectUri) || s.startsWith(redirectUri + "?") || s.startsWith(redirectUri + "#");
    }

    /** Where a redirect sends the browser (resolved against the request's address); empty for any other answer. */
    private static Optional<URI> location(URI at, HttpResponse<String> r) {
        int s = r.statusCode();
        if (s != 301 && s != 302 && s != 303 && s != 307 && s != 308) {
            return Optional.empty();
        }
        return r.headers().firstValue("Location").map(at::resolve);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new SignInException("setup", 0, "Cannot reach Gatehouse at " + base + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SignInException("setup", 0, "Interrupted while talking to Gatehouse");
        }
    }

    /** What a page says went wrong: its alert, else its heading and first paragraph, else the start of its text. */
    @Override
    public void close() {
        http.close();   // its connections too: the server's stop waits for open ones
    }

    private static String describe(String html) {
        Matcher alert = ALERT.matcher(html);
        if (alert.find()) {
            return plain(alert.group(1));
        }
        Matcher title = TITLE.matcher(html);
        if (title.find()) {
            return plain(title.group(1)) + (title.group(2) == null ? "" : ": " + plain(title.group(2)));
        }
        String text = plain(html);
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }

    private static String plain(String html) {
        return unescape(html.replaceAll("<[^>]+>", " ").replaceAll("\\s+", " ").strip());
    }

    private static String unescape(String s) {
        return s.replace("&quot;", "\"").replace("&#34;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">")
                .replace("&amp;", "&");
    }

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }

    private static Map<String, String> params(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return m;
    }

    private static String form(Map<String, String> fields) {
        return fields.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> m = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return m;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            m.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                    eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return m;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String challenge(String verifier) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
