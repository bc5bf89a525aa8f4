package dev.sluice.bench.jmh;

import dev.sluice.PublishOptions;
import dev.sluice.bench.BenchEvents;
import dev.sluice.codec.CloudEventCodec;
import dev.sluice.codec.DecodeException;
import dev.sluice.inmemory.MemoryDriverProvider;
import dev.sluice.spi.InboundMessage;
import dev.sluice.spi.OutboundMessage;
import io.cloudevents.CloudEvent;
import io.cloudevents.jackson.JsonFormat;
import java.net.URI;
import java.time.Instant;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Part 5: the Sluice codec (binary mode: a string attribute per CloudEvents attribute, data as the body)
 * against the CloudEvents SDK's structured JSON format, per event, for the benchmarks' order event.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CodecBenchmark {
    private static final URI QUEUE = URI.create("mem://orders");

    private CloudEventCodec codec;
    private JsonFormat json;
    private CloudEvent event;
    private InboundMessage inbound;
    private byte[] structured;

    @Setup
    public void setUp() {
        codec = new CloudEventCodec(MemoryDriverProvider.STRICTEST);
        json = new JsonFormat();
        event = BenchEvents.order(42);
        OutboundMessage out = codec.encode(event, PublishOptions.NONE);
        inbound = new InboundMessage("m-42", out.body(), out.attributes(), null, OptionalInt.of(1), Instant.now(), "h-42", null);
        structured = json.serialize(event);
    }

    @Benchmark
    public OutboundMessage sluiceEncode() {
        return codec.encode(event, PublishOptions.NONE);
    }

    @Benchmark
    public CloudEvent sluiceDecode() throws DecodeException {
        return codec.decode(inbound, QUEUE);
    }

    @Benchmark
    public byte[] sdkJsonSerialize() {
        return json.serialize(event);
    }

    @Benchmark
    public CloudEvent sdkJsonDeserialize() {
        return json.deserialize(structured);
    }
}
