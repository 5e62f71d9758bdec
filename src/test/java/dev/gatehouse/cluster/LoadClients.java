package dev.gatehouse.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.support.OAuthFlow;
import dev.gatehouse.support.OktaSchema;
import dev.gatehouse.support.TestServer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The clients of {@link CrashSafetyTest}: each runs on a thread of its own until told to stop, sends every request to
 * the node the {@link Supplier} names (round robin), and writes down in the {@link Ledger} exactly what the server
 * acknowledged. A request that got no answer (connection refused, reset by the kill, timed out) is not acknowledged:
 * the client retries it later, as a real client would. Every answer that is neither the expected success nor
 * allowed by the rules is a violation.
 */
final class LoadClients {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String REQUEST_ID = "X-Okta-Request-Id";

    private LoadClients() {
    }

    /** What the servers acknowledged during the load, and what went wrong. */
    static final class Ledger {
        final Queue<String> grantRequestIds = new ConcurrentLinkedQueue<>();
        /** Client-credentials grants answered 200: their token has no row, their System Log event is their record (issue #23). */
        final Queue<String> serviceGrantRequestIds = new ConcurrentLinkedQueue<>();
        final Queue<String> signInRequestIds = new ConcurrentLinkedQueue<>();
        final Queue<String> sessionCookies = new ConcurrentLinkedQueue<>();
        final Queue<String> userCreateRequestIds = new ConcurrentLinkedQueue<>();
        final Queue<String> userIds = new ConcurrentLinkedQueue<>();
        final Queue<String> violations = new ConcurrentLinkedQueue<>();
        final AtomicInteger unanswered = new AtomicInteger();
        final AtomicInteger requests = new AtomicInteger();
    }

