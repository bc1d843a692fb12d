package io.sluice.it.delta;

import io.delta.kernel.DataWriteContext;
import io.delta.kernel.Operation;
import io.delta.kernel.Scan;
import io.delta.kernel.Snapshot;
import io.delta.kernel.TableManager;
import io.delta.kernel.Transaction;
import io.delta.kernel.transaction.UpdateTableTransactionBuilder;
import io.delta.kernel.TransactionCommitResult;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.expressions.Column;
import io.delta.kernel.expressions.Literal;
import io.delta.kernel.hook.PostCommitHook;
import io.delta.kernel.internal.DataWriteContextImpl;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.actions.AddFile;
import io.delta.kernel.internal.actions.SingleAction;
import io.delta.kernel.internal.data.TransactionStateRow;
import io.delta.kernel.statistics.DataFileStatistics;
import io.delta.kernel.transaction.DataLayoutSpec;
import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.BinaryType;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DecimalType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.FieldMetadata;
import io.delta.kernel.types.FloatType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.MapType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampNTZType;
import io.delta.kernel.types.TimestampType;
import io.delta.kernel.utils.CloseableIterable;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.DataFileStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Type.Repetition;
import org.apache.parquet.schema.Types;

/**
 * Fixture tables for tests of the Delta readers, written with Delta Kernel directly (not through Sluice's sink): data
 * files by parquet-java under the physical column names and field ids Kernel assigned, commits by Kernel, post-commit
 * hooks (checkpoints, checksums) run as a writer must. Rows are maps by logical column name; values are Long, Integer,
 * Double, Float, Boolean, String, byte[], BigDecimal, Instant (timestamp), LocalDateTime (timestamp_ntz), LocalDate,
 * a Map by field name for a struct, a List, or a Map for a map column.
 */
public final class KernelTables {
    private static final String ENGINE_INFO = "sluice-tests/kernel-fixture";

    private final Path table;
    private final Engine engine = DefaultEngine.create(new Configuration());
    private final List<String> addedPaths = new ArrayList<>();

    private KernelTables(Path table) {
        this.table = table.toAbsolutePath();
    }

    /** Creates the table (version 0, no data) with column mapping by name and the given properties on top. */
    public static KernelTables create(Path table, StructType schema, List<String> partitionBy, Map<String, String> properties) {
        KernelTables t = new KernelTables(table);
        Map<String, String> props = new LinkedHashMap<>();
        props.put("delta.columnMapping.mode", "name");
        props.putAll(properties);
        var builder = TableManager.buildCreateTableTransaction(t.table.toString(), schema, ENGINE_INFO).withTableProperties(props);
        if (!partitionBy.isEmpty()) {
            List<Column> cols = new ArrayList<>();
            partitionBy.forEach(p -> cols.add(new Column(p)));
            builder = builder.withDataLayoutSpec(DataLayoutSpec.partitioned(cols));
        }
        t.hooks(builder.build(t.engine).commit(t.engine, CloseableIterable.emptyIterable()));
        return t;
    }

    public Path path() {
        return table;
    }

    public Snapshot snapshot() {
        return TableManager.loadSnapshot(table.toString()).build(engine);
    }

    /** The log paths of the files added so far, in order. */
    public List<String> addedPaths() {
        return List.copyOf(addedPaths);
    }

    /** Appends rows: one file per distinct partition, one commit ({@code WRITE}). Returns its version. */
    public long append(List<Map<String, Object>> rows) {
        return append(rows, null, 0, Map.of());
    }

    /** Appends rows in one commit that also carries {@code txn(appId, txnVersion)} (when appId is set) and domains. */
    public long append(List<Map<String, Object>> rows, String appId, long txnVersion, Map<String, String> domains) {
        UpdateTableTransactionBuilder b = snapshot().buildUpdateTableTransaction(ENGINE_INFO, appId == null ? Operation.WRITE : Operation.STREAMING_UPDATE);
        if (appId != null) {
            b = b.withTransactionId(appId, txnVersion);
        }
        Transaction txn = b.build(engine);
        domains.forEach(txn::addDomainMetadata);
        List<Row> actions = new ArrayList<>();
        for (List<Map<String, Object>> part : byPartition(txn, rows).values()) {
            actions.addAll(writeFile(txn, part, true));
        }
        return commit(txn, actions);
    }

