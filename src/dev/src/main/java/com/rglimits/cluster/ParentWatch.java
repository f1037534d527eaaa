package com.rglimits.cluster;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.util.Arrays;
import java.util.Optional;

/**
 * The first class of every process the cluster launcher starts ({@code ParentWatch MAIN ARGS...}):
 * runs {@code MAIN} and ends the process as soon as the process that started it is gone, killed
 * or not, so that no JobManager, TaskManager or client outlives its launcher. Two signs, either
 * enough: standard input, a pipe the parent holds open and never writes, reaches its end; or the
 * parent process is no longer alive (polled once a second).
 *
 * <p>It runs alone on the child's classpath (the launcher copies this one class there), so it
 * uses nothing but the JDK.
 */
public final class ParentWatch {
    /** How long the process's shutdown hooks get before it is halted. */
    static final long EXIT_GRACE_MS = 15_000;

    private ParentWatch() {}

    public static void main(String[] args) throws Throwable {
        if (args.length == 0) {
            throw new IllegalArgumentException("usage: ParentWatch MAIN_CLASS [ARGS...]");
        }
        watchStandardInput();
        watchParentProcess();
        try {
            Class.forName(args[0]).getMethod("main", String[].class)
                    .invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void watchStandardInput() {
        daemon("parent-watch-stdin", () -> {
            try {
                while (System.in.read() >= 0) {
                    // nothing is ever written: only the end matters
                }
            } catch (IOException ignored) {
                // a broken pipe is an end too
            }
            exit("its standard input ended");
        });
    }

    /**
     * Also for a process whose standard input is not the parent's pipe. The parent is the one this
     * JVM has when it calls this: one that died before (while this JVM was starting) is not seen.
     */
    static void watchParentProcess() {
        Optional<ProcessHandle> parent = ProcessHandle.current().parent();
        if (parent.isEmpty()) {
            return;
        }
        ProcessHandle p = parent.get();
        daemon("parent-watch-pid", () -> {
            while (p.isAlive()) {
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException e) {
                    return;
                }
            }
            exit("its parent process " + p.pid() + " ended");
        });
    }

    /** Runs the shutdown hooks (Flink's own clean-up), and halts if they take too long. */
    private static synchronized void exit(String why) {
        System.err.println("ParentWatch: ending this process: " + why);
        daemon("parent-watch-halt", () -> {
            try {
                Thread.sleep(EXIT_GRACE_MS);
            } catch (InterruptedException ignored) {
                // halt now
            }
            Runtime.getRuntime().halt(143);
        });
        System.exit(143);
    }

    private static void daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
    }
}
