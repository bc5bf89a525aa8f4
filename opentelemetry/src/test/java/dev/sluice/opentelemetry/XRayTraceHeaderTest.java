package dev.sluice.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.SpanContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** X-Ray trace headers (SQS's AWSTraceHeader) read as W3C span contexts. */
class XRayTraceHeaderTest {

    @Test
    void rootBecomesTheTraceIdParentTheSpanIdSampledTheFlag() {
        SpanContext c = XRayTraceHeader.parse("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1");
        assertThat(c.isValid()).isTrue();
        assertThat(c.isRemote()).isTrue();
        assertThat(c.getTraceId()).isEqualTo("5759e988bd862e3fe1be46a994272793");
        assertThat(c.getSpanId()).isEqualTo("53995c3f42cd8ad8");
        assertThat(c.isSampled()).isTrue();
    }

    @Test
    void fieldsInAnyOrderWithOthersAndSpacesAndNotSampled() {
        SpanContext c = XRayTraceHeader.parse(
                "Sampled=0; Lineage=a87bd80c:1|68fd508a:5 ;Parent=53995c3f42cd8ad8;Root=1-5759e988-bd862e3fe1be46a994272793");
        assertThat(c.getTraceId()).isEqualTo("5759e988bd862e3fe1be46a994272793");
        assertThat(c.getSpanId()).isEqualTo("53995c3f42cd8ad8");
        assertThat(c.isSampled()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1", // no Parent: nothing to parent a span on
            "Root=2-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8", // an unknown version
            "Root=1-5759e988bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8", // no dash after the time
            "Root=1-5759e988-bd862e3fe1be46a99427279Z;Parent=53995c3f42cd8ad8", // not hex
            "Root=1-5759E988-BD862E3FE1BE46A994272793;Parent=53995c3f42cd8ad8", // upper case is not X-Ray's
            "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8a", // a short span id
            "Root=1-00000000-000000000000000000000000;Parent=53995c3f42cd8ad8", // the invalid all-zero trace id
            "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=0000000000000000", // the invalid all-zero span id
            "Parent=53995c3f42cd8ad8;Sampled=1",
            "garbage"})
    void aMalformedOrIncompleteHeaderGivesNoContext(String header) {
        assertThat(XRayTraceHeader.parse(header).isValid()).isFalse();
    }

    @Test
    void noHeaderGivesNoContext() {
        assertThat(XRayTraceHeader.parse(null).isValid()).isFalse();
    }
}
