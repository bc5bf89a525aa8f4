package dev.sluice.samples.video;

import dev.sluice.Interceptor;
import dev.sluice.Publisher;
import dev.sluice.QueueSpec;
import dev.sluice.RetryPolicy;
import dev.sluice.core.Sluice;
import dev.sluice.samples.Progress;
import dev.sluice.samples.SampleQueues;
import dev.sluice.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Sample 3, a video pipeline: upload → transcode → thumbnail → notify, each step a follow-up event of the
 * one before. Transcoding takes 3 s on a 2 s lease: the worker extends the lease while it runs, and no
 * video is delivered twice.
 *
 * <p>Run it: {@code mvn -q -pl samples exec:java -Dexec.mainClass=dev.sluice.samples.video.VideoSample}.
 * On SQS or Pub/Sub: set {@code SLUICE_QUEUE_VIDEO_URI} (Pub/Sub's shortest ack deadline is 10 s: set
 * {@code SLUICE_QUEUE_VIDEO_LEASE=10s} there).
 */
public final class VideoSample implements AutoCloseable {
    public static final String QUEUE = "video";
    public static final String UPLOADED = "video.uploaded";
    public static final String TRANSCODE = "video.transcode";
    public static final String THUMBNAIL = "video.thumbnail";
    public static final String NOTIFY = "video.notify";
    /** The queue's lease. */
    public static final Duration LEASE = Duration.ofSeconds(2);
    /** How long a transcode takes: longer than {@link #LEASE}. */
    public static final Duration TRANSCODE_TIME = Duration.ofSeconds(3);

    private final Sluice sluice;
    private final QueueSpec spec;
    private final Worker worker;

    public VideoSample(Sluice sluice, QueueSpec spec, VideoHandlers handlers, Interceptor... interceptors) {
        this.sluice = sluice;
        this.spec = spec;
        Worker.Builder builder = sluice.worker(spec)
                .on(UPLOADED, Video.class, handlers::uploaded)
                .on(TRANSCODE, Video.class, handlers::transcode)
                .on(THUMBNAIL, Video.class, handlers::thumbnail)
                .on(NOTIFY, Video.class, handlers::notifyOwner);
        for (Interceptor i : interceptors) builder.interceptor(i);
        this.worker = builder.start();
    }

    /** The sample's queue: a 2 s lease, 4 handlers at once, 3 attempts. */
    public static QueueSpec spec() {
        return QueueSpec.builder("mem://" + QUEUE)
                .lease(LEASE)
                .concurrency(4)
                .maxDeliveryAttempts(3)
                .retryPolicy(RetryPolicy.exponential(Duration.ofSeconds(1)).jitter(0).build())
                .build();
    }

    public static QueueSpec spec(SampleQueues config) {
        return config.spec(QUEUE, spec());
    }

    /** {@code count} uploads. */
    public static List<Video> uploads(int count) {
        String[] titles = {"Cat vs. cucumber", "Sourdough, day 3", "Sunrise over Arthur's Seat", "Unboxing a kettle",
            "Tea tasting", "Conference talk"};
        List<Video> out = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            String id = String.format("video-%02d", i);
            out.add(new Video(id, titles[(i - 1) % titles.length], "user" + i + "@example.com",
                    "s3://media/uploads/" + id + ".mov", null, null));
        }
        return out;
    }

    /** Publishes one {@code video.uploaded} per video. */
    public void publish(List<Video> videos) {
        Publisher publisher = sluice.publisher(spec.uri());
        CompletableFuture.allOf(videos.stream().map(v -> publisher.publish(UPLOADED, v)).toArray(CompletableFuture[]::new))
                .join();
    }

    public QueueSpec queueSpec() {
        return spec;
    }

    @Override
    public void close() {
        worker.close();
    }

    /** Uploads four videos and follows them through the pipeline. */
    public static void main(String[] args) throws Exception {
        QueueSpec spec = spec(SampleQueues.fromSystem());
        Progress progress = new Progress();
        try (Sluice sluice = progress.countPublishes(Sluice.builder()).build()) {
            VideoHandlers handlers = new VideoHandlers(new SimulatedTranscoder(sluice.scheduler(), TRANSCODE_TIME));
            try (VideoSample sample = new VideoSample(sluice, spec, handlers, progress)) {
                System.out.println("Uploading 4 videos to " + spec.uri() + " (lease " + spec.lease().toSeconds()
                        + " s, transcoding " + TRANSCODE_TIME.toSeconds() + " s)");
                sample.publish(uploads(4));
                progress.awaitIdle(Duration.ofMinutes(1));
                System.out.println(progress.line());
                handlers.notifications().forEach(n -> System.out.println("  notified " + n));
                System.out.println("transcode deliveries " + progress.handler(TRANSCODE).calls() + " for 4 videos; "
                        + "lease extensions " + progress.leaseExtensions());
            }
        }
    }
}
