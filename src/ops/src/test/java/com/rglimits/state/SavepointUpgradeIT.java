package com.rglimits.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.rglimits.table.LimitItems;
import com.rglimits.table.LimitTable;
import com.rglimits.testing.GeneratedEvents;
import com.rglimits.testing.ProjectFiles;
import com.rglimits.testing.TestBeds;
import com.rglimits.tools.InspectSavepoint;
import com.rglimits.tools.LimitExport;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Savepoint upgrade with a real POJO schema change. The current job runs and is stopped with a
 * savepoint mid-stream; the next version of the job is then built from the next version of the
 * classes: this project's classes with {@code UserLimit} given a new attribute with a default
 * ({@code public String channel = "unknown"}, copied by {@code copy()} and written to the table by
 * {@code LimitItems}), compiled here from the current sources, loaded child-first by the client and by
 * the job's own class loader on the task managers (the job graph carries them as its classpath), plus
 * a new non-state operator in the graph. The limits are in {@code user-state}, whose serializer is
 * hand-written ({@code UserStateSerializer}, not recompiled here): it reads the v1 bytes as they are
 * (no schema migration) into a new {@code UserLimit}, whose initializer gives the new attribute its
 * default. The job must finish the stream with the exact in-order result, nothing lost or applied
 * twice across the upgrade, and every limit restored from the savepoint and changed afterwards must
 * carry the new attribute's default. A value other than the default would not survive a restore
 * until the serializer writes the field (a new format version; UserStateSerializerTest fails without it).
 */
class SavepointUpgradeIT extends SavepointTestBase {
    static final String NEW_FIELD = "channel";
    static final String NEW_DEFAULT = "unknown";

    @Test
    void aSavepointRestoresIntoTheNextVersionWithANewLimitAttributeAndANewOperator(
            @TempDir Path dir, @InjectClusterClient ClusterClient<?> cluster) throws Exception {
        GeneratedEvents generated = GeneratedEvents.generate(61, 8, 500, 3_000);
        StateTestJob job = newJob(generated, dir, TestBeds.uniqueName("limits-upgrade"));
        job.recordsPerSecond = 800;
        int items = generated.expectedLimits.size();

        JobClient v1 = job.start(1, 2, null);
        try (TablePoller poller = new TablePoller(dynamoDb, job.table)) {
            await("a third of the limits", () -> poller.itemsSeen() >= items / 3);
        }
        String savepoint = StateTestJob.stopWithSavepoint(v1, dir.resolve("savepoints"));
        v1.getJobExecutionResult().get(60, TimeUnit.SECONDS);
        Set<String> limitsInSavepoint = new HashSet<>();
        Path inspected = dir.resolve("v1-limits.jsonl");
        InspectSavepoint.run(StreamExecutionEnvironment.getExecutionEnvironment(),
                new String[] {"--savepoint", savepoint, "--out", inspected.toString()});
        for (String line : Files.readAllLines(inspected)) {
            var l = LimitExport.parse(line);
            limitsInSavepoint.add(l.userId + "/" + l.userLimitId);
        }
        assertThat(limitsInSavepoint).isNotEmpty();

        Path newClasses = nextVersionClasses(dir.resolve("v2-classes"));
        JobResult result;
        try (URLClassLoader v2Loader = new ChildFirst(new URL[] {newClasses.toUri().toURL()}, getClass().getClassLoader())) {
            assertThat(v2Loader.loadClass("com.rglimits.limit.UserLimit").getField(NEW_FIELD)).isNotNull();
            // The POJO type of a limit in the new version has the new field (the type of the old layout's
            // limits state); user-state's serializer is the same hand-written one in both versions.
            PojoTypeInfo<?> v2StateType = (PojoTypeInfo<?>) v2Loader.loadClass("com.rglimits.job.Descriptors")
                    .getField("USER_LIMIT_TYPE").get(null);
            assertThat(v2StateType.getFieldIndex(NEW_FIELD)).isNotNegative();
            assertThat(((PojoTypeInfo<?>) com.rglimits.job.Descriptors.USER_LIMIT_TYPE).getFieldIndex(NEW_FIELD)).isNegative();
            ClassLoader previous = Thread.currentThread().getContextClassLoader();
            Thread.currentThread().setContextClassLoader(v2Loader);
            JobGraph v2;
            try {
                Method build = v2Loader.loadClass(UpgradedJob.class.getName()).getMethod("jobGraph",
                        Map.class, String.class, String.class, String.class, int.class, String.class, URL.class);
                v2 = (JobGraph) build.invoke(null, StateTestJob.awsSettings(dynamoDb), job.table, job.events.toString(),
                        job.outputs.toString(), 3, savepoint, newClasses.toUri().toURL());
            } finally {
                Thread.currentThread().setContextClassLoader(previous);
            }
            JobID id = cluster.submitJob(v2).get(60, TimeUnit.SECONDS);
            result = cluster.requestJobResult(id).get(120, TimeUnit.SECONDS);
        }
        assertThat(result.getSerializedThrowable()).as("the upgraded job's failure").isEmpty();
        assertThat(result.isSuccess()).isTrue();

        // v1's view of the table: exactly the in-order result; every event applied once across both versions.
        assertExactResult(job, generated);
        // The new attribute: restored limits got the default through the migrated state.
        int restoredAndChanged = 0;
        try (DynamoDbClient client = dynamoDb.client()) {
            for (Map<String, AttributeValue> item : LimitTable.scanAll(client, job.table)) {
                String key = item.get(LimitItems.USER_ID).s() + "/" + item.get(LimitItems.USER_LIMIT_ID).s();
                AttributeValue channel = item.get(NEW_FIELD);
                if (channel != null) {
                    assertThat(channel.s()).as(key).isEqualTo(NEW_DEFAULT);
                    if (limitsInSavepoint.contains(key)) {
                        restoredAndChanged++;
                    }
                }
            }
        }
        assertThat(restoredAndChanged).as("limits restored from the savepoint and written by the new version").isPositive();
    }

