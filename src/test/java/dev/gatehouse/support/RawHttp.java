package dev.gatehouse.support;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a bare socket, for what {@link java.net.http.HttpClient} refuses to send: broken request lines and
 * headers, invented methods, oversized URIs, a request left half-written. Plain or TLS.
 */
public final class RawHttp {

    /** A parsed response: status, headers (names in lower case, values in order), body as ISO-8859-1 text. */
    public record Reply(int status, Map<String, List<String>> headers, String body) {
        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : values.getFirst();
        }
    }

    private RawHttp() {
    }

    public static Socket plain(int port) {
        try {
            Socket s = new Socket();
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            s.setSoTimeout(10_000);
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Socket tls(SSLContext context, int port) {
        try {
            SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket();
            s.connect(new InetSocketAddress("localhost", port), 5_000);
            s.setSoTimeout(10_000);
            s.startHandshake();
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code request} (ISO-8859-1, sent as is) on a new connection and reads one response. */
    public static Reply exchange(Socket socket, String request) {
        try (socket) {
            write(socket, request);
            return read(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void write(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    /** One response: status line, headers, then a body of Content-Length bytes, chunks, or everything until EOF. */
    public static Reply read(InputStream in) throws IOException {
        String statusLine = line(in);
        if (statusLine == null) {
            throw new IOException("the connection closed before a response");
        }
        int status = Integer.parseInt(statusLine.split(" ", 3)[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
            int colon = h.indexOf(':');
            headers.computeIfAbsent(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(h.substring(colon + 1).trim());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        List<String> length = headers.get("content-length");
        List<String> encoding = headers.get("transfer-encoding");
        if (length != null) {
            body.write(in.readNBytes(Integer.parseInt(length.getFirst())));
        } else if (encoding != null && encoding.getFirst().contains("chunked")) {
            for (int size = Integer.parseInt(line(in).trim(), 16); size > 0; size = Integer.parseInt(line(in).trim(), 16)) {
                body.write(in.readNBytes(size));
                line(in);
            }
        } else if (status >= 200 && status != 204 && status != 304) {
            try {
                in.transferTo(body);
            } catch (SocketTimeoutException ignored) {
                // what came is what there is
            }
        }
        return new Reply(status, headers, body.toString(StandardCharsets.ISO_8859_1));
    }

    /** Whether the server closed the connection: a read that ends (or is reset) rather than times out. */
    public static boolean closedByServer(Socket socket) {
        try {
            return socket.getInputStream().read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c != -1; c = in.read()) {
            if (c == '\n') {
                String s = b.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }
}
