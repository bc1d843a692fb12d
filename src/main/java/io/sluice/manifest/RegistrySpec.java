package io.sluice.manifest;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How to reach a Confluent-compatible Schema Registry.
 *
 * @param urls        tried in order; the next one is used when one cannot be reached
 * @param username    HTTP basic auth user, with {@code password}
 * @param bearerToken sent as {@code Authorization: Bearer}; exclusive with basic auth
 * @param caFile      PEM certificates to trust for https, instead of the JVM's defaults
 * @param timeout     per request
 * @param retries     further attempts after a connection failure or a 5xx/429 answer, with doubling backoff
 */
public record RegistrySpec(List<URI> urls, Optional<String> username, Optional<Secret> password,
        Optional<Secret> bearerToken, Optional<Path> caFile, Duration timeout, int retries) {

    public RegistrySpec {
        urls = List.copyOf(urls);
    }

    /** A registry without auth, TLS settings or custom timeouts, as the dev registry needs. */
    public static RegistrySpec of(String url) {
        return new RegistrySpec(List.of(URI.create(url)), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Duration.ofSeconds(10), 5);
    }

    /** The same registry with another number of retries. */
    public RegistrySpec withRetries(int n) {
        return new RegistrySpec(urls, username, password, bearerToken, caFile, timeout, n);
    }

    /** The first URL, for messages. */
    public String describe() {
        return urls.size() == 1 ? urls.get(0).toString() : urls.toString();
    }
}
