package io.sluice.it;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * A separate process that holds a DuckDB file open for writing (and so its lock) until its stdin closes: run by
 * tests that need "the warehouse is locked by another process". Prints {@code holding} once it has the lock.
 */
public final class HoldDuckDbLock {
    private HoldDuckDbLock() {}

    public static void main(String[] args) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + args[0]); Statement s = c.createStatement()) {
            s.execute("SELECT 1");
            System.out.println("holding");
            System.out.flush();
            // until the test closes our stdin, destroys us, or itself goes away
            while (System.in.read() >= 0) {
                // ignore input
            }
        }
    }
}
