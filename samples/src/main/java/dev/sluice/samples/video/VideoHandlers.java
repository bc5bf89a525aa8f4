package dev.sluice.samples.video;

import dev.sluice.Delivery;
import dev.sluice.PermanentFailureException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The four steps of the pipeline, each a handler that does its part and emits the next step as a
 * follow-up event: {@code video.uploaded} → {@code video.transcode} → {@code video.thumbnail} →
 * {@code video.notify}. A step that fails is retried alone; the steps before it are not repeated.
 * Register them with method references: {@code .on(UPLOADED, Video.class, handlers::uploaded)}.
 */
public final class VideoHandlers {
    private final Transcoder transcoder;
    private final List<String> notifications = new CopyOnWriteArrayList<>();

    public VideoHandlers(Transcoder transcoder) {
        this.transcoder = transcoder;
    }

    /** Checks the upload, then asks for a transcode. */
    public void uploaded(Video video, Delivery delivery) {
        if (video.original() == null || video.original().isBlank()) {
            throw new PermanentFailureException("video " + video.id() + " has no uploaded file");
        }
        delivery.emit(VideoSample.TRANSCODE, video);
    }

    /**
     * The slow step: runs longer than the queue's lease. The worker extends the lease every half lease
     * while the handler runs, so the broker does not hand the video to a second worker meanwhile (a handler
     * may also call {@link Delivery#extendLease} itself, but need not).
     */
    public void transcode(Video video, Delivery delivery) throws Exception {
        delivery.emit(VideoSample.THUMBNAIL, video.withRendition(transcoder.transcode(video)));
    }

    /** Makes the thumbnail from the rendition. */
    public void thumbnail(Video video, Delivery delivery) {
        delivery.emit(VideoSample.NOTIFY, video.withThumbnail(video.rendition().replaceAll("\\.mp4$", ".jpg")));
    }

    /** Tells the owner the video is ready. */
    public void notifyOwner(Video video, Delivery delivery) {
        notifications.add(video.owner() + ": \"" + video.title() + "\" is ready (" + video.rendition() + ")");
    }

    /** The notifications sent. */
    public List<String> notifications() {
        return List.copyOf(notifications);
    }
}
