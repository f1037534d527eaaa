package com.rglimits.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP forwarder on a loopback port that delivers every chunk of bytes half the round trip late in
 * each direction, in order: a network between the client and the emulator with the given round-trip
 * time and no bandwidth limit. Stands in for {@code tc netem}, which these machines' kernels lack.
 * One thread per connection and direction reads, another writes when a chunk is due, so a slow
 * reader never delays another connection. A connection's sockets are closed once both directions
 * have ended: a run opens tens of thousands of connections, and their file descriptors must not
 * add up to the process limit (the accept thread would die, and with it every request after).
 */
final class DelayingForwarder implements AutoCloseable {
    /**
     * Connections the kernel completes before they are accepted. The sink opens a connection per
     * concurrent request: a burst (the versions held by the ordering bound, released together at end
     * of input) opens up to its batch size times its requests in flight, 800 in the latency scenario.
     * With 200, connects beyond it were dropped and timed out in the SDK (2 s), which retried them.
     */
    static final int BACKLOG = 4096;

    private final ServerSocket server;
    private final int targetPort;
    private final long oneWayNanos;
    private final List<Socket> sockets = Collections.synchronizedList(new ArrayList<>());

    DelayingForwarder(int targetPort, double roundTripMs) throws IOException {
        this.server = new ServerSocket(0, BACKLOG, InetAddress.getLoopbackAddress());
        this.targetPort = targetPort;
        this.oneWayNanos = (long) (roundTripMs * 1e6 / 2);
        daemon(this::accept, "delay-accept").start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException closed) {
                return;
            }
            // The connection to the emulator on a thread of its own: in a burst it can wait (the
            // emulator's backlog is 511, and it accepts between requests), and on this loop that wait
            // held back every connection behind it.
            daemon(() -> forward(client), "delay-connect").start();
        }
    }

    private void forward(Socket client) {
        try {
            Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
            client.setTcpNoDelay(true);
            target.setTcpNoDelay(true);
            sockets.add(client);
            sockets.add(target);
            AtomicInteger open = new AtomicInteger(2);
            Runnable ended = () -> {
                if (open.decrementAndGet() == 0) {
                    close(client);
                    close(target);
                }
            };
            pipe(client, target, ended);
            pipe(target, client, ended);
        } catch (IOException unreachable) {
            // The emulator refused: this client's request fails, the next may succeed.
            close(client);
        }
    }

    private void close(Socket socket) {
        sockets.remove(socket);
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    private static final byte[] END = new byte[0];

    /** Copies {@code from} to {@code to}, each chunk delayed; runs {@code ended} when this direction is done. */
    private void pipe(Socket from, Socket to, Runnable ended) {
        BlockingQueue<Object[]> due = new LinkedBlockingQueue<>();
        daemon(() -> {
            byte[] buffer = new byte[16 * 1024];
            try {
                InputStream in = from.getInputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    due.add(new Object[] {System.nanoTime() + oneWayNanos, Arrays.copyOf(buffer, n)});
                }
            } catch (IOException closed) {
                // the connection ended
            }
            due.add(new Object[] {System.nanoTime() + oneWayNanos, END});
        }, "delay-read").start();
        daemon(() -> {
            try {
                OutputStream out = to.getOutputStream();
                while (true) {
                    Object[] chunk = due.take();
                    long wait;
                    while ((wait = (long) chunk[0] - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    byte[] bytes = (byte[]) chunk[1];
                    if (bytes == END) {
                        to.shutdownOutput();
                        return;
                    }
                    out.write(bytes);
                    out.flush();
                }
            } catch (IOException | InterruptedException closed) {
                // the connection ended
            } finally {
                ended.run();
            }
        }, "delay-write").start();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public void close() throws IOException {
        server.close();
        synchronized (sockets) {
            for (Socket s : new ArrayList<>(sockets)) {
                s.close();
            }
        }
    }
}
