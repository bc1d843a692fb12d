package io.sluice.storage;

import io.sluice.manifest.Secret;
import io.sluice.pipeline.SluiceException;
import io.sluice.pipeline.Stage;
import io.sluice.storage.S3Calls.Failure;
import io.sluice.storage.S3Calls.RetryPolicy;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/** An {@link ObjectStore} in an S3 bucket (or an S3-compatible store) under a key prefix. */
public final class S3Store implements ObjectStore {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

    private final S3Client s3;
    private final AwsCredentialsProvider credentials;
    private final String bucket;
    private final String prefix;
    private final S3Calls calls;
    private final int pageSize;
    private Path staging;

    private S3Store(S3Client s3, AwsCredentialsProvider credentials, String bucket, String prefix, S3Calls calls,
                    int pageSize) {
        this.s3 = s3;
        this.pageSize = pageSize;
        this.credentials = credentials;
        this.bucket = bucket;
        this.prefix = prefix;
        this.calls = calls;
    }

    /**
     * A store in {@code bucket} under {@code prefix} ("" or a path without leading or trailing '/'). Makes no request;
     * fails (stage CONNECT) only when no region can be found.
     */
    public static S3Store open(S3Settings settings, String bucket, String prefix) {
        return open(settings, bucket, prefix, RetryPolicy.DEFAULT, 1000);
    }

