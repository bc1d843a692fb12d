package io.sluice.pipeline;

/** The pipeline stage a failure belongs to; it decides the exit code and tells the user where to look. */
public enum Stage {
    MANIFEST, CONNECT, PLAN, DECODE,
    /** A batch's columns differ from its table in a way the schema evolution policy does not allow. */
    SCHEMA,
    WRITE, COMMIT, OFFSETS,
    /** Read-only SQL of {@code sluice query} over what a sink wrote. */
    QUERY,
    /** The local development environment: the dev broker, its ports and files. */
    SETUP
}
