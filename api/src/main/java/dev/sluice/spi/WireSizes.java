package dev.sluice.spi;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Byte counts as the brokers count them. */
public final class WireSizes {
    private WireSizes() {
    }

    /** UTF-8 length of a string. */
    public static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /** Sum of the UTF-8 lengths of every key and value. */
    public static int attributesSize(Map<String, String> attributes) {
        int size = 0;
        for (var e : attributes.entrySet()) {
            size += utf8(e.getKey()) + utf8(e.getValue());
        }
        return size;
    }
}
