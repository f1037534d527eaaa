package com.rglimits.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.rglimits.config.ConfigReaders;
import com.rglimits.config.JobConfig;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.contrib.streaming.state.RocksDBKeyedStateBackend;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The state backend the configuration asks for is the one the keyed operators run on, with its key groups. */
class PipelineConfigurationIT {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final List<String> SEEN = new CopyOnWriteArrayList<>();

    @Test
    void keyedStateRunsOnRocksDbWithTheConfiguredKeyGroups() throws Exception {
        JobConfig config = JobConfig.from(ConfigReaders.fromArgs(new String[] {"--source.stream", "in",
            "--job.parallelism", "2", "--job.max-parallelism", "64"}));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        UserLimitsPipeline.configure(env, config);
        env.fromSequence(1, 10).keyBy(n -> n).transform("probe", Types.LONG, new BackendProbe()).sinkTo(new DiscardingSink<>());
        env.execute("state backend probe");
        assertThat(SEEN).containsExactly(RocksDBKeyedStateBackend.class.getName() + " 64 2",
                RocksDBKeyedStateBackend.class.getName() + " 64 2");
    }

    private static final class BackendProbe extends AbstractStreamOperator<Long> implements OneInputStreamOperator<Long, Long> {
        @Override
        public void initializeState(StateInitializationContext context) throws Exception {
            super.initializeState(context);
            SEEN.add(getKeyedStateBackend().getClass().getName() + " " + getRuntimeContext().getTaskInfo().getMaxNumberOfParallelSubtasks()
                    + " " + getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks());
        }

        @Override
        public void processElement(StreamRecord<Long> element) {
            output.collect(element);
        }
    }
}