    /**
     * Rewrites files in one commit that changes no data: removes the live files whose log paths are given and adds
     * {@code rows} (which must be the removed files' rows) as one file per partition, all with {@code dataChange=false}.
     */
    public long compact(List<String> paths, List<Map<String, Object>> rows) {
        Snapshot s = snapshot();
        Transaction txn = s.buildUpdateTableTransaction(ENGINE_INFO, Operation.MANUAL_UPDATE).build(engine);
        List<Row> actions = new ArrayList<>();
        long now = System.currentTimeMillis();
        int removed = 0;
        Scan scan = s.getScanBuilder().build();
        try (CloseableIterator<FilteredColumnarBatch> files = scan.getScanFiles(engine)) {
            while (files.hasNext()) {
                FilteredColumnarBatch batch = files.next();
                try (CloseableIterator<Row> it = batch.getRows()) {
                    while (it.hasNext()) {
                        AddFile add = new AddFile(it.next().getStruct(InternalScanFileUtils.ADD_FILE_ORDINAL));
                        if (paths.contains(add.getPath())) {
                            actions.add(SingleAction.createRemoveFileSingleAction(add.toRemoveFileRow(false, Optional.of(now))));
                            removed++;
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (removed != paths.size()) {
            throw new IllegalArgumentException("of " + paths + " only " + removed + " are live files");
        }
        for (List<Map<String, Object>> part : byPartition(txn, rows).values()) {
            actions.addAll(writeFile(txn, part, false));
        }
        return commit(txn, actions);
    }

    /**
     * Changes the schema ({@code Manual Update}): {@code change} gets the current schema (with its column mapping
     * metadata) and returns the new one; fields it adds without mapping metadata get a fresh id and a
     * {@code col-<uuid>} physical name, as a writer must assign them.
     */
    public long evolve(UnaryOperator<StructType> change) {
        Snapshot s = snapshot();
        long[] maxId = {Long.parseLong(s.getTableProperties().get("delta.columnMapping.maxColumnId"))};
        StructType evolved = (StructType) assignIds(change.apply(s.getSchema()), maxId);
        Transaction txn = s.buildUpdateTableTransaction(ENGINE_INFO, Operation.MANUAL_UPDATE).withUpdatedSchema(evolved).build(engine);
        return commit(txn, List.of());
    }

    /** Writes a checkpoint at the latest version (as the CHECKPOINT hook would) and returns that version. */
    public long checkpoint() {
        Snapshot s = snapshot();
        try {
            s.writeCheckpoint(engine);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return s.getVersion();
    }

    private long commit(Transaction txn, List<Row> actions) {
        return hooks(txn.commit(engine, CloseableIterable.inMemoryIterable(io.delta.kernel.internal.util.Utils.toCloseableIterator(actions.iterator()))));
    }

    private long hooks(TransactionCommitResult r) {
        for (PostCommitHook h : r.getPostCommitHooks()) {
            try {
                h.threadSafeInvoke(engine);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return r.getVersion();
    }

    private static DataType assignIds(DataType t, long[] maxId) {
        if (t instanceof StructType st) {
            List<StructField> out = new ArrayList<>();
            for (StructField f : st.fields()) {
                StructField g = f.withDataType(assignIds(f.getDataType(), maxId));
                if (!f.getMetadata().contains("delta.columnMapping.physicalName")) {
                    FieldMetadata md = FieldMetadata.builder().fromMetadata(f.getMetadata())
                            .putLong("delta.columnMapping.id", ++maxId[0])
                            .putString("delta.columnMapping.physicalName", "col-" + UUID.randomUUID()).build();
                    g = new StructField(g.getName(), g.getDataType(), g.isNullable(), md);
                }
                out.add(g);
            }
            return new StructType(out);
        }
        if (t instanceof ArrayType a) {
            return new ArrayType(assignIds(a.getElementType(), maxId), a.containsNull());
        }
        if (t instanceof MapType m) {
            return new MapType(assignIds(m.getKeyType(), maxId), assignIds(m.getValueType(), maxId), m.isValueContainsNull());
        }
        return t;
    }

    private Map<List<Object>, List<Map<String, Object>>> byPartition(Transaction txn, List<Map<String, Object>> rows) {
        List<String> parts = TransactionStateRow.getPartitionColumnsList(txn.getTransactionState(engine));
        Map<List<Object>, List<Map<String, Object>>> out = new LinkedHashMap<>();
        for (Map<String, Object> row : rows) {
            List<Object> key = new ArrayList<>();
            parts.forEach(p -> key.add(row.get(p)));
            out.computeIfAbsent(key, k -> new ArrayList<>()).add(row);
        }
        return out;
    }

    /** Writes one Parquet file of rows that share their partition values; returns its add action. */
    private List<Row> writeFile(Transaction txn, List<Map<String, Object>> rows, boolean dataChange) {
        Row state = txn.getTransactionState(engine);
        StructType logical = txn.getSchema(engine);
        List<String> parts = TransactionStateRow.getPartitionColumnsList(state);
        Map<String, Literal> partitionValues = new HashMap<>();
        for (String p : parts) {
            StructField f = field(logical, p);
            partitionValues.put(f.getName(), literal(f.getDataType(), rows.get(0).get(f.getName())));
        }
        DataWriteContext ctx = Transaction.getWriteContext(engine, state, partitionValues);
        List<Type> columns = new ArrayList<>();
        List<StructField> dataFields = new ArrayList<>();
        for (StructField f : logical.fields()) {
            if (parts.stream().noneMatch(p -> p.equalsIgnoreCase(f.getName()))) {
                columns.add(parquet(f, Repetition.OPTIONAL));
                dataFields.add(f);
            }
        }
        MessageType message = new MessageType("spark_schema", columns);
        Path file;
        try {
            // a URI: the Hive-escaped directory name (a%2Fb%3Dc) with its % escaped again
            Path d = Paths.get(URI.create(ctx.getTargetDirectory()));
            Files.createDirectories(d);
            file = d.resolve("part-" + UUID.randomUUID() + ".zstd.parquet");
            SimpleGroupFactory groups = new SimpleGroupFactory(message);
            try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(file)).withType(message)
                    .withConf(new Configuration()).withCompressionCodec(CompressionCodecName.ZSTD).build()) {
                for (Map<String, Object> row : rows) {
                    Group g = groups.newGroup();
                    for (StructField f : dataFields) {
                        put(g, physical(f), f.getDataType(), row.get(f.getName()));
                    }
                    w.write(g);
                }
            }
            DataFileStatistics stats = new DataFileStatistics(rows.size(), Map.of(), Map.of(), Map.of(), Optional.empty());
            // Kernel takes a Hadoop path string, not a URI: it percent-encodes the path itself (file.toUri() would be
            // encoded twice, and the log would name a file that is not there)
            DataFileStatus status = new DataFileStatus("file:" + file.toAbsolutePath(), Files.size(file),
                    Files.getLastModifiedTime(file).toMillis(), Optional.of(stats));
            Row action;
            if (dataChange) {
                action = Transaction.generateAppendActions(engine, state,
                        io.delta.kernel.internal.util.Utils.singletonCloseableIterator(status), ctx).next();
            } else {
                AddFile add = AddFile.convertDataFileStatus(TransactionStateRow.getPhysicalSchema(state),
                        new org.apache.hadoop.fs.Path(TransactionStateRow.getTablePath(state)).toUri(), status,
                        ((DataWriteContextImpl) ctx).getPartitionValues(), false, Map.of(), Optional.empty(), Optional.empty(),
                        Optional.empty());
                action = SingleAction.createAddFileSingleAction(add.toRow());
            }
            addedPaths.add(action.getStruct(SingleAction.ADD_FILE_ORDINAL).getString(AddFile.FULL_SCHEMA.indexOf("path")));
            return List.of(action);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static StructField field(StructType t, String name) {
        for (StructField f : t.fields()) {
            if (f.getName().equalsIgnoreCase(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException("no column " + name + " in " + t);
    }

    private static String physical(StructField f) {
        return f.getMetadata().getString("delta.columnMapping.physicalName");
    }

    private static Literal literal(DataType t, Object v) {
        if (v == null) {
            return Literal.ofNull(t);
        }
        if (t instanceof StringType) {
            return Literal.ofString((String) v);
        }
        if (t instanceof LongType) {
            return Literal.ofLong((Long) v);
        }
        if (t instanceof IntegerType) {
            return Literal.ofInt((Integer) v);
        }
        if (t instanceof DateType) {
            return Literal.ofDate((int) ((LocalDate) v).toEpochDay());
        }
        if (t instanceof BooleanType) {
            return Literal.ofBoolean((Boolean) v);
        }
        if (t instanceof TimestampType) {
            return Literal.ofTimestamp(micros((Instant) v));
        }
        throw new IllegalArgumentException("no partition literal for " + t);
    }

    private static long micros(Instant i) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, i);
    }

    /** The Parquet type of a field: its physical name and field id, nested fields likewise. */
    private static Type parquet(StructField f, Repetition rep) {
        Type t = parquet(f.getDataType(), physical(f), rep);
        return t.withId(f.getMetadata().getLong("delta.columnMapping.id").intValue());
    }

    private static Type parquet(DataType t, String name, Repetition rep) {
        if (t instanceof StructType st) {
            List<Type> fields = new ArrayList<>();
            st.fields().forEach(f -> fields.add(parquet(f, Repetition.OPTIONAL)));
            return new GroupType(rep, name, fields);
        }
        if (t instanceof ArrayType a) {
            GroupType list = new GroupType(Repetition.REPEATED, "list", parquet(a.getElementType(), "element", Repetition.OPTIONAL));
            return Types.buildGroup(rep).as(LogicalTypeAnnotation.listType()).addField(list).named(name);
        }
        if (t instanceof MapType m) {
            GroupType kv = new GroupType(Repetition.REPEATED, "key_value", parquet(m.getKeyType(), "key", Repetition.REQUIRED),
                    parquet(m.getValueType(), "value", Repetition.OPTIONAL));
            return Types.buildGroup(rep).as(LogicalTypeAnnotation.mapType()).addField(kv).named(name);
        }
        if (t instanceof LongType) {
            return Types.primitive(PrimitiveTypeName.INT64, rep).named(name);
        }
        if (t instanceof IntegerType) {
            return Types.primitive(PrimitiveTypeName.INT32, rep).named(name);
        }
        if (t instanceof DoubleType) {
            return Types.primitive(PrimitiveTypeName.DOUBLE, rep).named(name);
        }
        if (t instanceof FloatType) {
            return Types.primitive(PrimitiveTypeName.FLOAT, rep).named(name);
        }
        if (t instanceof BooleanType) {
            return Types.primitive(PrimitiveTypeName.BOOLEAN, rep).named(name);
        }
        if (t instanceof StringType) {
            return Types.primitive(PrimitiveTypeName.BINARY, rep).as(LogicalTypeAnnotation.stringType()).named(name);
        }
        if (t instanceof BinaryType) {
            return Types.primitive(PrimitiveTypeName.BINARY, rep).named(name);
        }
        if (t instanceof DateType) {
            return Types.primitive(PrimitiveTypeName.INT32, rep).as(LogicalTypeAnnotation.dateType()).named(name);
        }
        if (t instanceof TimestampType) {
            return Types.primitive(PrimitiveTypeName.INT64, rep).as(LogicalTypeAnnotation.timestampType(true, TimeUnit.MICROS)).named(name);
        }
        if (t instanceof TimestampNTZType) {
            return Types.primitive(PrimitiveTypeName.INT64, rep).as(LogicalTypeAnnotation.timestampType(false, TimeUnit.MICROS)).named(name);
        }
        if (t instanceof DecimalType d && d.getPrecision() <= 18) {
            return Types.primitive(PrimitiveTypeName.INT64, rep).as(LogicalTypeAnnotation.decimalType(d.getScale(), d.getPrecision())).named(name);
        }
        throw new IllegalArgumentException("the fixture writer has no Parquet type for " + t);
    }

    @SuppressWarnings("unchecked")
    private static void put(Group g, String name, DataType t, Object v) {
        if (v == null) {
            return;
        }
        if (t instanceof StructType st) {
            Group child = g.addGroup(name);
            Map<String, Object> m = (Map<String, Object>) v;
            for (StructField f : st.fields()) {
                put(child, physical(f), f.getDataType(), m.get(f.getName()));
            }
        } else if (t instanceof ArrayType a) {
            Group list = g.addGroup(name);
            for (Object e : (List<Object>) v) {
                Group item = list.addGroup("list");
                put(item, "element", a.getElementType(), e);
            }
        } else if (t instanceof MapType m) {
            Group map = g.addGroup(name);
            for (Map.Entry<Object, Object> e : ((Map<Object, Object>) v).entrySet()) {
                Group kv = map.addGroup("key_value");
                put(kv, "key", m.getKeyType(), e.getKey());
                put(kv, "value", m.getValueType(), e.getValue());
            }
        } else if (t instanceof LongType) {
            g.append(name, (Long) v);
        } else if (t instanceof IntegerType) {
            g.append(name, (Integer) v);
        } else if (t instanceof DoubleType) {
            g.append(name, (Double) v);
        } else if (t instanceof FloatType) {
            g.append(name, (Float) v);
        } else if (t instanceof BooleanType) {
            g.append(name, (Boolean) v);
        } else if (t instanceof StringType) {
            g.append(name, (String) v);
        } else if (t instanceof BinaryType) {
            g.append(name, Binary.fromConstantByteArray((byte[]) v));
        } else if (t instanceof DateType) {
            g.append(name, (int) ((LocalDate) v).toEpochDay());
        } else if (t instanceof TimestampType) {
            g.append(name, micros((Instant) v));
        } else if (t instanceof TimestampNTZType) {
            g.append(name, micros(((LocalDateTime) v).toInstant(ZoneOffset.UTC)));
        } else if (t instanceof DecimalType d) {
            g.append(name, ((BigDecimal) v).setScale(d.getScale()).unscaledValue().longValueExact());
        } else {
            throw new IllegalArgumentException("the fixture writer cannot write " + t);
        }
    }
}
