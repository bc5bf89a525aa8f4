package dev.sluice.testkit.pubsub;

import java.util.List;

/**
 * One page of a List call. The page token is the index of the first item of the next page; an empty
 * token means the last page.
 */
record Page<T>(List<T> items, String nextPageToken) {

    static <T> Page<T> of(List<T> all, int pageSize, String pageToken) {
        int from;
        try {
            from = pageToken.isEmpty() ? 0 : Integer.parseInt(pageToken);
        } catch (NumberFormatException e) {
            throw Errors.invalid("Invalid page token: " + pageToken);
        }
        if (from < 0 || from > all.size()) {
            throw Errors.invalid("Invalid page token: " + pageToken);
        }
        int to = pageSize <= 0 ? all.size() : Math.min(all.size(), from + pageSize);
        return new Page<>(List.copyOf(all.subList(from, to)), to < all.size() ? Integer.toString(to) : "");
    }
}
