package io.sluice.it;

/**
 * The main class of the S3Proxy JVM that {@link TestS3} starts: runs S3Proxy's own main, and ends the JVM as soon as
 * its standard input closes, so a test JVM that dies (even by kill -9) never leaves an S3Proxy behind.
 * Uses nothing but the JDK and S3Proxy's jar (reflection), since the test classes' dependencies are not on its path.
 */
public final class S3ProxyLauncher {
    private S3ProxyLauncher() {}

    public static void main(String[] args) throws Exception {
        Thread watchdog = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the parent never writes; EOF means it closed the pipe or died
                }
            } catch (java.io.IOException e) {
                // same as EOF
            }
            Runtime.getRuntime().halt(0);
        }, "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        Class.forName("org.gaul.s3proxy.Main").getMethod("main", String[].class)
                .invoke(null, (Object) new String[] {"--properties", args[0]});
    }
}
