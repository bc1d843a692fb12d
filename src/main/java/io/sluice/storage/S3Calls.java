package io.sluice.storage;

import io.sluice.pipeline.SluiceException;
import io.sluice.pipeline.Stage;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.SSLException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Runs S3 requests with a bounded number of attempts and turns what failed into Sluice's words. The SDK's own retries
 * are off, so the attempts counted here are all there are, and {@code putIfAbsent} knows when an earlier attempt may
 * have reached S3.
 */
final class S3Calls {
    private static final Set<String> RETRIED_CODES = Set.of("SlowDown", "Throttling", "ThrottlingException",
            "RequestTimeout", "RequestTimeoutException", "InternalError", "ServiceUnavailable", "RequestLimitExceeded",
            "ConditionalRequestConflict", "OperationAborted");

    /**
     * How often to try: at most {@code maxAttempts}, none started later than {@code budget} after the first, with full
     * jitter between them (random up to {@code baseDelay * 2^n}, capped at {@code maxDelay}).
     */
    record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay, Duration budget) {
        static final RetryPolicy DEFAULT = new RetryPolicy(6, Duration.ofMillis(250), Duration.ofSeconds(8),
                Duration.ofSeconds(30));
    }

    /** One attempt; {@code retried} is true when an earlier attempt failed in a way that may have reached S3. */
    interface Attempt<T> {
        T run(boolean retried);
    }

    /** A request that failed for good; {@code status} is 0 when no HTTP response came back. */
    static final class Failure extends SluiceException {
        final int status;
        final String code;
        final String cause;
        final int attempts;

        Failure(String message, int status, String code, String cause, int attempts, Throwable e) {
            super(Stage.WRITE, message, e);
            this.status = status;
            this.code = code;
            this.cause = cause;
            this.attempts = attempts;
        }

        /** "after 6 attempts", or "" for one attempt. */
        String afterAttempts() {
            return attempts > 1 ? " after " + attempts + " attempts" : "";
        }
    }

    private final RetryPolicy policy;
    private final String endpoint;
    private final List<String> secrets;

    S3Calls(RetryPolicy policy, String endpoint, List<String> secrets) {
        this.policy = policy;
        this.endpoint = endpoint;
        this.secrets = secrets;
    }

    String endpoint() {
        return endpoint;
    }

    /** Runs {@code attempt} until it succeeds or fails for good; throws {@link Failure} naming {@code location}. */
    <T> T call(String operation, String location, Attempt<T> attempt) {
        long start = System.nanoTime();
        boolean retried = false;
        for (int n = 1; ; n++) {
            RuntimeException error;
            try {
                return attempt.run(retried);
            } catch (AwsServiceException | SdkClientException e) {
                error = e;
            }
            boolean retriable = retriable(error);
            long delay = delayMillis(n);
            boolean timeLeft = System.nanoTime() - start + delay * 1_000_000 < policy.budget().toNanos();
            if (!retriable || n >= policy.maxAttempts() || !timeLeft) {
                throw failure(operation, location, error, n);
            }
            retried = true;
            sleep(delay, operation, location);
        }
    }

    private long delayMillis(int attempt) {
        long cap = Math.min(policy.maxDelay().toMillis(), policy.baseDelay().toMillis() << Math.min(attempt - 1, 20));
        return cap <= 0 ? 0 : ThreadLocalRandom.current().nextLong(cap + 1);
    }

    private static void sleep(long millis, String operation, String location) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SluiceException(Stage.WRITE, location + ": " + operation + " interrupted while waiting to retry");
        }
    }

    static boolean retriable(RuntimeException e) {
        if (e instanceof AbortedException || Thread.currentThread().isInterrupted()) {
            return false; // someone is stopping this thread: give up at once
        }
        if (e instanceof AwsServiceException s) {
            String code = s.awsErrorDetails() == null ? null : s.awsErrorDetails().errorCode();
            return s.statusCode() >= 500 || s.statusCode() == 429 || s.isThrottlingException()
                    || code != null && RETRIED_CODES.contains(code);
        }
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
            return true;
        }
        IOException io = ioCause(e);
        return io != null && !(io instanceof SSLException);
    }

    private Failure failure(String operation, String location, RuntimeException e, int attempts) {
        String after = attempts > 1 ? " after " + attempts + " attempts" : "";
        if (e instanceof AwsServiceException s) {
            int status = s.statusCode();
            String code = s.awsErrorDetails() == null || s.awsErrorDetails().errorCode() == null
                    ? standardCode(status) : s.awsErrorDetails().errorCode();
            String detail = s.awsErrorDetails() == null ? null : s.awsErrorDetails().errorMessage();
            String text = status + " " + code;
            String message = location + ": " + operation + " failed: " + text + after
                    + (detail == null || detail.isBlank() ? "" : " (" + detail.strip() + ")")
                    + (status == 403 ? "; check s3.access_key_id / secret_access_key or the AWS credentials chain" : "");
            return new Failure(scrub(message), status, code, scrub(text), attempts, e);
        }
        String cause = scrub(clientCause(e));
        return new Failure(location + ": " + operation + " failed: " + cause + after, 0, null, cause, attempts, e);
    }

    /** A failure without an HTTP response, in plain words. */
    private String clientCause(RuntimeException e) {
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
            return "no answer from S3 endpoint " + endpoint + " in time (the request timed out)";
        }
        IOException io = ioCause(e);
        if (io instanceof UnknownHostException) {
            return "cannot reach S3 endpoint " + endpoint + ": unknown host " + io.getMessage();
        }
        if (io instanceof ConnectException || io instanceof NoRouteToHostException) {
            boolean timeout = io.getMessage() != null && io.getMessage().contains("timed out");
            return "cannot reach S3 endpoint " + endpoint + ": " + (timeout ? "connection timed out" : "connection refused");
        }
        if (io instanceof SocketTimeoutException || io instanceof InterruptedIOException) {
            return "cannot reach S3 endpoint " + endpoint + ": timed out";
        }
        if (io instanceof SSLException) {
            return "cannot reach S3 endpoint " + endpoint + ": TLS failed (" + firstLine(io.getMessage()) + ")";
        }
        if (io instanceof org.apache.http.NoHttpResponseException) {
            return "connection to S3 endpoint " + endpoint + " was closed before it answered";
        }
        if (io instanceof org.apache.http.ConnectionClosedException) {
            return "connection to S3 endpoint " + endpoint + " was closed in the middle of its answer";
        }
        if (io instanceof SocketException && io.getMessage() != null && io.getMessage().contains("Broken pipe")) {
            // the endpoint closed the connection while the request was still being sent: the same as no answer
            return "connection to S3 endpoint " + endpoint + " was closed before it answered";
        }
        if (io instanceof SocketException) {
            return "connection to S3 endpoint " + endpoint + " failed: " + firstLine(io.getMessage());
        }
        if (io != null) {
            return "connection to S3 endpoint " + endpoint + " failed: " + firstLine(io.getMessage() == null
                    ? io.getClass().getSimpleName() : io.getMessage());
        }
        String m = e.getMessage() == null ? "" : e.getMessage();
        if (m.startsWith("Unable to load credentials")) {
            return "no AWS credentials found (set s3.access_key_id and s3.secret_access_key, or configure the AWS "
                    + "credentials chain: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, ~/.aws/credentials, an instance role)";
        }
        return firstLine(m.isEmpty() ? e.getClass().getSimpleName() : m);
    }

    private static IOException ioCause(Throwable e) {
        for (Throwable t = e; t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof IOException io) {
                return io;
            }
        }
        return null;
    }

    private static String standardCode(int status) {
        return switch (status) {
            case 301 -> "PermanentRedirect";
            case 400 -> "BadRequest";
            case 403 -> "Forbidden";
            case 404 -> "NotFound";
            case 412 -> "PreconditionFailed";
            case 503 -> "ServiceUnavailable";
            default -> "HTTP error";
        };
    }

    private static String firstLine(String s) {
        String line = s.lines().findFirst().orElse("").strip();
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    private String scrub(String s) {
        String out = s;
        for (String secret : secrets) {
            out = out.replace(secret, "****");
        }
        return out;
    }
}
