package dev.gatehouse;

import java.io.PrintStream;

/** What `serve` prints once it listens: where things are, and the first admin's credentials on first start. */
final class Banner {

    private Banner() {
    }

    static void print(PrintStream out, Wiring w) {
        var c = w.config;
        out.println();
        out.println("Gatehouse is ready (" + java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() + " ms after the JVM started"
                + (w.startPhases == null ? "" : ": " + w.startPhases.summary()) + ").");
        out.println("  Admin Console   " + c.consoleUrl());
        out.println("  Issuer          " + c.baseUrl() + "/oauth2/default   (for apps; discovery at /oauth2/default/.well-known/openid-configuration)");
        out.println("  Org issuer      " + c.orgIssuer());
        out.println("  Listening on    http://" + c.bind() + ":" + w.port());
        if (w.httpsPort() > 0) {
            out.println("  HTTPS           https://" + c.bind() + ":" + w.httpsPort());
            w.certificate.ifPresent(p -> out.println("  Certificate     " + p.toAbsolutePath()
                    + (w.certificateGenerated ? "  (self-signed, generated now: trust it as the README says)" : "")));
        }
        out.println("  Database        " + (c.embeddedDatabase() ? "embedded H2 in " + c.dataDir().toAbsolutePath() : "PostgreSQL"));
        var first = w.firstStart;
        if (first.created()) {
            out.println();
            out.println("First super admin created:");
            out.println("  login           " + first.adminLogin());
            first.generatedPassword().ifPresentOrElse(
                    p -> out.println("  password        " + p + "   (shown once; also in "
                            + first.passwordFile().map(f -> f.toAbsolutePath().toString()).orElse("?") + ", mode 0600)"),
                    () -> out.println("  password        the one given in GATEHOUSE_ADMIN_PASSWORD"));
            if (first.apiTokenCreated()) {
                out.println("  API token       the value of GATEHOUSE_API_TOKEN (use: Authorization: SSWS <token>)");
            }
        } else {
            out.println("  First admin     " + first.adminLogin()
                    + first.passwordFile().map(f -> " (initial password in " + f.toAbsolutePath() + ")").orElse(""));
        }
        out.println();
        out.flush();
    }
}
