package dev.sluice.kafka;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The attempts of records waiting in place, kept in the metadata string of their partition's commit so that the next
 * owner of the partition goes on counting: {@code sluice-attempts:1 0:2,5:1} (offsets relative to the committed one,
 * then the attempts). At most {@value #MAX_CHARS} characters, under Kafka's default {@code offset.metadata.max.bytes}
 * (4096): past that the highest offsets are left out, and those records count from 1 again after a crash. Metadata that
 * is not Sluice's (another tool committed) reads as none.
 */
final class AttemptsMetadata {
    static final int MAX_CHARS = 3000;
    private static final String PREFIX = "sluice-attempts:1 ";

    private AttemptsMetadata() {
    }

    /** The metadata for a commit at {@code base} of {@code attempts} (offset to attempts, offsets at or above base). */
    static String write(long base, Map<Long, Integer> attempts) {
        if (attempts.isEmpty()) return "";
        StringBuilder s = new StringBuilder(PREFIX);
        boolean first = true;
        for (Map.Entry<Long, Integer> e : new java.util.TreeMap<>(attempts).entrySet()) {
            if (e.getKey() < base || e.getValue() <= 0) continue;
            String item = (first ? "" : ",") + (e.getKey() - base) + ":" + e.getValue();
            if (s.length() + item.length() > MAX_CHARS) break;
            s.append(item);
            first = false;
        }
        return first ? "" : s.toString();
    }

    /** The attempts in the metadata of a commit at {@code base}; none when it is not Sluice's or cannot be read. */
    static Map<Long, Integer> read(long base, String metadata) {
        Map<Long, Integer> attempts = new LinkedHashMap<>();
        if (metadata == null || !metadata.startsWith(PREFIX)) return attempts;
        try {
            for (String item : metadata.substring(PREFIX.length()).split(",")) {
                int colon = item.indexOf(':');
                long offset = base + Long.parseLong(item.substring(0, colon));
                int n = Integer.parseInt(item.substring(colon + 1));
                if (offset >= base && n > 0) attempts.put(offset, n);
            }
        } catch (RuntimeException e) {
            return new LinkedHashMap<>();
        }
        return attempts;
    }
}
