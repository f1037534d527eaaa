package com.rglimits.config;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/** The messages one class logs at WARN and above while it is open. */
final class CapturedLog implements AutoCloseable {
    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final LoggerContext context = (LoggerContext) LogManager.getContext(false);
    private final String name;
    private final AbstractAppender appender;

    private CapturedLog(Class<?> type) {
        name = type.getName();
        appender = new AbstractAppender("captured-" + name, null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                messages.add(event.getMessage().getFormattedMessage());
            }
        };
        appender.start();
        LoggerConfig logger = new LoggerConfig(name, Level.WARN, false);
        logger.addAppender(appender, null, null);
        context.getConfiguration().addLogger(name, logger);
        context.updateLoggers();
    }

    static CapturedLog of(Class<?> type) {
        return new CapturedLog(type);
    }

    List<String> messages() {
        return messages;
    }

    @Override
    public void close() {
        context.getConfiguration().removeLogger(name);
        context.updateLoggers();
        appender.stop();
    }
}
