package dev.sluice.bench;

import dev.sluice.bench.jmh.CodecBenchmark;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** Part 5 runner: JMH in a forked JVM, short iterations to fit the budget. */
final class JmhBench {
    private final boolean quick;
    /** benchmark method → [score, error] in ns/op. */
    final Map<String, double[]> scores = new LinkedHashMap<>();
    String settings;

    JmhBench(boolean quick) {
        this.quick = quick;
    }

    void run() throws Exception {
        int forks = quick ? 1 : 2;
        int warmups = quick ? 1 : 3;
        int iterations = quick ? 2 : 5;
        double seconds = 1;
        settings = forks + " forks × (" + warmups + " warm-up + " + iterations + " measured iterations of " + (int) seconds
                + " s), average time, 1 thread";
        Options opt = new OptionsBuilder()
                .include(CodecBenchmark.class.getName() + "\\.")
                .forks(forks)
                .warmupIterations(warmups)
                .warmupTime(TimeValue.seconds((long) seconds))
                .measurementIterations(iterations)
                .measurementTime(TimeValue.seconds((long) seconds))
                .jvmArgsAppend("-Xmx1g")
                .shouldFailOnError(true)
                .build();
        Collection<RunResult> results = new Runner(opt).run();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            name = name.substring(name.lastIndexOf('.') + 1);
            scores.put(name, new double[] {r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError()});
        }
    }
}
