package com.rglimits.query;

import com.rglimits.config.ConfigException;
import java.util.concurrent.CountDownLatch;

/**
 * Starting a service from a command line: a bad setting or a failed start is one line on stderr
 * and a non-zero exit, never a stack trace; a running service is closed on shutdown (Ctrl-C, SIGTERM).
 */
final class Cli {
    interface Starter {
        AutoCloseable start(String[] args) throws Exception;
    }

    private Cli() {}

    static void run(String[] args, Starter starter) {
        AutoCloseable running;
        try {
            running = starter.start(args);
        } catch (ConfigException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
            return;
        } catch (Exception e) {
            System.err.println("error: cannot start: " + describe(e));
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                running.close();
            } catch (Exception e) {
                System.err.println("error while stopping: " + describe(e));
            }
            stopped.countDown();
        }, "query-api-shutdown"));
        // Holding main keeps `mvn exec:java` (which ends when main returns) serving until stopped.
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The innermost cause, on one line: that is where the useful message usually is. */
    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? "" : root.getMessage().split("\\R", 2)[0];
        return root.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
    }
}
