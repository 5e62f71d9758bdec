package dev.gatehouse.orgfile;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code gatehouse org plan|apply|export} (issue #22): an org file against a running server, through its management API
 * ({@code --url}, default GATEHOUSE_BASE_URL or http://localhost:9000; {@code --token}, default GATEHOUSE_API_TOKEN).
 * Exit codes: 0 done (plan: nothing to change), 1 plan: something would change, 2 the file or the server refused.
 */
@Command(name = "org", description = "The org as code: plan, apply or export an org file against a running server.",
        subcommands = {OrgCommand.Plan.class, OrgCommand.Apply.class, OrgCommand.Export.class})
public final class OrgCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        System.out.println("Usage: gatehouse org plan FILE | apply FILE | export [--out FILE]   (each with --url URL --token TOKEN)");
        return 2;
    }

    abstract static class Connected {
        @Option(names = "--url", description = "the server's base URL (default: GATEHOUSE_BASE_URL, else http://localhost:9000)")
        String url;
        @Option(names = "--token", description = "an API token of a super admin (default: GATEHOUSE_API_TOKEN)")
        String token;

        ManagementClient client() {
            String base = url != null ? url : System.getenv().getOrDefault("GATEHOUSE_BASE_URL", "http://localhost:9000");
            String t = token != null ? token : System.getenv("GATEHOUSE_API_TOKEN");
            if (t == null || t.isBlank()) {
                throw new ManagementClient.Refused(0, "an API token is needed: --token or GATEHOUSE_API_TOKEN");
            }
            return new ManagementClient(base, t);
        }
    }

    /** A command on an org file: plan shows what applying it would change, apply makes the changes. */
    abstract static class OnFile extends Connected implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "FILE")
        Path file;

        abstract boolean applies();

        @Override
        public Integer call() {
            return run(this, file, applies(), System.out, System.err);
        }
    }

    @Command(name = "plan", description = "Show what applying the file would change; changes nothing.")
    static final class Plan extends OnFile {
        @Override
        boolean applies() {
            return false;
        }
    }

    @Command(name = "apply", description = "Apply the file: create and update what it lists (delete what it does not, with prune: true).")
    static final class Apply extends OnFile {
        @Override
        boolean applies() {
            return true;
        }
    }

    @Command(name = "export", description = "Write the org as an org file (no secrets, no passwords; hashes only with --with-password-hashes).")
    static final class Export extends Connected implements Callable<Integer> {
        @Option(names = "--out", description = "the file to write (default: standard output)")
        Path out;
        @Option(names = "--with-password-hashes", description = "also each person's password hash (each read is in the System Log)")
        boolean hashes;

        @Override
        public Integer call() {
            try {
                String yaml = new OrgExport(client(), hashes).yaml();
                if (out == null) {
                    System.out.print(yaml);
                } else {
                    Files.writeString(out, yaml);
                    System.out.println("Wrote " + out);
                }
                return 0;
            } catch (ManagementClient.Refused e) {
                System.err.println("gatehouse: " + e.getMessage());
                return 2;
            } catch (java.io.IOException e) {
                System.err.println("gatehouse: cannot write " + out + ": " + e.getMessage());
                return 2;
            }
        }
    }

    static int run(Connected c, Path file, boolean apply, PrintStream out, PrintStream err) {
        try {
            OrgFile org = OrgFile.read(file);
            OrgSync sync = new OrgSync(c.client());
            OrgSync.Plan plan = sync.plan(org);
            if (!plan.problems().isEmpty()) {
                err.println("gatehouse: " + OrgAtStart.message("The org file " + file + " cannot be applied", plan.problems()));
                return 2;
            }
            plan.changes().forEach(ch -> out.println((ch.action() == OrgSync.Action.NOTHING ? "  " : "~ ") + ch));
            if (!apply) {
                out.println(plan.changesSomething() ? "Applying it would make the changes marked ~." : "Nothing to change.");
                return plan.changesSomething() ? 1 : 0;
            }
            sync.apply(plan);
            out.println(plan.changesSomething() ? "Applied." : "Nothing to change.");
            return 0;
        } catch (OrgFile.Invalid e) {
            err.println("gatehouse: " + OrgAtStart.message("The org file " + file + " cannot be applied", e.problems()));
            return 2;
        } catch (OrgSync.Refused | ManagementClient.Refused e) {
            err.println("gatehouse: " + e.getMessage());
            return 2;
        }
    }
}
