package io.sluice.pipeline;

import java.lang.management.ManagementFactory;

/** The CPU time of this whole process (every thread: the run loop, the committer, GC and JIT), as the JVM counts it. */
public final class ProcessCpu {
    private ProcessCpu() {}

    /** CPU nanoseconds (user and system) this process has used so far, or -1 when the JVM cannot tell. */
    public static long nanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /** CPU nanoseconds used since {@code start}, a value of {@link #nanos()}; -1 when either reading is unknown. */
    public static long since(long start) {
        long now = nanos();
        return start < 0 || now < 0 ? -1 : now - start;
    }
}
