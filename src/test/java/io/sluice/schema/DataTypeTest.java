package io.sluice.schema;

import static io.sluice.schema.DataType.Scalar.BIGINT;
import static io.sluice.schema.DataType.Scalar.BOOLEAN;
import static io.sluice.schema.DataType.Scalar.DOUBLE;
import static io.sluice.schema.DataType.Scalar.INTEGER;
import static io.sluice.schema.DataType.Scalar.JSON;
import static io.sluice.schema.DataType.Scalar.TIMESTAMP;
import static io.sluice.schema.DataType.Scalar.VARCHAR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.schema.DataType.Field;
import io.sluice.schema.DataType.Scalar;
import io.sluice.schema.DataType.Struct;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DataTypeTest {

    @Test
    void structFieldsMatchIgnoringCaseAsColumnsDo() {
        Struct a = new Struct(List.of(new Field("Name", INTEGER), new Field("x", BOOLEAN)));
        Struct b = new Struct(List.of(new Field("name", BIGINT), new Field("y", VARCHAR)));

        assertThat(DataType.widen(a, b)).isEqualTo(new Struct(List.of(new Field("Name", BIGINT), new Field("x", BOOLEAN),
                new Field("y", VARCHAR))));
        assertThat(DataType.widen(a, new Struct(List.of(new Field("NAME", INTEGER))))).isEqualTo(a);
        assertThat(Evolution.widensSafely(a, new Struct(List.of(new Field("NAME", BIGINT), new Field("X", BOOLEAN))))).isTrue();
        assertThat(DataType.fieldValue(Map.of("name", 2), "Name")).isEqualTo(2);
        assertThat(DataType.fieldValue(Map.of("other", 2), "Name")).isNull();
    }

    @Test
    void infersTheTypeOfEachKindOfValue() {
        assertThat(DataType.of("x")).isEqualTo(VARCHAR);
        assertThat(DataType.of(1)).isEqualTo(INTEGER);
        assertThat(DataType.of(1L)).isEqualTo(BIGINT);
        assertThat(DataType.of(1.5)).isEqualTo(DOUBLE);
        assertThat(DataType.of(true)).isEqualTo(BOOLEAN);
        assertThat(DataType.of(new JsonText("[1]"))).isEqualTo(JSON);
        assertThat(DataType.of(Instant.EPOCH)).isEqualTo(TIMESTAMP);
    }

    @Test
    void infersStructFieldsInOrderAndSkipsNulls() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("z", 1L);
        inner.put("gone", null);
        Map<String, Object> outer = new LinkedHashMap<>();
        outer.put("b", "x");
        outer.put("a", inner);
        outer.put("n", null);

        assertThat(DataType.of(outer)).isEqualTo(struct(
                new Field("b", VARCHAR),
                new Field("a", struct(new Field("z", BIGINT)))));
    }

    @Test
    void rejectsValuesWithoutAColumnType() {
        assertThatThrownBy(() -> DataType.of(java.time.Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no column type for java.time.Duration");
    }

    @ParameterizedTest(name = "{0} + {1} = {2}")
    @CsvSource({
        "INTEGER,   INTEGER,   INTEGER",
        "INTEGER,   BIGINT,    BIGINT",
        "INTEGER,   DOUBLE,    DOUBLE",
        "BIGINT,    DOUBLE,    DOUBLE",
        "BOOLEAN,   INTEGER,   VARCHAR",
        "BOOLEAN,   DOUBLE,    VARCHAR",
        "BOOLEAN,   BOOLEAN,   BOOLEAN",
        "VARCHAR,   INTEGER,   VARCHAR",
        "VARCHAR,   JSON,      VARCHAR",
        "JSON,      JSON,      JSON",
        "JSON,      INTEGER,   VARCHAR",
        "TIMESTAMP, BIGINT,    VARCHAR",
        "TIMESTAMP, TIMESTAMP, TIMESTAMP",
    })
    void widensScalars(Scalar a, Scalar b, Scalar expected) {
        assertThat(DataType.widen(a, b)).isEqualTo(expected);
        assertThat(DataType.widen(b, a)).isEqualTo(expected);
    }

    @Test
    void wideningIsSymmetricIdempotentAndAssociative() {
        List<DataType> all = new ArrayList<>(List.of(Scalar.values()));
        all.add(struct(new Field("a", INTEGER)));
        for (DataType a : all) {
            assertThat(DataType.widen(a, a)).isEqualTo(a);
            for (DataType b : all) {
                DataType ab = DataType.widen(a, b);
                assertThat(DataType.widen(b, a)).as("%s + %s is symmetric", a, b).isEqualTo(ab);
                assertThat(DataType.widen(a, ab)).as("%s + (%s + %s) adds nothing", a, a, b).isEqualTo(ab);
                for (DataType c : all) {
                    assertThat(DataType.widen(DataType.widen(a, b), c)).as("(%s + %s) + %s is associative", a, b, c)
                            .isEqualTo(DataType.widen(a, DataType.widen(b, c)));
                }
            }
        }
    }

    @Test
    void structsMergeFieldByFieldKeepingFirstSeenOrder() {
        Struct first = struct(new Field("id", INTEGER), new Field("flag", BOOLEAN), new Field("name", VARCHAR));
        Struct second = struct(new Field("extra", DOUBLE), new Field("id", DOUBLE), new Field("flag", INTEGER));

        assertThat(DataType.widen(first, second)).isEqualTo(struct(
                new Field("id", DOUBLE),
                new Field("flag", VARCHAR),
                new Field("name", VARCHAR),
                new Field("extra", DOUBLE)));
    }

    @Test
    void nestedStructsMergeRecursively() {
        Struct a = struct(new Field("geo", struct(new Field("lat", INTEGER))));
        Struct b = struct(new Field("geo", struct(new Field("lat", DOUBLE), new Field("lon", DOUBLE))));
        Struct c = struct(new Field("geo", JSON));

        assertThat(DataType.widen(a, b)).isEqualTo(
                struct(new Field("geo", struct(new Field("lat", DOUBLE), new Field("lon", DOUBLE)))));
        assertThat(DataType.widen(a, c)).isEqualTo(struct(new Field("geo", JSON)));
    }

    @Test
    void structMeetsJsonInJsonAndAnythingElseInVarchar() {
        Struct s = struct(new Field("a", INTEGER));

        assertThat(DataType.widen(s, JSON)).isEqualTo(JSON);
        assertThat(DataType.widen(JSON, s)).isEqualTo(JSON);
        assertThat(DataType.widen(s, INTEGER)).isEqualTo(VARCHAR);
        assertThat(DataType.widen(s, VARCHAR)).isEqualTo(VARCHAR);
        assertThat(DataType.widen(BOOLEAN, s)).isEqualTo(VARCHAR);
    }

    @Test
    void structFieldsAreCopied() {
        List<Field> fields = new ArrayList<>(List.of(new Field("a", INTEGER)));
        Struct s = new Struct(fields);
        fields.add(new Field("b", INTEGER));

        assertThat(s.fields()).containsExactly(new Field("a", INTEGER));
    }

    private static Struct struct(Field... fields) {
        return new Struct(List.of(fields));
    }
}
