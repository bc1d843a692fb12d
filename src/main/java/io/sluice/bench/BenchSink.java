package io.sluice.bench;

import java.util.Locale;
import java.util.Optional;

/** The sink of the pipeline that {@code sluice bench} measures; the plain-consumer ceiling is the same for each. */
public sealed interface BenchSink permits BenchSink.DuckDb, BenchSink.Parquet, BenchSink.Delta {

    /** The word of {@code --sink} and of the manifest's {@code sink.type}. */
    String word();

    /** A fresh DuckDB file, table {@code sensor_events}. */
    record DuckDb() implements BenchSink {
        @Override
        public String word() {
            return "duckdb";
        }
    }

    /**
     * Parquet files in a fresh local directory, one table per topic ({@code table: "{topic}"}). The planned
     * {@code --s3} adds where in a bucket to write as a component of this record; only {@link ParquetUnderTest}'s
     * location methods change with it.
     */
    record Parquet() implements BenchSink {
        @Override
        public String word() {
            return "parquet";
        }
    }

    /** A Delta table in a fresh local directory, one per topic ({@code table: "{topic}"}). */
    record Delta() implements BenchSink {
        @Override
        public String word() {
            return "delta";
        }
    }

    /** The choice a {@code --sink} word names, if any. */
    static Optional<BenchSink> parse(String word) {
        return switch (word.toLowerCase(Locale.ROOT)) {
            case "duckdb" -> Optional.of(new DuckDb());
            case "parquet" -> Optional.of(new Parquet());
            case "delta" -> Optional.of(new Delta());
            default -> Optional.empty();
        };
    }
}
