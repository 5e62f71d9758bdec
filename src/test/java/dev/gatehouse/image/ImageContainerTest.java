package dev.gatehouse.image;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The image in a real container runtime: loaded from the tarball, started with its defaults (a memory limit, a port
 * published on loopback), answering /health/ready, running as its user, and reported healthy by the runtime's own
 * HEALTHCHECK. Tagged "container": the launcher runs it only where {@code docker info} (or {@code podman info}) answers,
 * and says so when none does; pom.xml leaves the tag out otherwise (gatehouse.excludedGroups). On this project's build
 * machines and CI there is a docker client but no daemon, so it has not run there.
 */
@Tag("container")
class ImageContainerTest {

    @Test
    void theImageStartsInAContainerRuntimeAndItsHealthCheckReportsHealthy() throws Exception {
        String cli = ImageTarball.run(List.of("docker", "info")).startsWith("0 ") ? "docker" : "podman";
        assertThat(ImageTarball.run(List.of(cli, "info"))).as(cli + " info").startsWith("0 ");
        ImageTarball image = ImageTarball.build();

        String loaded = ImageTarball.run(List.of(cli, "load", "-i", image.file.toString()));
        assertThat(loaded).startsWith("0 ").contains("gatehouse:latest");
        String run = ImageTarball.run(List.of(cli, "run", "--detach", "--memory", "1g", "--publish", "127.0.0.1::9000",
                "--env", "GATEHOUSE_ADMIN_PASSWORD=Container-test-1", "gatehouse:latest"));
        assertThat(run).startsWith("0 ");
        String id = run.substring(2).strip().lines().reduce((a, b) -> b).orElseThrow();
        try {
            String published = ImageTarball.run(List.of(cli, "port", id, "9000/tcp"));
            assertThat(published).startsWith("0 ");
            String hostPort = published.substring(2).strip().lines().findFirst().orElseThrow();
            int port = Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));

            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                    .timeout(Duration.ofSeconds(5)).build();
            int status = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);   // a deadline for a hung start only
            while (status != 200 && System.nanoTime() < deadline) {
                try {
                    status = http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode();
                } catch (IOException notYet) {
                    Thread.sleep(500);
                }
            }
            assertThat(status).as("/health/ready through the published port; logs:\n" + ImageTarball.run(List.of(cli, "logs", id)))
                    .isEqualTo(200);

            assertThat(ImageTarball.run(List.of(cli, "top", id, "-o", "uid,args")))
                    .as("the server runs as the image's user").contains("65532").contains("dev.gatehouse.Gatehouse");

            // The runtime's own health check: the first runs one interval (30 s) after the start.
            String health = "";
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
            while (!health.equals("healthy") && System.nanoTime() < deadline) {
                Thread.sleep(1000);
                String inspect = ImageTarball.run(List.of(cli, "inspect", "--format", "{{.State.Health.Status}}", id));
                health = inspect.startsWith("0 ") ? inspect.substring(2).strip() : inspect;
            }
            assertThat(health).as("the runtime's health status of the container").isEqualTo("healthy");
        } finally {
            List<String> rm = new ArrayList<>(List.of(cli, "rm", "--force", id));
            ImageTarball.run(rm);
        }
    }
}
