package io.sluice.format.protobuf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Descriptors.FileDescriptor;
import io.sluice.format.DecodeException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class MessageIndexesTest {
    @Test
    void firstMessageIsTheSingleByteZero() throws Exception {
        assertThat(MessageIndexes.encode(new int[] {0})).containsExactly(0);
        ByteBuffer buf = ByteBuffer.wrap(new byte[] {0, 42});
        assertThat(MessageIndexes.read(buf)).containsExactly(0);
        assertThat(buf.position()).isEqualTo(1);
    }

    @Test
    void encodesCountAndIndexesAsZigZagVarints() {
        assertThat(MessageIndexes.encode(new int[] {1})).containsExactly(2, 2);
        assertThat(MessageIndexes.encode(new int[] {0, 0})).containsExactly(4, 0, 0);
        assertThat(MessageIndexes.encode(new int[] {64})).containsExactly(2, 0x80, 0x01);
    }

    @Test
    void roundTrips() throws Exception {
        int[][] cases = {{0}, {1}, {0, 0}, {3, 1, 2}, {200, 5000, 0}, {Integer.MAX_VALUE}, new int[100]};
        for (int[] indexes : cases) {
            byte[] encoded = MessageIndexes.encode(indexes);
            ByteBuffer buf = ByteBuffer.allocate(encoded.length + 3).put(encoded).put(new byte[] {9, 9, 9}).flip();
            assertThat(MessageIndexes.read(buf)).containsExactly(indexes);
            assertThat(buf.remaining()).isEqualTo(3);
        }
    }

    @Test
    void badIndexListsAreReportedClearly() {
        assertThatThrownBy(() -> MessageIndexes.read(ByteBuffer.wrap(new byte[] {(byte) 0x80})))
                .isInstanceOf(DecodeException.class)
                .hasMessage("truncated Protobuf message indexes: the payload ends inside the varint of message "
                        + "index count");
        assertThatThrownBy(() -> MessageIndexes.read(ByteBuffer.wrap(new byte[] {4, 2})))
                .hasMessage("truncated Protobuf message indexes: the payload ends inside the varint of message "
                        + "index 2 of 2");
        assertThatThrownBy(() -> MessageIndexes.read(ByteBuffer.wrap(new byte[0])))
                .hasMessageStartingWith("truncated Protobuf message indexes");
        assertThatThrownBy(() -> MessageIndexes.read(ByteBuffer.wrap(new byte[] {1})))
                .hasMessage("invalid Protobuf message index count -1 (expected 0 to 100)");
        assertThatThrownBy(() -> MessageIndexes.read(ByteBuffer.wrap(new byte[] {(byte) 0xCA, 0x01})))
                .hasMessage("invalid Protobuf message index count 101 (expected 0 to 100)");
        assertThatThrownBy(() -> MessageIndexes.read(ByteBuffer.wrap(new byte[] {4, 2, 3})))
                .hasMessage("invalid Protobuf message index -2 at position 1 of [1, -2]");
        byte[] tooLong = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x01};
        assertThatThrownBy(() -> MessageIndexes.read(ByteBuffer.wrap(tooLong)))
                .hasMessage("invalid Protobuf message indexes: the varint of message index count is longer than "
                        + "5 bytes");
    }

    @Test
    void resolvesNestedPaths() throws Exception {
        FileDescriptor file = ProtoSchemas.fromProtoText("orders.proto", Protoc.text("orders.proto"),
                Protoc.resources());
        assertThat(MessageIndexes.resolve(file, new int[] {0}).getFullName()).isEqualTo("shop.orders.Order");
        assertThat(MessageIndexes.resolve(file, new int[] {1}).getFullName()).isEqualTo("shop.orders.OrderRequest");
        assertThat(MessageIndexes.resolve(file, new int[] {0, 0}).getFullName()).isEqualTo("shop.orders.Order.Line");
        // map entries are nested types too, as in Confluent's serializer
        assertThat(MessageIndexes.resolve(file, new int[] {0, 1}).getFullName())
                .isEqualTo("shop.orders.Order.AttributesEntry");

        assertThatThrownBy(() -> MessageIndexes.resolve(file, new int[] {2}))
                .isInstanceOf(DecodeException.class)
                .hasMessage("Protobuf message index path [2]: index 2 at position 0 is out of range; the top level of "
                        + "orders.proto has 2 messages");
        assertThatThrownBy(() -> MessageIndexes.resolve(file, new int[] {0, 9}))
                .hasMessage("Protobuf message index path [0, 9]: index 9 at position 1 is out of range; the message "
                        + "shop.orders.Order has 4 messages");
        assertThatThrownBy(() -> MessageIndexes.resolve(file, new int[] {0, 0, 0}))
                .hasMessage("Protobuf message index path [0, 0, 0]: index 0 at position 2 is out of range; the message "
                        + "shop.orders.Order.Line has 0 messages");
    }

    @Test
    void encodeRejectsWhatReadWouldReject() {
        assertThatThrownBy(() -> MessageIndexes.encode(new int[0]))
                .hasMessage("message index list must have 1 to 100 entries, has 0");
        assertThatThrownBy(() -> MessageIndexes.encode(new int[] {1, -1}))
                .hasMessage("negative message index in [1, -1]");
    }
}
