package io.sluice.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A TCP proxy in front of an S3 endpoint that injects faults, for retry tests. It makes every request use a connection
 * of its own (see {@link #closing}) and looks at each: while {@link #failNext} is counting down it answers an error ({@code 503 SlowDown} unless told otherwise)
 * and closes; while
 * {@link #dropNext} is counting down it forwards the request but swallows the response and closes (a lost
 * response: the request took effect, the client never heard). Otherwise it pipes bytes both ways unchanged (but for
 * the {@code Connection} header), so request signatures (which cover the Host header the client sent) stay valid.
 *
 * <p>Faults can also be aimed at requests by their request line ({@code PUT /bucket/key?x-id=PutObject HTTP/1.1}):
 * {@link #outageFrom} starts an outage at the first matching request (every request from it on fails, until
 * {@link #endOutage}), and {@link #dropNextMatching} loses the responses of matching requests only.
 */
public final class FaultProxy implements AutoCloseable {
    private static final byte[] END_OF_HEAD = "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    private final ServerSocket server;
    private final int upstreamPort;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fault-proxy");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger toFail = new AtomicInteger();
    private volatile String[] fault = {"503", "SlowDown", "Please reduce your request rate."};
    private final AtomicInteger toDrop = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger dropped = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile Predicate<String> outageTrigger;
    private volatile Outage outageKind = Outage.SLOW_DOWN;
    private volatile boolean inOutage;
    private volatile Predicate<String> dropMatching;
    private final AtomicInteger toDropMatching = new AtomicInteger();
    private volatile boolean ignoreConditions;

    /** How an outage answers. */
    public enum Outage {
        /** {@code 503 SlowDown}, as S3 throttling. */
        SLOW_DOWN,
        /** No answer: the connection is cut once half of the request body (if any) has reached S3, as mid-upload. */
        CUT
    }

    /** A proxy on a free port of 127.0.0.1 in front of {@code upstream} (an http URI on 127.0.0.1). */
    public FaultProxy(URI upstream) throws IOException {
        this.upstreamPort = upstream.getPort();
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        pool.execute(this::accept);
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** The next {@code n} requests get 503 SlowDown; {@code Integer.MAX_VALUE} for always. */
    public void failNext(int n) {
        failNext(n, 503, "SlowDown", "Please reduce your request rate.");
    }

    /** The next {@code n} requests get an S3 error response with this status, code and message. */
    public void failNext(int n, int status, String code, String message) {
        fault = new String[] {String.valueOf(status), code, message};
        toFail.set(n);
    }

    /** The next {@code n} requests reach S3 but their responses are lost. */
    public void dropNext(int n) {
        toDrop.set(n);
    }

    /**
     * From the first request whose request line matches {@code trigger} on (that one included), every request fails as
     * {@code kind} says, until {@link #endOutage}. The trigger is asked once per request, in arrival order.
     */
    public void outageFrom(Predicate<String> trigger, Outage kind) {
        outageKind = kind;
        inOutage = false;
        outageTrigger = trigger;
    }

    /** Ends the outage (and its trigger): requests pass again. */
    public void endOutage() {
        outageTrigger = null;
        inOutage = false;
    }

    /** Whether an outage has started and not ended. */
    public boolean inOutage() {
        return inOutage;
    }

    /** The next {@code n} requests whose request line matches {@code match} reach S3 but their responses are lost. */
    public void dropNextMatching(Predicate<String> match, int n) {
        dropMatching = match;
        toDropMatching.set(n);
    }

    /**
     * While on, S3's {@code 412 Precondition Failed} answers reach the client as {@code 200 OK}: the proxy plays a store
     * that ignores {@code If-None-Match} (the object is not replaced, but the writer is told it wrote it).
     */
    public void ignoreConditions(boolean on) {
        ignoreConditions = on;
    }

    /** The request lines seen so far, in arrival order (failed and dropped ones included). */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    /** How many requests got a 503 so far. */
    public int failed() {
        return failed.get();
    }

    /** How many responses were swallowed so far. */
    public int dropped() {
        return dropped.get();
    }

    /** How many client connections came in so far. */
    public int connections() {
        return connections.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                connections.incrementAndGet();
                pool.execute(() -> handle(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void handle(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            byte[] head = readHead(in);
            if (head == null) {
                return;
            }
            String headers = new String(head, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
            String line = new String(head, StandardCharsets.ISO_8859_1).lines().findFirst().orElse("");
            requests.add(line);
            if (outage(line)) {
                failed.incrementAndGet();
                if (outageKind == Outage.CUT) {
                    cut(head, in, client.getOutputStream(), headers);
                } else {
                    answer(client, in, headers, new String[] {"503", "SlowDown", "Please reduce your request rate."});
                }
                return;
            }
            if (countDown(toFail)) {
                failed.incrementAndGet();
                answer(client, in, headers, fault);
                return;
            }
            Predicate<String> dropIf = dropMatching;
            boolean drop = countDown(toDrop) || dropIf != null && dropIf.test(line) && countDown(toDropMatching);
            try (Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort)) {
                upstream.getOutputStream().write(closing(head));
                pool.execute(() -> pipe(in, upstream));
                if (drop) {
                    passInterimResponses(upstream.getInputStream(), client.getOutputStream());
                    dropped.incrementAndGet();
                } else if (ignoreConditions) {
                    passAnswering412As200(upstream.getInputStream(), client.getOutputStream());
                } else {
                    upstream.getInputStream().transferTo(client.getOutputStream());
                }
            }
        } catch (IOException e) {
            // one side closed: the connection is over
        }
    }

    private boolean outage(String line) {
        Predicate<String> trigger = outageTrigger;
        if (trigger == null) {
            return false;
        }
        if (!inOutage && trigger.test(line)) {
            inOutage = true;
        }
        return inOutage;
    }

    private static void answer(Socket client, InputStream in, String headers, String[] f) throws IOException {
        if (!headers.contains("expect: 100-continue")) {
            in.readNBytes((int) contentLength(headers)); // unread bytes would turn our close into a reset
        }
        byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + f[1] + "</Code>"
                + "<Message>" + f[2] + "</Message></Error>").getBytes(StandardCharsets.UTF_8);
        OutputStream out = client.getOutputStream();
        out.write(("HTTP/1.1 " + f[0] + " " + f[1] + "\r\nContent-Type: application/xml\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    /**
     * Passes the request head and half of its body (asking for it when the client waits for "100 Continue") to S3, then
     * closes both connections unanswered: S3 gets a part of the request, the client no response.
     */
    private void cut(byte[] head, InputStream in, OutputStream out, String headers) throws IOException {
        long length = contentLength(headers);
        try (Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort)) {
            OutputStream to = upstream.getOutputStream();
            to.write(closing(head));
            if (length > 0 && headers.contains("expect: 100-continue")) {
                out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
            to.write(in.readNBytes((int) (length / 2)));
            to.flush();
        }
    }

    /**
     * The request head with {@code Connection: close}, so S3 ends the connection after answering and the client's next
     * request comes on a new one, where it can be looked at. Signatures do not cover {@code Connection}.
     */
    private static byte[] closing(byte[] head) {
        StringBuilder out = new StringBuilder();
        for (String line : new String(head, StandardCharsets.ISO_8859_1).split("\r\n")) {
            if (!line.isEmpty() && !line.toLowerCase(Locale.ROOT).startsWith("connection:")) {
                out.append(line).append("\r\n");
            }
        }
        return out.append("Connection: close\r\n\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Passes the response on, but a 412 becomes a 200 OK without a body. */
    private static void passAnswering412As200(InputStream upstream, OutputStream client) throws IOException {
        while (true) {
            byte[] head = readHead(upstream);
            if (head == null) {
                return;
            }
            String text = new String(head, StandardCharsets.ISO_8859_1);
            if (text.startsWith("HTTP/1.1 412")) {
                upstream.readNBytes((int) contentLength(text.toLowerCase(Locale.ROOT)));
                client.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1));
                client.flush();
                return;
            }
            client.write(head);
            if (!text.startsWith("HTTP/1.1 1")) {
                upstream.transferTo(client);
                return;
            }
            client.flush();
        }
    }

    /** Passes "100 Continue" through and returns at the first final response, which is not passed on. */
    private static void passInterimResponses(InputStream upstream, OutputStream client) throws IOException {
        while (true) {
            byte[] head = readHead(upstream);
            if (head == null || !new String(head, StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 1")) {
                return;
            }
            client.write(head);
            client.flush();
        }
    }

    private static void pipe(InputStream from, Socket to) {
        try {
            from.transferTo(to.getOutputStream());
            to.shutdownOutput(); // the client is done: let the upstream end the connection too
        } catch (IOException e) {
            // closed
        }
    }

    private static boolean countDown(AtomicInteger n) {
        return n.getAndUpdate(v -> v > 0 && v != Integer.MAX_VALUE ? v - 1 : v) > 0;
    }

    private static long contentLength(String headers) {
        for (String line : headers.split("\r\n")) {
            if (line.startsWith("content-length:")) {
                return Long.parseLong(line.substring("content-length:".length()).strip());
            }
        }
        return 0;
    }

    /** Bytes up to and including the blank line that ends an HTTP head, or null at end of stream. */
    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int matched = 0;
        int b;
        while ((b = in.read()) >= 0) {
            buf.write(b);
            matched = b == END_OF_HEAD[matched] ? matched + 1 : (b == END_OF_HEAD[0] ? 1 : 0);
            if (matched == END_OF_HEAD.length) {
                return buf.toByteArray();
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        server.close();
        pool.shutdownNow();
    }
}
