package dev.gatehouse.support;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real SMTP server in the test JVM (GreenMail) on a free port of 127.0.0.1, for one test class: start it in
 * {@code @BeforeAll}, hand {@link #serverArgs()} to {@link TestServer#start} (or {@link #env()} to a {@link NodeProcess}),
 * close it in {@code @AfterAll}. It can be stopped and started again on the same port (an SMTP outage).
 *
 * <pre>
 * mail = TestMail.start();
 * server = TestServer.start(database, mail.serverArgs());
 * ...
 * MimeMessage m = mail.awaitMessages("ann@example.com", 1).get(0);
 * String link = TestMail.firstLink(m);
 * </pre>
 */
public final class TestMail implements AutoCloseable {

    private static final Pattern LINK = Pattern.compile("https?://[^\\s\"'<>]+");
    private static final Pattern CODE = Pattern.compile("(?<![0-9])[0-9]{6}(?![0-9])");

    static {
        // The outbox's worker is woken after each commit; polling only matters for retries after a test moves the clock.
        System.setProperty("gatehouse.mail.pollMillis", "250");
    }

    public final int port;
    private GreenMail greenMail;

    private TestMail(int port) {
        this.port = port;
    }

    /** A running SMTP server on a free port. */
    public static TestMail start() {
        TestMail m = new TestMail(TestServer.freePort());
        m.startServer();
        return m;
    }

    /** An SMTP server on a free port that is NOT running yet (Gatehouse's messages to it fail until {@link #startServer()}). */
    public static TestMail notStarted() {
        return new TestMail(TestServer.freePort());
    }

    public synchronized void startServer() {
        if (greenMail == null || !greenMail.isRunning()) {
            greenMail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
            greenMail.start();
        }
    }

    /** Stops the server (its messages are lost): Gatehouse's sends fail until {@link #startServer()}. */
    public synchronized void stopServer() {
        if (greenMail != null) {
            greenMail.stop();
            greenMail = null;
        }
    }

    /** TestServer arguments pointing Gatehouse at this server (plain SMTP, no TLS, no authentication). */
    public String[] serverArgs() {
        return new String[]{"--smtp-host", "127.0.0.1", "--smtp-port", Integer.toString(port), "--smtp-tls", "none",
                "--smtp-from", "Gatehouse <noreply@gatehouse.test>"};
    }

    /** The same as environment variables, for a {@link NodeProcess}. */
    public Map<String, String> env() {
        return Map.of("GATEHOUSE_SMTP_HOST", "127.0.0.1", "GATEHOUSE_SMTP_PORT", Integer.toString(port), "GATEHOUSE_SMTP_TLS", "none",
                "GATEHOUSE_SMTP_FROM", "Gatehouse <noreply@gatehouse.test>");
    }

    /** Every message received so far (one per recipient). */
    public synchronized List<MimeMessage> messages() {
        return greenMail == null ? List.of() : Arrays.asList(greenMail.getReceivedMessages());
    }

    /** The messages received so far for {@code address} (To, case-insensitive), oldest first. */
    public List<MimeMessage> messagesTo(String address) {
        List<MimeMessage> out = new ArrayList<>();
        for (MimeMessage m : messages()) {
            if (to(m).equalsIgnoreCase(address)) {
                out.add(m);
            }
        }
        return out;
    }

    /** Waits (up to 20 s) until {@code address} has at least {@code n} messages; fails the test otherwise. */
    public List<MimeMessage> awaitMessages(String address, int n) {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            List<MimeMessage> got = messagesTo(address);
            if (got.size() >= n) {
                return got;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Expected " + n + " email(s) to " + address + " within 20 s, got " + got.size()
                        + " (all recipients: " + messages().stream().map(TestMail::to).toList() + ")");
            }
            sleep(50);
        }
    }

    /** The newest message to {@code address}, waiting for it (up to 20 s). */
    public MimeMessage awaitOne(String address) {
        List<MimeMessage> got = awaitMessages(address, 1);
        return got.get(got.size() - 1);
    }

    /** Forgets every message received so far. */
    public synchronized void clear() {
        if (greenMail != null) {
            greenMail.reset();
        }
    }

    /** The (first) To address. */
    public static String to(MimeMessage m) {
        try {
            Address[] a = m.getRecipients(Message.RecipientType.TO);
            return a == null || a.length == 0 ? "" : ((InternetAddress) a[0]).getAddress().toLowerCase(Locale.ROOT);
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String subject(MimeMessage m) {
        try {
            return m.getSubject();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The text/plain part. */
    public static String text(MimeMessage m) {
        return part(m, "text/plain");
    }

    /** The text/html part. */
    public static String html(MimeMessage m) {
        return part(m, "text/html");
    }

    /** The first http(s) link of the plain text part. */
    public static String firstLink(MimeMessage m) {
        Matcher x = LINK.matcher(text(m));
        if (!x.find()) {
            throw new AssertionError("No link in the email's text: " + text(m));
        }
        return x.group().replaceAll("[).,;:!?]+$", "");
    }

    /** The first six-digit code of the plain text part. */
    public static String code(MimeMessage m) {
        Matcher x = CODE.matcher(text(m));
        if (!x.find()) {
            throw new AssertionError("No six-digit code in the email's text: " + text(m));
        }
        return x.group();
    }

    private static String part(MimeMessage m, String type) {
        try {
            String found = find(m.getContent(), m.getContentType(), type);
            if (found == null) {
                throw new AssertionError("The email has no " + type + " part");
            }
            return found.replace("\r\n", "\n");
        } catch (MessagingException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String find(Object content, String contentType, String type) throws MessagingException, IOException {
        if (content instanceof Multipart mp) {
            for (int i = 0; i < mp.getCount(); i++) {
                BodyPart p = mp.getBodyPart(i);
                String f = find(p.getContent(), p.getContentType(), type);
                if (f != null) {
                    return f;
                }
            }
            return null;
        }
        return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith(type) && content instanceof String s ? s : null;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        stopServer();
    }
}
