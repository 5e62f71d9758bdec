package dev.gatehouse.config;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import org.slf4j.LoggerFactory;

/** Switches the console log (the access log included) to one JSON object per line when asked ({@code GATEHOUSE_LOG_FORMAT=json}). */
public final class Logging {

    private Logging() {
    }

    public static void apply(GatehouseConfig.LogFormat format) {
        if (format != GatehouseConfig.LogFormat.JSON || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        var root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(context);
        encoder.start();
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.setTarget("System.err");
        appender.start();
        root.addAppender(appender);
        // The access log has its own asynchronous appender (logback.xml); it writes JSON too, still off the request thread.
        var access = context.getLogger("gatehouse.access");
        access.detachAndStopAllAppenders();
        AsyncAppender async = new AsyncAppender();
        async.setContext(context);
        async.setName("ACCESS");
        async.setQueueSize(8192);
        async.setDiscardingThreshold(0);
        async.addAppender(appender);
        async.start();
        access.addAppender(async);
    }
}