    /**
     * This project's compiled classes (every module the job and this test run, and this module's
     * tests) with {@code UserLimit} and {@code LimitItems} recompiled from their current sources plus
     * the new attribute. All of them: a class of the project left to the parent loader would link
     * against the old {@code UserLimit} (the job's {@code Descriptors} would describe the old type).
     */
    static Path nextVersionClasses(Path target) throws IOException {
        for (String classes : new String[] {"src/model/target/classes", "src/base/target/classes",
                "src/localaws/target/classes", "src/testkit/target/classes", "src/job/target/classes",
                "src/ops/target/classes", "src/ops/target/test-classes"}) {
            Path from = ProjectFiles.path(classes);
            try (Stream<Path> s = Files.walk(from)) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    Path to = target.resolve(from.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(to);
                    } else {
                        Files.copy(p, to, StandardCopyOption.REPLACE_EXISTING); // a fixture compiled into two modules
                    }
                }
            }
        }
        Path sources = target.resolveSibling("v2-sources");
        Path userLimit = write(sources, "com/rglimits/limit/UserLimit.java", edit(
                ProjectFiles.path("src/model/src/main/java/com/rglimits/limit/UserLimit.java"),
                "    public long lastSequenceNumber;\n",
                "    public long lastSequenceNumber;\n    /** New in this version. */\n    public String " + NEW_FIELD + " = \"" + NEW_DEFAULT + "\";\n",
                "        c.lastSequenceNumber = lastSequenceNumber;\n",
                "        c.lastSequenceNumber = lastSequenceNumber;\n        c." + NEW_FIELD + " = " + NEW_FIELD + ";\n"));
        Path limitItems = write(sources, "com/rglimits/table/LimitItems.java", edit(
                ProjectFiles.path("src/model/src/main/java/com/rglimits/table/LimitItems.java"),
                "        item.put(LAST_SEQUENCE_NUMBER, n(l.lastSequenceNumber));\n",
                "        item.put(LAST_SEQUENCE_NUMBER, n(l.lastSequenceNumber));\n        if (l." + NEW_FIELD + " != null) {\n"
                        + "            item.put(\"" + NEW_FIELD + "\", s(l." + NEW_FIELD + "));\n        }\n"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int status = javac.run(null, null, null, "-d", target.toString(), "-nowarn", "--release", "11",
                "-classpath", target + File.pathSeparator + System.getProperty("java.class.path"),
                userLimit.toString(), limitItems.toString());
        assertThat(status).as("compiling the next version").isZero();
        return target;
    }

    private static String edit(Path source, String... replacements) throws IOException {
        String text = Files.readString(source, StandardCharsets.UTF_8);
        for (int i = 0; i < replacements.length; i += 2) {
            assertThat(text).as("%s still has the line the next version changes", source).contains(replacements[i]);
            text = text.replace(replacements[i], replacements[i + 1]);
        }
        return text;
    }

    private static Path write(Path root, String file, String text) throws IOException {
        Path p = root.resolve(file);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    /** This project's classes from the given directory first; everything else (Flink, AWS SDK, JUnit) from the parent. */
    static final class ChildFirst extends URLClassLoader {
        ChildFirst(URL[] urls, ClassLoader parent) {
            super(urls, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("com.rglimits.")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    try {
                        c = findClass(name);
                    } catch (ClassNotFoundException notHere) {
                        c = super.loadClass(name, false);
                    }
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }
    }
}
