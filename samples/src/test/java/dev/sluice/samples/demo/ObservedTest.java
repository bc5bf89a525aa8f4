package dev.sluice.samples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.Sluice;
import dev.sluice.samples.VirtualTime;
import dev.sluice.samples.video.SimulatedTranscoder;
import dev.sluice.samples.video.VideoHandlers;
import dev.sluice.samples.video.VideoSample;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The demo's closing metrics table and trace tree, from a run of the video sample. */
class ObservedTest {

    @Test
    void theTableCountsWhatWasHandledAndTheTreeIsOneVideosChainInOrder() throws Exception {
        VirtualTime time = new VirtualTime();
        Observed observed = new Observed();
        try (Sluice sluice = observed.register(time.progress.countPublishes(Sluice.builder().scheduler(time.clock))).build()) {
            VideoHandlers handlers = new VideoHandlers(new SimulatedTranscoder(time.clock, VideoSample.TRANSCODE_TIME));
            try (VideoSample sample = new VideoSample(sluice, VideoSample.spec(), handlers, time.progress)) {
                sample.publish(VideoSample.uploads(2));
                time.runUntilIdle();
            }
        }

        String table = observed.metricsTable();
        assertThat(table.lines().filter(l -> l.startsWith("video "))).singleElement().asString()
                .matches("video\\s+8\\s+0\\s+0\\s+.*"); // 2 videos x 4 steps, acked; none retried or dead-lettered

        String trace = observed.spans().firstTraceStartedBy(VideoSample.UPLOADED).orElseThrow();
        List<String> tree = observed.spans().render(trace).lines().toList();
        assertThat(tree).hasSize(8);
        String[] steps = {VideoSample.UPLOADED, VideoSample.TRANSCODE, VideoSample.THUMBNAIL, VideoSample.NOTIFY};
        for (int i = 0; i < 4; i++) {
            String indent = i == 0 ? "" : "   ".repeat(2 * i - 1) + "`- ";
            assertThat(tree.get(2 * i)).startsWith(indent + "create video  (producer, " + steps[i] + ")");
            assertThat(tree.get(2 * i + 1)).startsWith("   ".repeat(2 * i) + "`- process video  (consumer, " + steps[i]
                    + ", attempt 1, ack)");
        }
        observed.close();
    }
}
