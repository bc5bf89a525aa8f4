package dev.sluice.runtime.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The Cloud Run host's HTTP server limits, besides {@link RuntimeConfig#maxBodyBytes()}.
 *
 * @param idleTimeout    how long a connection may send or read nothing before it is closed, mid-request
 *                       included ({@code SLUICE_HTTP_IDLE_TIMEOUT}, default 30s)
 * @param maxHeaderBytes the largest request line plus headers ({@code SLUICE_HTTP_MAX_HEADER_BYTES}, default
 *                       8 KiB); larger is answered 431
 * @param maxThreads     the HTTP server's thread pool, request handlers included ({@code SLUICE_HTTP_MAX_THREADS};
 *                       default the largest queue concurrency plus {@value #SPARE_THREADS})
 */
public record HttpSettings(Duration idleTimeout, int maxHeaderBytes, int maxThreads) {
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_HEADER_BYTES = 8 * 1024;
    /** Threads beyond the handlers': the acceptor, the selector, and spares for health checks and refusals. */
    public static final int SPARE_THREADS = 4;
    /** The fewest threads the server runs with. */
    public static final int MIN_THREADS = 6;

    public HttpSettings {
        Objects.requireNonNull(idleTimeout, "idleTimeout");
    }

    /** The defaults, for {@code concurrency} handlers at once. */
    public static HttpSettings defaults(int concurrency) {
        return new HttpSettings(DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_HEADER_BYTES, Math.max(MIN_THREADS, concurrency + SPARE_THREADS));
    }
}
