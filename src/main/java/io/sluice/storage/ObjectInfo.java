package io.sluice.storage;

import java.time.Instant;

/** What a store tells about one object without reading it: its key, its size in bytes and when it was last written. */
public record ObjectInfo(String key, long size, Instant modified) {}
