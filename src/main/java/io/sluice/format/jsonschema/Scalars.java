package io.sluice.format.jsonschema;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.sluice.format.jsonschema.Shape.Kind;
import io.sluice.schema.DataType;
import io.sluice.schema.DataType.Scalar;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.UUID;

/**
 * Readers for scalar columns. They coerce only where JSON itself is ambiguous ({@code 3.0} is an integer, an integer
 * is a number); any other mismatch between the value and the column is a {@link PathException} naming the value.
 */
final class Scalars {
    /** About 285,000 years either side of 1970: what fits DuckDB's microsecond timestamps. */
    private static final long MAX_EPOCH_SECONDS = 9_000_000_000_000L;
    private static final long MAX_EPOCH_DAY = MAX_EPOCH_SECONDS / 86_400;

    private Scalars() {}

    static DataType type(Kind kind) {
        return switch (kind) {
            case STRING -> Scalar.VARCHAR;
            case BIGINT -> Scalar.BIGINT;
            case INTEGER -> Scalar.INTEGER;
            case DOUBLE -> Scalar.DOUBLE;
            case FLOAT -> Scalar.FLOAT;
            case BOOLEAN -> Scalar.BOOLEAN;
            case TIMESTAMP -> Scalar.TIMESTAMP;
            case DATE -> Scalar.DATE;
            case TIME -> Scalar.TIME;
            case UUID -> Scalar.UUID;
            case BYTES -> Scalar.BLOB;
        };
    }

    static ValueReader reader(Kind kind) {
        return switch (kind) {
            case STRING -> (p, t) -> text(p, t, "a string");
            case BIGINT -> Scalars::bigint;
            case INTEGER -> Scalars::integer;
            case DOUBLE -> Scalars::doubleValue;
            case FLOAT -> Scalars::floatValue;
            case BOOLEAN -> Scalars::bool;
            case TIMESTAMP -> Scalars::timestamp;
            case DATE -> Scalars::date;
            case TIME -> Scalars::time;
            case UUID -> Scalars::uuid;
            case BYTES -> Scalars::bytes;
        };
    }

    private static String text(JsonParser p, JsonToken t, String expected) throws IOException, PathException {
        if (t != JsonToken.VALUE_STRING) {
            throw new PathException(show(p, t) + " is not " + expected);
        }
        return p.getText();
    }

    private static Object bigint(JsonParser p, JsonToken t) throws IOException, PathException {
        if (t == JsonToken.VALUE_NUMBER_INT) {
            JsonParser.NumberType n = p.getNumberType();
            if (n == JsonParser.NumberType.INT || n == JsonParser.NumberType.LONG) {
                return p.getLongValue();
            }
            throw new PathException(show(p, t) + " is out of range for BIGINT (64 bits)");
        }
        return integral(p, t, false);
    }

    private static Object integer(JsonParser p, JsonToken t) throws IOException, PathException {
        if (t == JsonToken.VALUE_NUMBER_INT) {
            if (p.getNumberType() == JsonParser.NumberType.INT) {
                return p.getIntValue();
            }
            throw new PathException(show(p, t) + " is out of range for INTEGER (32 bits)");
        }
        return integral(p, t, true);
    }

    /** JSON Schema counts a number with a zero fraction ({@code 3.0}, {@code 1e3}) as an integer. */
    private static Object integral(JsonParser p, JsonToken t, boolean int32) throws IOException, PathException {
        if (t != JsonToken.VALUE_NUMBER_FLOAT) {
            throw new PathException(show(p, t) + " is not an integer");
        }
        BigDecimal d;
        try {
            d = p.getDecimalValue();
        } catch (NumberFormatException e) { // an exponent beyond what BigDecimal holds
            throw new PathException(show(p, t) + " is out of range for " + (int32 ? "INTEGER (32 bits)" : "BIGINT (64 bits)"));
        }
        if (d.signum() != 0 && d.stripTrailingZeros().scale() > 0) {
            throw new PathException(show(p, t) + " is not an integer");
        }
        try {
            return int32 ? (Object) d.intValueExact() : (Object) d.longValueExact();
        } catch (ArithmeticException e) {
            throw new PathException(show(p, t) + " is out of range for " + (int32 ? "INTEGER (32 bits)" : "BIGINT (64 bits)"));
        }
    }

