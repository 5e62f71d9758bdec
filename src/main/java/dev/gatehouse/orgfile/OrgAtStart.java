package dev.gatehouse.orgfile;

import dev.gatehouse.apitokens.ApiTokens;
import dev.gatehouse.config.ConfigException;
import dev.gatehouse.syslog.EventContext;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * {@code serve --org FILE} (issue #22): after migrations, before the node reports ready, the file is read and checked, its
 * plan computed against the org, and applied through this node's own management API, with an API token of a super admin
 * made for the purpose and revoked after (both in the System Log, as every change). A file with problems stops the start
 * with every one listed and changes nothing; a change the API refuses stops it too, after the changes before it were
 * undone ({@link OrgSync#apply}).
 */
public final class OrgAtStart {

    private OrgAtStart() {
    }

    public static void apply(Path file, String localUrl, ApiTokens tokens, Supplier<Optional<String>> superAdmin) {
        OrgFile org;
        try {
            org = OrgFile.read(file);
        } catch (OrgFile.Invalid e) {
            throw new ConfigException(message("The org file " + file + " cannot be applied", e.problems()));
        }
        String admin = superAdmin.get().orElseThrow(() -> new ConfigException("The org file needs a super admin to apply it; there is none."));
        ApiTokens.Created token = tokens.create(EventContext.system("org-file"), admin, "org file at start");
        ManagementClient api = new ManagementClient(localUrl, token.value());
        try {
            OrgSync sync = new OrgSync(api);
            OrgSync.Plan plan = sync.plan(org);
            if (!plan.problems().isEmpty()) {
                throw new ConfigException(message("The org file " + file + " cannot be applied", plan.problems()));
            }
            try {
                sync.apply(plan);
            } catch (OrgSync.Refused e) {
                throw new ConfigException("The org file " + file + " was refused by the management API: " + e.getMessage());
            }
        } finally {
            try {
                api.delete("/api/v1/api-tokens/current");
            } catch (ManagementClient.Refused ignored) {
                // the token expires with its window anyway; the start's outcome is what matters here
            } finally {
                api.close();   // an open keep-alive connection would hold up the node's stop by a second
            }
        }
    }

    static String message(String head, List<OrgFile.Problem> problems) {
        return head + " (" + problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + "):\n"
                + problems.stream().map(p -> "  - " + p).collect(Collectors.joining("\n"));
    }
}
