package io.sluice.format.jsonschema;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/** Reads one non-null JSON value whose first token is {@code t}, to the end of the value, as a column value. */
interface ValueReader {
    Object read(JsonParser p, JsonToken t) throws IOException, PathException;
}