    /** With the retry policy and listing page size (S3's maximum is 1000) that tests choose. */
    static S3Store open(S3Settings settings, String bucket, String prefix, RetryPolicy retry, int pageSize) {
        if (!prefix.isEmpty()) {
            Keys.check(prefix);
        }
        AwsCredentialsProvider credentials = settings.accessKeyId().isPresent()
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        settings.accessKeyId().get().reveal(), settings.secretAccessKey().orElseThrow().reveal()))
                : DefaultCredentialsProvider.builder().build();
        S3ClientBuilder b = S3Client.builder()
                .credentialsProvider(credentials)
                .forcePathStyle(settings.pathStyle())
                // Apache 4 client: deprecated in SDK 2.57 for apache5-client, which passes the same tests (S3StoreIT)
                .httpClientBuilder(ApacheHttpClient.builder()
                        .connectionTimeout(CONNECT_TIMEOUT)
                        .connectionAcquisitionTimeout(CONNECT_TIMEOUT)
                        .socketTimeout(READ_TIMEOUT)
                        .maxConnections(64))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()).apiCallTimeout(CALL_TIMEOUT));
        if (settings.endpoint().isPresent()) {
            b.endpointOverride(settings.endpoint().get());
            // S3-compatible stores often reject the SDK's default CRC trailers (aws-chunked uploads)
            b.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED);
            b.responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        }
        if (!settings.region().isEmpty()) {
            b.region(Region.of(settings.region()));
        }
        S3Client client;
        try {
            client = b.build();
        } catch (SdkClientException e) {
            throw new SluiceException(Stage.CONNECT, "s3://" + bucket + ": no AWS region found (set s3.region, or"
                    + " AWS_REGION, or a region in ~/.aws/config)", e);
        }
        String endpoint = settings.endpoint().map(URI::toString)
                .orElse("https://s3." + client.serviceClientConfiguration().region().id() + ".amazonaws.com");
        List<String> secrets = Stream.of(settings.accessKeyId(), settings.secretAccessKey())
                .flatMap(Optional::stream).map(Secret::reveal).toList();
        return new S3Store(client, credentials, bucket, prefix, new S3Calls(retry, endpoint, secrets), pageSize);
    }

    @Override
    public String describe(String key) {
        String k = key.isEmpty() ? prefix : objectKey(key);
        return "s3://" + bucket + (k.isEmpty() ? "" : "/" + k);
    }

    @Override
    public StoreLocation location() {
        return new StoreLocation.S3(bucket, prefix);
    }

    @Override
    public void check() {
        String where = describe("");
        try {
            credentials.resolveCredentials();
        } catch (SdkClientException e) {
            throw new SluiceException(Stage.CONNECT, where + ": no AWS credentials found (set s3.access_key_id and"
                    + " s3.secret_access_key, or configure the AWS credentials chain: AWS_ACCESS_KEY_ID and"
                    + " AWS_SECRET_ACCESS_KEY, ~/.aws/credentials, an instance role)", e);
        }
        String probe = folder() + Keys.RESERVED + "probe-" + UUID.randomUUID();
        byte[] data = probe.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try {
            try {
                calls.call("check", where, r -> s3.headBucket(h -> h.bucket(bucket)));
            } catch (Failure f) {
                if (f.status != 404) {
                    throw f;
                }
                // an answer to HEAD has no body: the listing's error code tells a missing bucket from something not S3
            }
            calls.call("list", where, r -> s3.listObjectsV2(l -> l.bucket(bucket).prefix(folder()).maxKeys(1)));
            calls.call("write", where, r -> putProbe(probe, data)); // a 412 here is an earlier attempt's (the key is random)
            boolean readBack = Arrays.equals(calls.call("read", where, r -> read(probe)), data);
            // the ledger's create-if-absent: a store that ignores If-None-Match would let two writers commit one entry
            boolean conditional = readBack && !calls.call("write", where, r -> putProbe(probe, data));
            calls.call("delete", where, r -> s3.deleteObject(d -> d.bucket(bucket).key(probe)));
            if (!readBack) {
                throw new SluiceException(Stage.CONNECT, where + ": the endpoint " + calls.endpoint() + " does not answer as"
                        + " an S3 API does: an object written there did not read back the same (check s3.endpoint: the"
                        + " address and port of the S3 API, not of a web console or another service)");
            }
            if (!conditional) {
                throw new SluiceException(Stage.CONNECT, where + ": the store at " + calls.endpoint() + " ignores"
                        + " conditional writes (If-None-Match: *): writing an object that already existed succeeded. Sluice"
                        + " commits with them, so that two writers can never both take one ledger entry; use a store that"
                        + " supports them (AWS S3 does)");
            }
        } catch (Failure f) {
            throw new SluiceException(Stage.CONNECT, checkMessage(f), f.getCause());
        }
    }

    /** Creates {@code probe} if absent: true when it was created, false when the store answered that it existed (412). */
    private boolean putProbe(String probe, byte[] data) {
        try {
            s3.putObject(put(probe).ifNoneMatch("*").build(), RequestBody.fromBytes(data));
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() != 412) {
                throw e;
            }
            return false;
        }
    }

    private String checkMessage(Failure f) {
        String after = f.afterAttempts();
        return switch (f.status) {
            case 0 -> describe("") + ": " + f.cause + after;
            case 403 -> describe("") + ": access denied to bucket " + bucket
                    + " (check s3.access_key_id / secret_access_key or the AWS credentials chain)";
            case 404 -> "NoSuchBucket".equals(f.code)
                    ? describe("") + ": bucket " + bucket + " does not exist (at " + calls.endpoint() + ")"
                    : describe("") + ": the endpoint " + calls.endpoint() + " answered 404 for bucket " + bucket + " without"
                            + " S3's error code, so it does not look like an S3 API (check s3.endpoint: the address and port"
                            + " of the S3 API, not of a web console or another service)";
            case 301 -> describe("") + ": bucket " + bucket + " is in another region (set s3.region to the bucket's)";
            default -> f.getMessage();
        };
    }

    @Override
    public void put(String key, byte[] data) {
        String k = objectKey(key);
        calls.call("put", describe(key), r -> s3.putObject(put(k).build(), RequestBody.fromBytes(data)));
    }

    @Override
    public void putFile(String key, Path file) {
        String k = objectKey(key);
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new SluiceException(Stage.WRITE, "cannot upload " + file + " to " + describe(key) + ": "
                    + LocalStore.cause(e), e);
        }
        // an upload takes as long as it takes: one minute plus a second per MB before an attempt counts as hung
        Duration timeout = CALL_TIMEOUT.plusSeconds(size >> 20);
        calls.call("upload", describe(key), r -> s3.putObject(put(k)
                .overrideConfiguration(o -> o.apiCallTimeout(timeout)).build(), RequestBody.fromFile(file)));
        try {
            Files.delete(file);
        } catch (IOException e) {
            throw new SluiceException(Stage.WRITE, "uploaded " + describe(key) + " but cannot delete " + file + ": "
                    + LocalStore.cause(e), e);
        }
    }

    @Override
    public boolean putIfAbsent(String key, byte[] data) {
        String k = objectKey(key);
        return calls.call("create-if-absent", describe(key), retried -> {
            try {
                s3.putObject(put(k).ifNoneMatch("*").build(), RequestBody.fromBytes(data));
                return true;
            } catch (S3Exception e) {
                if (e.statusCode() != 412) {
                    throw e;
                }
                // after a lost response our own earlier attempt may be what is there: it is ours if it holds our bytes
                return retried && Arrays.equals(read(k), data);
            }
        });
    }

    @Override
    public Optional<byte[]> get(String key) {
        String k = objectKey(key);
        return Optional.ofNullable(calls.call("get", describe(key), r -> read(k)));
    }

    private byte[] read(String objectKey) {
        try {
            return s3.getObjectAsBytes(g -> g.bucket(bucket).key(objectKey)).asByteArray();
        } catch (NoSuchKeyException e) {
            return null;
        }
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
        String k = objectKey(key);
        return Optional.ofNullable(calls.call("stat", describe(key), r -> {
            try {
                HeadObjectResponse h = s3.headObject(b -> b.bucket(bucket).key(k));
                return new ObjectInfo(key, h.contentLength(), h.lastModified());
            } catch (NoSuchKeyException e) {
                return null;
            } catch (S3Exception e) {
                if (e.statusCode() != 404) {
                    throw e;
                }
                return null; // an answer to HEAD has no body, so no error code either
            }
        }));
    }

    @Override
    public Optional<byte[]> read(String key, long offset, int length) {
        String k = objectKey(key);
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("cannot read " + length + " bytes at offset " + offset + " of "
                    + describe(key));
        }
        // a length of 0 still asks for a byte, so that a missing object is told apart
        String range = "bytes=" + offset + "-" + (offset + Math.max(length, 1) - 1);
        byte[] data = calls.call("read", describe(key), r -> {
            try {
                ResponseBytes<GetObjectResponse> got = s3.getObjectAsBytes(g -> g.bucket(bucket).key(k).range(range));
                byte[] bytes = got.asByteArray();
                if (got.response().contentRange() == null && (offset > 0 || bytes.length > length)) {
                    // no Content-Range: the store ignored Range and sent the whole object
                    int start = (int) Math.min(offset, bytes.length);
                    return Arrays.copyOfRange(bytes, start, (int) Math.min(bytes.length, offset + length));
                }
                return bytes;
            } catch (NoSuchKeyException e) {
                return null;
            } catch (S3Exception e) {
                if (e.statusCode() != 416) {
                    throw e;
                }
                return new byte[0]; // the range starts at or after the end
            }
        });
        if (data == null) {
            return Optional.empty();
        }
        return Optional.of(data.length > length ? Arrays.copyOf(data, length) : data);
    }

    @Override
    public List<String> list(String listPrefix) {
        Keys.checkPrefix(listPrefix);
        String full = folder() + listPrefix;
        List<String> keys = new ArrayList<>();
        String token = null;
        do {
            String t = token;
            ListObjectsV2Response page = calls.call("list", describe("") + "/" + listPrefix,
                    r -> s3.listObjectsV2(l -> l.bucket(bucket).prefix(full).maxKeys(pageSize).continuationToken(t)));
            for (S3Object o : page.contents()) {
                String key = o.key().substring(folder().length());
                if (!key.startsWith(Keys.RESERVED) && !key.contains("/" + Keys.RESERVED)) {
                    keys.add(key);
                }
            }
            token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
        } while (token != null);
        keys.sort(null);
        return keys;
    }

    @Override
    public List<ObjectInfo> listFolder(String folder, String from) {
        Keys.checkFolder(folder);
        String full = folder() + folder;
        // S3 starts after a key; the name minus its last character sorts before it and before all that follow it
        String startAfter = from.isEmpty() ? null : full + from.substring(0, from.length() - 1);
        List<ObjectInfo> objects = new ArrayList<>();
        String token = null;
        boolean first = true;
        do {
            String t = token;
            String after = first ? startAfter : null;
            ListObjectsV2Response page = calls.call("list", describe("") + "/" + folder, r -> s3.listObjectsV2(l -> l
                    .bucket(bucket).prefix(full).delimiter("/").maxKeys(pageSize).startAfter(after).continuationToken(t)));
            for (S3Object o : page.contents()) {
                String name = o.key().substring(full.length());
                if (!name.isEmpty() && !name.startsWith(Keys.RESERVED) && name.compareTo(from) >= 0) {
                    objects.add(new ObjectInfo(folder + name, o.size(), o.lastModified()));
                }
            }
            token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
            first = false;
        } while (token != null);
        objects.sort(Comparator.comparing(ObjectInfo::key));
        return objects;
    }

    @Override
    public void delete(String key) {
        String k = objectKey(key);
        calls.call("delete", describe(key), r -> s3.deleteObject(d -> d.bucket(bucket).key(k)));
    }

    @Override
    public synchronized Path stagingDirectory() {
        if (staging == null) {
            try {
                staging = Files.createTempDirectory("sluice-s3-staging-");
            } catch (IOException e) {
                throw new SluiceException(Stage.WRITE, "cannot create a staging directory under "
                        + System.getProperty("java.io.tmpdir") + ": " + LocalStore.cause(e), e);
            }
        }
        return staging;
    }

    @Override
    public synchronized void close() {
        s3.close();
        if (credentials instanceof SdkAutoCloseable c) {
            c.close(); // the default chain may hold a refresh thread; the client does not close a provider it was given
        }
        if (staging != null) {
            try (Stream<Path> files = Files.walk(staging)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException ignored) {
                // leftovers in the temporary directory are the system's to clean
            }
            staging = null;
        }
    }

    @Override
    public String toString() {
        return "S3Store[" + describe("") + " at " + calls.endpoint() + "]";
    }

    private PutObjectRequest.Builder put(String objectKey) {
        return PutObjectRequest.builder().bucket(bucket).key(objectKey);
    }

    private String folder() {
        return prefix.isEmpty() ? "" : prefix + "/";
    }

    private String objectKey(String key) {
        return folder() + Keys.check(key);
    }
}
