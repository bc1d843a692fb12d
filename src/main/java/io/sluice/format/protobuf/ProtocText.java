package io.sluice.format.protobuf;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/** Reproduces how protoc spells derived names and default values, so our descriptors equal protoc's. */
final class ProtocText {
    private ProtocText() {
    }

    /** {@code foo_bar} becomes {@code fooBar}; only letters after an underscore change case. */
    static String jsonName(String fieldName) {
        StringBuilder out = new StringBuilder(fieldName.length());
        boolean upperNext = false;
        for (int i = 0; i < fieldName.length(); i++) {
            char c = fieldName.charAt(i);
            if (c == '_') {
                upperNext = true;
            } else {
                out.append(upperNext ? Character.toUpperCase(c) : c);
                upperNext = false;
            }
        }
        return out.toString();
    }

    /** {@code foo_bar} becomes {@code FooBarEntry}, the name of the nested message behind a map field. */
    static String mapEntryName(String fieldName) {
        StringBuilder out = new StringBuilder(fieldName.length() + 5);
        boolean upperNext = true;
        for (int i = 0; i < fieldName.length(); i++) {
            char c = fieldName.charAt(i);
            if (c == '_') {
                upperNext = true;
            } else {
                out.append(upperNext && c >= 'a' && c <= 'z' ? (char) (c - 'a' + 'A') : c);
                upperNext = false;
            }
        }
        return out.append("Entry").toString();
    }

    /** Escapes bytes the way protoc writes a bytes field's default: C escapes, other non-printables in octal. */
    static String cEscape(byte[] bytes) {
        StringBuilder out = new StringBuilder(bytes.length);
        for (byte b : bytes) {
            int c = b & 0xFF;
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '"' -> out.append("\\\"");
                case '\'' -> out.append("\\'");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20 || c >= 0x7F) {
                        out.append('\\').append((char) ('0' + (c >> 6))).append((char) ('0' + ((c >> 3) & 7)))
                                .append((char) ('0' + (c & 7)));
                    } else {
                        out.append((char) c);
                    }
                }
            }
        }
        return out.toString();
    }

    /** The shortest of C's {@code %.15g} and {@code %.17g} that reads back as the same double. */
    static String doubleText(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return Double.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
        }
        String s = formatG(v, 15);
        return Double.parseDouble(s) == v ? s : formatG(v, 17);
    }

    /** The shortest of C's {@code %.6g} and {@code %.9g} that reads back as the same float. */
    static String floatText(float v) {
        if (Float.isNaN(v) || Float.isInfinite(v)) {
            return Float.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
        }
        String s = formatG(v, 6);
        return Float.parseFloat(s) == v ? s : formatG(v, 9);
    }

    /** C's {@code printf("%.{precision}g")} for a finite value. */
    static String formatG(double v, int precision) {
        if (v == 0) {
            return (1 / v < 0) ? "-0" : "0";
        }
        BigDecimal rounded = new BigDecimal(v).round(new MathContext(precision, RoundingMode.HALF_EVEN));
        int exponent = rounded.precision() - rounded.scale() - 1;
        if (exponent < -4 || exponent >= precision) {
            String digits = rounded.unscaledValue().abs().toString().replaceFirst("0+$", "");
            StringBuilder out = new StringBuilder();
            if (rounded.signum() < 0) {
                out.append('-');
            }
            out.append(digits.charAt(0));
            if (digits.length() > 1) {
                out.append('.').append(digits, 1, digits.length());
            }
            out.append('e').append(exponent < 0 ? '-' : '+');
            int abs = Math.abs(exponent);
            if (abs < 10) {
                out.append('0');
            }
            return out.append(abs).toString();
        }
        return rounded.stripTrailingZeros().toPlainString();
    }
}
