import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;

/**
 * The container image's HEALTHCHECK: exits 0 when Gatehouse in this container answers 200 on /health/ready (the
 * database answers too), 1 otherwise. The image has no shell and no curl, so the check is this class, compiled into
 * the base image by src/image/base-image.sh and run by the image's own java with a small heap. It reads the port and
 * the address the way Gatehouse does, from GATEHOUSE_PORT (default 9000) and GATEHOUSE_BIND (a wildcard address
 * means loopback); a port given as a command-line flag instead of the environment is not seen here.
 * An argument replaces the path, e.g. /health/live.
 */
public final class HealthCheck {

    private HealthCheck() {
    }

    public static void main(String[] args) {
        String path = args.length > 0 ? args[0] : "/health/ready";
        String port = env("GATEHOUSE_PORT", "9000");
        String bind = env("GATEHOUSE_BIND", "127.0.0.1");
        String host = switch (bind) {
            case "0.0.0.0", "", "*" -> "127.0.0.1";
            case "::", "[::]" -> "[::1]";
            default -> bind.contains(":") && !bind.startsWith("[") ? "[" + bind + "]" : bind;
        };
        try {
            URI uri = URI.create("http://" + host + ":" + Integer.parseInt(port.strip()) + path);
            HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection(Proxy.NO_PROXY);
            c.setConnectTimeout(3000);
            c.setReadTimeout(3000);
            c.setInstanceFollowRedirects(false);
            int status = c.getResponseCode();
            System.out.println("GET " + uri + ": " + status);
            System.exit(status == 200 ? 0 : 1);
        } catch (Exception e) {
            System.out.println("GET " + path + " on " + host + ":" + port + " failed: " + e);
            System.exit(1);
        }
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
