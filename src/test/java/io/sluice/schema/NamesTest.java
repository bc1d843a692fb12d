package io.sluice.schema;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NamesTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(quoteCharacter = '`', value = {
        "orders,               orders",
        "sensor-events.v1,     sensor_events_v1",
        "Orders.EU,            orders_eu",
        "__consumer,           __consumer",
        "2024_sales,           t2024_sales",
        "9,                    t9",
        "``,                   t",
        "caf\u00e9-\u00fcber,  caf___ber",
        "a b/c,                a_b_c",
    })
    void makesLowerCaseSqlIdentifiers(String raw, String expected) {
        assertThat(Names.safeIdentifier(raw)).isEqualTo(expected);
        assertThat(Names.safeIdentifier(raw)).matches("[a-z_][a-z0-9_]*");
    }
}