    /**
     * Sends a request; null when no answer came (the node is down or died while answering). An /api/v1 answer that does
     * not conform to Okta's schema (OktaSchema, issue #24) is a violation of the ledger, as the load threads do not throw.
     */
    static HttpResponse<String> send(HttpClient http, Ledger ledger, HttpRequest.Builder request) {
        ledger.requests.incrementAndGet();
        try {
            HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
            try {
                OktaSchema.check(r.request().method(), r.request().uri(), r.statusCode(), r.headers(), r.body());
            } catch (AssertionError nonConforming) {
                ledger.violations.add(nonConforming.getMessage());
            }
            return r;
        } catch (IOException e) {
            ledger.unanswered.incrementAndGet();
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    static HttpRequest.Builder form(String url, String... fields) {
        return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(OAuthFlow.encode(fields)));
    }

    static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("Not JSON: " + body, e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(20);   // a refused connection answers at once: do not spin while a node restarts
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * One SPA keeping one refresh-token family alive: refresh with the token it holds, keep the new one when the answer
     * comes. The rule it relies on: the token it holds always refreshes, because either it was never used, or its
     * only use was a refresh whose answer was lost, and the retry comes within the grace period ({@code leeway}) of
     * that use. If the retry comes later than {@code leeway} after the unanswered attempt was sent, reuse detection
     * may legitimately revoke the family: the chain then ends as {@link #reuseAfterGrace}.
     */
    static final class RefreshChain implements Runnable {
        final String clientId;
        final Duration leeway;
        private final HttpClient http;
        private final Ledger ledger;
        private final Supplier<String> nodes;
        private final AtomicBoolean stop;
        volatile String current;
        volatile long unansweredSince = -1;   // System.nanoTime() of the first unanswered attempt with `current`
        volatile boolean reuseAfterGrace;
        /** What this chain was given, in order: its refresh tokens (the first from the code exchange) and access tokens. */
        final Queue<String> refreshTokens = new ConcurrentLinkedQueue<>();
        final Queue<String> accessTokens = new ConcurrentLinkedQueue<>();

        RefreshChain(String clientId, String refreshToken, Duration leeway, HttpClient http, Ledger ledger, Supplier<String> nodes,
                     AtomicBoolean stop) {
            this.clientId = clientId;
            this.current = refreshToken;
            this.refreshTokens.add(refreshToken);
            this.leeway = leeway;
            this.http = http;
            this.ledger = ledger;
            this.nodes = nodes;
            this.stop = stop;
        }

        @Override
        public void run() {
            while (!stop.get() && !reuseAfterGrace) {
                refreshOnce(nodes.get());
            }
        }

        /** One refresh attempt on {@code node}; true when it was answered with new tokens. */
        boolean refreshOnce(String node) {
            long sent = System.nanoTime();
            HttpResponse<String> r = send(http, ledger, form(node + "/oauth2/default/v1/token", "grant_type", "refresh_token",
                    "client_id", clientId, "refresh_token", current));
            if (r == null) {
                if (unansweredSince < 0) {
                    unansweredSince = sent;
                }
                pause();
                return false;
            }
            if (r.statusCode() == 200) {
                JsonNode body = json(r.body());
                current = body.get("refresh_token").asText();
                refreshTokens.add(current);
                accessTokens.add(body.get("access_token").asText());
                r.headers().firstValue(REQUEST_ID).ifPresentOrElse(ledger.grantRequestIds::add,
                        () -> ledger.violations.add("a token response without " + REQUEST_ID));
                unansweredSince = -1;
                return true;
            }
            boolean pastGrace = unansweredSince >= 0 && Duration.ofNanos(System.nanoTime() - unansweredSince).compareTo(leeway) > 0;
            if (r.statusCode() == 400 && r.body().contains("invalid_grant") && pastGrace) {
                reuseAfterGrace = true;
                return false;
            }
            ledger.violations.add("refresh on " + node + " of the last acknowledged token of " + clientId + ": " + r.statusCode() + " "
                    + r.body() + (unansweredSince >= 0 ? " (after an unanswered attempt "
                    + Duration.ofNanos(System.nanoTime() - unansweredSince).toMillis() + " ms ago)" : ""));
            stop.set(true);   // a broken chain makes the rest of the run meaningless: stop and report
            return false;
        }
    }

    /** Signs in at the hosted page again and again (a new browser each time): form from one node, post to the next. */
    static final class SignIns implements Runnable {
        private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
        private final String login;
        private final String password;
        private final HttpClient http;
        private final Ledger ledger;
        private final Supplier<String> nodes;
        private final AtomicBoolean stop;

        SignIns(String login, String password, HttpClient http, Ledger ledger, Supplier<String> nodes, AtomicBoolean stop) {
            this.login = login;
            this.password = password;
            this.http = http;
            this.ledger = ledger;
            this.nodes = nodes;
            this.stop = stop;
        }

        @Override
        public void run() {
            while (!stop.get()) {
                HttpResponse<String> page = send(http, ledger, HttpRequest.newBuilder(URI.create(nodes.get() + "/signin")).GET());
                if (page == null) {
                    pause();
                    continue;
                }
                Matcher m = CSRF.matcher(page.body());
                if (page.statusCode() != 200 || !m.find()) {
                    ledger.violations.add("GET /signin: " + page.statusCode());
                    continue;
                }
                String csrf = m.group(1);
                String node = nodes.get();
                String pre = cookie(page, "gh_pre");
                HttpResponse<String> r = send(http, ledger, form(node + "/signin", "csrf", csrf, "username", login, "password", password,
                        "fromURI", "/").header("Cookie", "gh_pre=" + pre));
                if (r == null) {
                    pause();
                    continue;
                }
                String sid = cookie(r, "sid");
                if (r.statusCode() != 303 || sid == null) {
                    ledger.violations.add("POST /signin on " + node + ": " + r.statusCode() + " " + r.body());
                    continue;
                }
                ledger.sessionCookies.add(sid);
                r.headers().firstValue(REQUEST_ID).ifPresent(ledger.signInRequestIds::add);
            }
        }

        private static String cookie(HttpResponse<String> r, String name) {
            for (String set : r.headers().allValues("Set-Cookie")) {
                if (set.startsWith(name + "=")) {
                    String v = set.substring(name.length() + 1).split(";", 2)[0];
                    return v.isEmpty() ? null : v;
                }
            }
            return null;
        }
    }

    /** Creates users through the management API (without a password: the write, not Argon2, is under test). */
    static final class UserWrites implements Runnable {
        private final HttpClient http;
        private final Ledger ledger;
        private final Supplier<String> nodes;
        private final AtomicBoolean stop;
        private final String prefix;

        UserWrites(String prefix, HttpClient http, Ledger ledger, Supplier<String> nodes, AtomicBoolean stop) {
            this.prefix = prefix;
            this.http = http;
            this.ledger = ledger;
            this.nodes = nodes;
            this.stop = stop;
        }

        @Override
        public void run() {
            int n = 0;
            while (!stop.get()) {
                String login = prefix + "-" + (n++) + "@crash.example";
                String body = "{\"profile\":{\"firstName\":\"Crash\",\"lastName\":\"Load\",\"email\":\"" + login + "\",\"login\":\"" + login + "\"}}";
                String node = nodes.get();
                HttpResponse<String> r = send(http, ledger, HttpRequest.newBuilder(URI.create(node + "/api/v1/users?activate=false"))
                        .header("Authorization", "SSWS " + TestServer.API_TOKEN).header("Accept", "application/json")
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
                if (r == null) {
                    pause();
                    continue;   // unanswered: this login may or may not exist; the next attempt uses a new one
                }
                if (r.statusCode() != 200) {
                    ledger.violations.add("POST /api/v1/users on " + node + ": " + r.statusCode() + " " + r.body());
                    continue;
                }
                ledger.userIds.add(json(r.body()).get("id").asText());
                r.headers().firstValue(REQUEST_ID).ifPresent(ledger.userCreateRequestIds::add);
            }
        }
    }

    /**
     * A service app getting client-credentials tokens: each grant's only write is its System Log event, committed in a
     * batch with those of the grants waiting at the same moment (EventBatcher); an acknowledged one must have its event.
     */
    static final class ServiceGrants implements Runnable {
        private final HttpClient http;
        private final Ledger ledger;
        private final Supplier<String> nodes;
        private final AtomicBoolean stop;
        private final String basic;
        private final String scope;

        ServiceGrants(String clientId, String secret, String scope, HttpClient http, Ledger ledger, Supplier<String> nodes, AtomicBoolean stop) {
            this.basic = OAuthFlow.basic(clientId, secret);
            this.scope = scope;
            this.http = http;
            this.ledger = ledger;
            this.nodes = nodes;
            this.stop = stop;
        }

        @Override
        public void run() {
            while (!stop.get()) {
                String node = nodes.get();
                HttpResponse<String> r = send(http, ledger, form(node + "/oauth2/default/v1/token", "grant_type", "client_credentials", "scope", scope)
                        .header("Authorization", basic));
                if (r == null) {
                    pause();
                    continue;
                }
                if (r.statusCode() != 200 || !json(r.body()).has("access_token")) {
                    ledger.violations.add("client credentials on " + node + ": " + r.statusCode() + " " + r.body());
                    continue;
                }
                r.headers().firstValue(REQUEST_ID).ifPresent(ledger.serviceGrantRequestIds::add);
            }
        }
    }

    /** Round robin over the nodes, shared by every client of a run. */
    static Supplier<String> roundRobin(List<String> nodes) {
        AtomicInteger next = new AtomicInteger();
        return () -> nodes.get(Math.floorMod(next.getAndIncrement(), nodes.size()));
    }
}
