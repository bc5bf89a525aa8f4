package dev.sluice.samples.video;

import dev.sluice.Scheduler;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Takes {@code workTime} per video, measured on Sluice's {@link Scheduler}: on the system clock that is
 * real time; on a test's virtual clock it passes when the test advances the clock, so a test can let a
 * "three-second" transcode run past the lease in no wall time. The wait is bounded by wall time too.
 */
public final class SimulatedTranscoder implements Transcoder {
    private static final Duration WALL_BOUND = Duration.ofMinutes(2);

    private final Scheduler scheduler;
    private final Duration workTime;

    public SimulatedTranscoder(Scheduler scheduler, Duration workTime) {
        this.scheduler = scheduler;
        this.workTime = workTime;
    }

    @Override
    public String transcode(Video video) throws InterruptedException, TimeoutException {
        CountDownLatch done = new CountDownLatch(1);
        Scheduler.Cancellable timer = scheduler.schedule(workTime, done::countDown);
        try {
            if (!done.await(WALL_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new TimeoutException("transcoding " + video.id() + " did not finish within " + WALL_BOUND);
            }
        } finally {
            timer.cancel();
        }
        return video.original().replace("/uploads/", "/renditions/").replaceAll("\\.\\w+$", "") + "-1080p.mp4";
    }
}
