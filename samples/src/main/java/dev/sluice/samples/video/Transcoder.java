package dev.sluice.samples.video;

/** Turns an upload into a streamable rendition. Slow: longer than the queue's lease. */
public interface Transcoder {

    /** Transcodes {@code video}'s original; returns where the rendition is. */
    String transcode(Video video) throws Exception;
}
