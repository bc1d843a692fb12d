package io.sluice.pipeline;

/** The pipeline stage a failure belongs to; it decides the exit code and tells the user where to look. */
public enum Stage {
    MANIFEST, CONNECT, PLAN, DECODE, WRITE, COMMIT, OFFSETS,
    /** The local development environment: the dev broker, its ports and files. */
    SETUP
}
