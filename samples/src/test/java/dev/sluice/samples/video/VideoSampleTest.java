package dev.sluice.samples.video;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.Sluice;
import dev.sluice.samples.Progress;
import dev.sluice.samples.VirtualTime;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class VideoSampleTest {

    @Test
    void slowTranscodeKeepsItsLeaseAndEveryVideoGoesThroughEachStepOnce() throws Exception {
        assertThat(VideoSample.TRANSCODE_TIME).as("the slow step outlasts the lease").isGreaterThan(VideoSample.LEASE);
        VirtualTime time = new VirtualTime();
        List<Progress.Step> steps = new CopyOnWriteArrayList<>();
        time.progress.onStep(steps::add);
        try (Sluice sluice = time.sluice()) {
            VideoHandlers handlers = new VideoHandlers(new SimulatedTranscoder(time.clock, VideoSample.TRANSCODE_TIME));
            try (VideoSample sample = new VideoSample(sluice, VideoSample.spec(), handlers, time.progress)) {
                sample.publish(VideoSample.uploads(4));
                time.runUntilIdle();
            }
            assertThat(handlers.notifications()).hasSize(4)
                    .allSatisfy(n -> assertThat(n).contains("-1080p.mp4"));
        }

        for (String type : List.of(VideoSample.UPLOADED, VideoSample.TRANSCODE, VideoSample.THUMBNAIL, VideoSample.NOTIFY)) {
            assertThat(time.progress.handler(type).calls()).as(type + " deliveries").isEqualTo(4);
            assertThat(time.progress.handler(type).succeeded()).as(type + " successes").isEqualTo(4);
        }
        assertThat(steps).as("no delivery was a redelivery").allSatisfy(s -> assertThat(s.attempt()).isEqualTo(1));
        // each 3 s transcode on a 2 s lease is extended every half lease: at least twice
        assertThat(time.progress.leaseExtensions()).isGreaterThanOrEqualTo(8);
    }
}
