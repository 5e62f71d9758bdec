package dev.gatehouse.http;

import dev.gatehouse.storage.Ids;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The responses Jetty writes itself, before Javalin sees the request: a request line or header Jetty cannot parse
 * (400), a URI too long (414), headers too large (431), an HTTP version it does not speak (505), and any other error
 * Jetty answers on its own. Jetty's default page names Jetty, echoes its parser's message and carries none of
 * Gatehouse's headers; this one carries exactly the headers of {@link HttpServer}'s filter ({@link SecurityHeaders}),
 * an {@code X-Okta-Request-Id}, and a two-line text body with the status and that id, nothing else. The access log
 * gets a line with the id and Jetty's reason, so the id on the client's screen leads to the cause.
 *
 * <p>Installed as the server's error handler: Jetty 12 calls it for bad messages (verified against 12.1 with raw
 * sockets: illegal characters, 414, 431, a missing Host, conflicting Content-Length/Transfer-Encoding, 505), and the
 * servlet context has no handler of its own, so errors there come here too.
 */
final class JettyErrors extends ErrorHandler {

    private static final Logger ACCESS = LoggerFactory.getLogger("gatehouse.access");

    private final Ids ids;

    JettyErrors(Ids ids) {
        this.ids = ids;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = response.getStatus();
        String id = ids.base62(27);
        HttpFields.Mutable headers = response.getHeaders();
        // Keep what Jetty decided about the connection (Connection: close after a bad message); replace the rest.
        HttpField connection = headers.getField(HttpHeader.CONNECTION);
        headers.clear();
        if (connection != null) {
            headers.put(connection);
        }
        SecurityHeaders.apply(overTls(request), headers::put);
        headers.put(Edge.REQUEST_ID_HEADER, id);
        Object reason = request.getAttribute(ERROR_MESSAGE);
        ACCESS.info("{} {} {} id={} ip={} (answered by Jetty: {})", bounded(request.getMethod()), bounded(HttpServer.loggedPath(request.getHttpURI().getPath())),
                status, id, Request.getRemoteAddr(request), bounded(String.valueOf(reason)));
        if (HttpStatus.hasNoBody(status) || HttpMethod.HEAD.is(request.getMethod())) {
            response.write(true, null, callback);
            return true;
        }
        headers.put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        String message = HttpStatus.getMessage(status);
        byte[] body = (status + " " + message + "\nRequest id: " + id + "\n").getBytes(StandardCharsets.UTF_8);
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }

    /**
     * Whether the request came over TLS. {@code Request.isSecure()} is false for a request Jetty could not parse (the
     * secure customizer never ran), so the connector decides: the HTTPS one has a TLS connection factory.
     */
    private static boolean overTls(Request request) {
        return request.isSecure() || request.getConnectionMetaData().getConnector().getConnectionFactory(SslConnectionFactory.class) != null;
    }

    /** Only our own log sees these; still, a request line can be 8 KB of anything. */
    private static String bounded(String s) {
        if (s == null) {
            return "-";
        }
        String clean = s.codePoints().map(c -> c < 0x20 || c == 0x7f ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return clean.length() <= 200 ? clean : clean.substring(0, 200) + "…";
    }
}
