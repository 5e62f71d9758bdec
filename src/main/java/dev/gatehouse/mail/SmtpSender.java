package dev.gatehouse.mail;

import dev.gatehouse.config.MailSettings;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

import java.io.UnsupportedEncodingException;
import java.time.Instant;
import java.util.Date;
import java.util.Properties;

/**
 * Hands one message to the SMTP server of {@link MailSettings} with Angus Mail (Jakarta Mail): multipart/alternative,
 * plain text then HTML, UTF-8. STARTTLS is required when asked for (no silent fallback to clear text); TLS is implicit
 * TLS (smtps, e.g. port 465); both verify the server's certificate and host name. Connect, read and write time out
 * after {@link #TIMEOUT_MS}, so a hung server costs the worker seconds, never a request.
 */
final class SmtpSender {

    static final int TIMEOUT_MS = 10_000;

    private final MailSettings settings;
    private final Session session;
    private final String protocol;

    SmtpSender(MailSettings settings) {
        this.settings = settings;
        this.protocol = settings.tls() == MailSettings.Tls.TLS ? "smtps" : "smtp";
        Properties p = new Properties();
        String k = "mail." + protocol + ".";
        p.put(k + "host", settings.smtpHost().orElseThrow());
        p.put(k + "port", Integer.toString(settings.smtpPort()));
        p.put(k + "connectiontimeout", Integer.toString(TIMEOUT_MS));
        p.put(k + "timeout", Integer.toString(TIMEOUT_MS));
        p.put(k + "writetimeout", Integer.toString(TIMEOUT_MS));
        p.put(k + "auth", Boolean.toString(settings.smtpUser().isPresent()));
        if (settings.tls() == MailSettings.Tls.STARTTLS) {
            p.put(k + "starttls.enable", "true");
            p.put(k + "starttls.required", "true");
        }
        if (settings.tls() != MailSettings.Tls.NONE) {
            p.put(k + "ssl.checkserveridentity", "true");
        }
        this.session = Session.getInstance(p);
    }

    /** Sends, or throws saying why (the outbox records the message and retries). */
    void send(String to, String toName, String subject, String text, String html, Instant date) throws MessagingException {
        MimeMessage m = new MimeMessage(session);
        m.setFrom(address(settings.from()));
        try {
            m.setRecipient(Message.RecipientType.TO, toName == null || toName.isBlank()
                    ? new InternetAddress(to, true) : new InternetAddress(to, toName, "UTF-8"));
        } catch (UnsupportedEncodingException e) {
            throw new MessagingException("UTF-8 is not supported", e);
        }
        m.setSubject(subject, "UTF-8");
        m.setSentDate(Date.from(date));
        MimeBodyPart plain = new MimeBodyPart();
        plain.setText(text, "UTF-8", "plain");
        MimeBodyPart rich = new MimeBodyPart();
        rich.setText(html, "UTF-8", "html");
        MimeMultipart alternative = new MimeMultipart("alternative");
        alternative.addBodyPart(plain);
        alternative.addBodyPart(rich);
        m.setContent(alternative);
        m.saveChanges();
        try (Transport t = session.getTransport(protocol)) {
            t.connect(settings.smtpHost().orElseThrow(), settings.smtpPort(), settings.smtpUser().orElse(null),
                    settings.smtpPassword().orElse(null));
            t.sendMessage(m, m.getAllRecipients());
        }
    }

    private static InternetAddress address(String from) throws MessagingException {
        InternetAddress[] a = InternetAddress.parse(from, true);
        if (a.length != 1) {
            throw new MessagingException("GATEHOUSE_SMTP_FROM must be one address (got '" + from + "').");
        }
        return a[0];
    }
}
