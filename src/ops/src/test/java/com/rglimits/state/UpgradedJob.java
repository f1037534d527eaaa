package com.rglimits.state;

import com.rglimits.event.ParsedRecord;
import java.net.URL;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * The next version of the job, as {@link SavepointUpgradeIT} builds it inside a class loader that
 * holds the next version of the classes (an extra attribute on {@code UserLimit}): the same graph and
 * uids, plus a new non-state operator. Loaded and called reflectively in that class loader, so that the
 * job graph, its serializers and the task-side classes are all of the new version.
 */
public final class UpgradedJob {
    private UpgradedJob() {}

    public static JobGraph jobGraph(Map<String, String> aws, String table, String events, String outputs, int parallelism,
            String savepoint, URL newClasses) throws Exception {
        StateTestJob job = new StateTestJob(Path.of(events), Path.of(outputs), aws, table);
        job.recordsPerSecond = 5_000;
        // Chained to the source, as such a map is: records reach the router in the order they were read.
        job.afterSource = records -> records.map(new Normalize(), StateTestJob.recordType())
                .uid("normalize-records").name("A new non-state operator").setParallelism(records.getParallelism());
        StreamGraph graph = job.graph(2, parallelism, savepoint);
        JobGraph jobGraph = graph.getJobGraph(Thread.currentThread().getContextClassLoader(), null);
        jobGraph.setClasspaths(List.of(newClasses));
        return jobGraph;
    }

    /** A changed operator of the new version that holds no state. */
    static final class Normalize implements MapFunction<ParsedRecord, ParsedRecord> {
        private static final long serialVersionUID = 1L;

        @Override
        public ParsedRecord map(ParsedRecord record) {
            if (record.kind == ParsedRecord.Kind.EVENT && record.event.currencyCode != null) {
                record.event.currencyCode = record.event.currencyCode.trim();
            }
            return record;
        }
    }
}
