package com.rglimits.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The scale rows' plot: each second's rate where it happened, the checkpoints' pauses, the measured window. */
class ScalePlotTest {
    private static final String NAME = "plain stream, 100,000 users & <a variant>";

    @Test
    void eachRowIsAPanelWithItsRateEverySecondItsCheckpointsAndItsMeasuredWindow() throws Exception {
        ScaleScenario.Row row = row(NAME, 20);
        ScaleScenario.Checkpoint duringTheRestore = checkpoint(1, 500, 400);
        ScaleScenario.Checkpoint inTheWarmUp = checkpoint(2, 1_000 + 3_000, 300);
        ScaleScenario.Checkpoint measured = checkpoint(3, 1_000 + 12_000, 2_000);
        row.allCheckpoints.addAll(List.of(duringTheRestore, inTheWarmUp, measured));
        ScaleScenario.Row ceiling = row(ScaleScenario.CEILING, 10);

        Document svg = parse(ScalePlot.svg(List.of(ceiling, row)));

        List<Element> panels = elements(svg.getDocumentElement(), "g");
        assertThat(panels).hasSize(2);
        Element panel = panels.get(1);
        assertThat(elements(panel, "text").get(0).getTextContent()).as("the row's name, escaped and read back").isEqualTo(NAME);
        double span = 20; // the longer row's, for both panels
        int areaTop = ScalePlot.TOP + ScalePlot.PANEL + ScalePlot.TITLE;

        String[] points = byClass(panel, "polyline", "rate").get(0).getAttribute("points").split(" ");
        assertThat(points).as("one point per second after the first sample").hasSize(20);
        // Second 11 (from sample 10 to 11) ran at 200/s, the panel's top; second 15 stalled.
        assertPoint(points[10], ScalePlot.x(11, span), areaTop);
        assertPoint(points[14], ScalePlot.x(15, span), areaTop + ScalePlot.AREA);
        assertPoint(points[0], ScalePlot.x(1, span), areaTop + ScalePlot.AREA / 2.0);
        assertPoint(points[2], ScalePlot.x(3, span), areaTop); // 300/s in the warm-up: above the measured window's scale

        List<Element> evictions = byClass(panel, "line", "eviction");
        assertThat(evictions).as("one second with evictions").hasSize(1);
        assertThat(number(evictions.get(0), "x1")).isCloseTo(ScalePlot.x(8, span), within(0.1));

        List<Element> checkpoints = byClass(panel, "rect", "checkpoint");
        assertThat(checkpoints).as("the checkpoints after the first sample: not the one during the restore").hasSize(2);
        Element pause = checkpoints.get(1);
        assertThat(number(pause, "x")).isCloseTo(ScalePlot.x(12, span), within(0.1));
        assertThat(number(pause, "width")).as("the write-back pause, 2 s").isCloseTo(ScalePlot.x(14, span) - ScalePlot.x(12, span), within(0.2));
        assertThat(pause.getTextContent()).contains("checkpoint 3").contains("2,000 ms");

        Element window = byClass(panel, "rect", "measured").get(0);
        assertThat(number(window, "x")).isCloseTo(ScalePlot.x(5, span), within(0.1));
        assertThat(number(window, "x") + number(window, "width")).isCloseTo(ScalePlot.x(20, span), within(0.2));
        Element mean = byClass(panel, "line", "mean").get(0);
        assertThat(number(mean, "y1")).as("the measured mean, 2,300 events in 15 s")
                .isCloseTo(ScalePlot.y(2_300 / 15.0, 200, areaTop), within(0.1));

        assertThat(byClass(panels.get(0), "rect", "checkpoint")).as("the ceiling takes none").isEmpty();
        assertThat(byClass(panels.get(0), "polyline", "rate").get(0).getAttribute("points").split(" ")).hasSize(10);
    }

    @Test
    void theReportsPlotLiesBesideIt() {
        assertThat(Benchmark.plotOf(Path.of("docs", "benchmark.md"))).isEqualTo(Path.of("docs", "benchmark-scale.svg"));
        assertThat(Benchmark.plotOf(Path.of("report"))).isEqualTo(Path.of("report-scale.svg"));
    }

    /**
     * A sample each second from wall clock 1,000 ms: 100 events in each of the first 10 seconds (but 300 in
     * the 3rd), then 200, but none in the 15th; measured from the 5th second to the last. The cache was
     * full twice in the 8th second.
     */
    private static ScaleScenario.Row row(String name, int seconds) {
        ScaleScenario.Row r = new ScaleScenario.Row(name, 100_000);
        long records = 0;
        for (int i = 0; i <= seconds; i++) {
            if (i > 0) {
                records += i == 3 ? 300 : i <= 10 ? 100 : i == 15 ? 0 : 200;
            }
            ScaleScenario.Sample s = new ScaleScenario.Sample(i * 1_000_000_000L, 1_000 + i * 1_000L);
            s.records = records;
            s.evictions = i >= 8 ? 2 : 0;
            r.samples.add(s);
        }
        r.total = new ScaleScenario.Span(r.samples.get(Math.min(5, seconds)), r.samples.get(seconds));
        return r;
    }

    private static ScaleScenario.Checkpoint checkpoint(long id, long triggeredAtMs, long syncMs) {
        ScaleScenario.Checkpoint c = new ScaleScenario.Checkpoint();
        c.id = id;
        c.triggeredAtMs = triggeredAtMs;
        c.syncMs = syncMs;
        c.durationMs = syncMs + 100;
        return c;
    }

    private static void assertPoint(String point, double x, double y) {
        String[] xy = point.split(",");
        assertThat(Double.parseDouble(xy[0])).isCloseTo(x, within(0.1));
        assertThat(Double.parseDouble(xy[1])).isCloseTo(y, within(0.1));
    }

    private static Document parse(String svg) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<Element> elements(Element parent, String tag) {
        NodeList nodes = parent.getElementsByTagName(tag);
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            out.add((Element) nodes.item(i));
        }
        return out;
    }

    private static List<Element> byClass(Element parent, String tag, String cls) {
        List<Element> out = new ArrayList<>();
        for (Element e : elements(parent, tag)) {
            if (e.getAttribute("class").equals(cls)) {
                out.add(e);
            }
        }
        return out;
    }

    private static double number(Element e, String attribute) {
        return Double.parseDouble(e.getAttribute(attribute));
    }
}
