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
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP forwarder on a loopback port that delivers every chunk of bytes half the round trip late in
 * each direction, in order: a network between the client and the emulator with the given round-trip
 * time and no bandwidth limit. Stands in for {@code tc netem}, which these machines' kernels lack.
 * One thread per connection and direction reads, another writes when a chunk is due, so a slow
 * reader never delays another connection.
 */
final class DelayingForwarder implements AutoCloseable {
    private final ServerSocket server;
    private final int targetPort;
    private final long oneWayNanos;
    private final List<Socket> sockets = Collections.synchronizedList(new ArrayList<>());

    DelayingForwarder(int targetPort, double roundTripMs) throws IOException {
        this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        this.targetPort = targetPort;
        this.oneWayNanos = (long) (roundTripMs * 1e6 / 2);
        daemon(this::accept, "delay-accept").start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                client.setTcpNoDelay(true);
                target.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(target);
                pipe(client, target);
                pipe(target, client);
            } catch (IOException closed) {
                return;
            }
        }
    }

    private static final byte[] END = new byte[0];

    private void pipe(Socket from, Socket to) {
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
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}