    private static Object doubleValue(JsonParser p, JsonToken t) throws IOException, PathException {
        if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
            throw new PathException(show(p, t) + " is not a number");
        }
        double v;
        try {
            v = p.getDoubleValue();
        } catch (NumberFormatException e) {
            v = Double.POSITIVE_INFINITY;
        }
        if (Double.isInfinite(v)) {
            throw new PathException(show(p, t) + " is out of range for DOUBLE");
        }
        return v;
    }

    private static Object floatValue(JsonParser p, JsonToken t) throws IOException, PathException {
        double v = (Double) doubleValue(p, t);
        if (Math.abs(v) > Float.MAX_VALUE) {
            throw new PathException(show(p, t) + " is out of range for FLOAT");
        }
        return (float) v;
    }

    private static Object bool(JsonParser p, JsonToken t) throws IOException, PathException {
        if (t == JsonToken.VALUE_TRUE) {
            return Boolean.TRUE;
        }
        if (t == JsonToken.VALUE_FALSE) {
            return Boolean.FALSE;
        }
        throw new PathException(show(p, t) + " is not a boolean");
    }

    /** RFC 3339 / ISO-8601 with an offset (converted to UTC); without one the time is taken as UTC. */
    private static Object timestamp(JsonParser p, JsonToken t) throws IOException, PathException {
        String s = text(p, t, "a date-time string");
        String iso = s.length() > 10 && (s.charAt(10) == ' ' || s.charAt(10) == 't') ? s.substring(0, 10) + 'T' + s.substring(11) : s;
        if (iso.endsWith("z")) {
            iso = iso.substring(0, iso.length() - 1) + 'Z';
        }
        Instant v;
        try {
            v = OffsetDateTime.parse(iso).toInstant();
        } catch (DateTimeException e) {
            try {
                v = LocalDateTime.parse(iso).toInstant(ZoneOffset.UTC);
            } catch (DateTimeException e2) {
                throw new PathException(show(p, t) + " is not a date-time (RFC 3339, e.g. 2026-01-31T12:00:00Z)");
            }
        }
        if (Math.abs(v.getEpochSecond()) > MAX_EPOCH_SECONDS) {
            throw new PathException(show(p, t) + " is out of range for TIMESTAMP");
        }
        return v;
    }

    private static Object date(JsonParser p, JsonToken t) throws IOException, PathException {
        String s = text(p, t, "a date string");
        LocalDate v;
        try {
            v = LocalDate.parse(s);
        } catch (DateTimeException e) {
            throw new PathException(show(p, t) + " is not a date (e.g. 2026-01-31)");
        }
        if (Math.abs(v.toEpochDay()) > MAX_EPOCH_DAY) {
            throw new PathException(show(p, t) + " is out of range for DATE");
        }
        return v;
    }

    /** A time of day; one with an offset is converted to UTC, as timestamps are. */
    private static Object time(JsonParser p, JsonToken t) throws IOException, PathException {
        String s = text(p, t, "a time string");
        String iso = s.endsWith("z") ? s.substring(0, s.length() - 1) + 'Z' : s;
        try {
            return LocalTime.parse(iso);
        } catch (DateTimeException e) {
            try {
                return OffsetTime.parse(iso).withOffsetSameInstant(ZoneOffset.UTC).toLocalTime();
            } catch (DateTimeException e2) {
                throw new PathException(show(p, t) + " is not a time (e.g. 12:00:00, 12:00:00.5Z or 12:00:00+02:00)");
            }
        }
    }

    private static Object uuid(JsonParser p, JsonToken t) throws IOException, PathException {
        String s = text(p, t, "a UUID string");
        if (!isUuid(s)) {
            throw new PathException(show(p, t) + " is not a UUID (e.g. 123e4567-e89b-12d3-a456-426614174000)");
        }
        return UUID.fromString(s);
    }

    /** Exactly 8-4-4-4-12 hex digits: {@link UUID#fromString} alone accepts shorter groups. */
    static boolean isUuid(String s) {
        if (s.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = s.charAt(i);
            boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
            if (dash ? c != '-' : Character.digit(c, 16) < 0 || c > 'f') {
                return false;
            }
        }
        return true;
    }

    private static Object bytes(JsonParser p, JsonToken t) throws IOException, PathException {
        String s = text(p, t, "a base64 string");
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            try {
                return Base64.getUrlDecoder().decode(s);
            } catch (IllegalArgumentException e2) {
                throw new PathException(show(p, t) + " is not base64");
            }
        }
    }

    /** The value for a message: strings quoted and shortened, numbers as written, structures by kind. */
    static String show(JsonParser p, JsonToken t) throws IOException {
        if (t == null) {
            return "nothing";
        }
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "\"" + abbreviate(p.getText()) + "\"";
            case VALUE_NULL -> "null";
            default -> abbreviate(p.getText());
        };
    }

    static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}
