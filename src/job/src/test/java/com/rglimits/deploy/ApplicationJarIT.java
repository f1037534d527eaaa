package com.rglimits.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.rglimits.testing.JarContents;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The application jar uploaded to Managed Service for Apache Flink, as {@code mvn verify} built it
 * (Failsafe runs this after the shade step): the job's own packages and nothing of the other wings,
 * Flink and the service's runtime library left out, connectors and Jackson in, Java 11 bytecode
 * only, no signatures, service files merged.
 */
class ApplicationJarIT {
    /** The only Flink packages the jar may carry: the connectors and what they shade. */
    private static final List<String> ALLOWED_FLINK_PREFIXES = List.of(
            "org/apache/flink/connector/aws/",
            "org/apache/flink/connector/base/",
            "org/apache/flink/connector/dynamodb/",
            "org/apache/flink/connector/kinesis/",
            "org/apache/flink/streaming/connectors/kinesis/",
            "org/apache/flink/streaming/connectors/dynamodb/",
            "org/apache/flink/kinesis/shaded/");

    /** Provided by the runtime: never in the jar. */
    private static final List<String> FORBIDDEN_PREFIXES = List.of(
            "com/amazonaws/services/kinesisanalytics/",
            "org/slf4j/",
            "org/apache/logging/log4j/",
            "org/rocksdb/");

    private static final int JAVA_11_MAJOR = 55;

    /**
     * The job (src/job) and the model and base modules it runs: what the application jar holds of this
     * project, and all that its classes refer to. The other wings are not dependencies of the job.
     */
    static final Set<String> JOB_PACKAGES = Set.of("aws", "config", "deadletter", "event", "file", "job", "kinesis", "limit",
            "metrics", "ordering", "sink", "subscribe", "table");

    private static JarFile jar;
    private static List<String> entries;

    @BeforeAll
    static void open() throws IOException {
        String path = System.getProperty("application.jar");
        assertThat(path).as("system property application.jar (set by the failsafe configuration in pom.xml)").isNotNull();
        assertThat(Path.of(path)).as("the application jar; build it with mvn verify (or package)").isRegularFile();
        jar = new JarFile(path);
        entries = new ArrayList<>();
        jar.stream().forEach(e -> entries.add(e.getName()));
    }

    @AfterAll
    static void close() throws IOException {
        if (jar != null) {
            jar.close();
        }
    }

    @Test
    void flinkItselfAndTheServiceRuntimeLibraryAreLeftOut() {
        List<String> flink = new ArrayList<>();
        List<String> forbidden = new ArrayList<>();
        for (String name : entries) {
            if (!name.endsWith(".class")) {
                continue;
            }
            if (name.startsWith("org/apache/flink/") && ALLOWED_FLINK_PREFIXES.stream().noneMatch(name::startsWith)) {
                flink.add(name);
            }
            if (FORBIDDEN_PREFIXES.stream().anyMatch(name::startsWith)) {
                forbidden.add(name);
            }
        }
        assertThat(flink).as("Flink classes other than the connectors (Flink is provided)").isEmpty();
        assertThat(forbidden).as("classes the runtime provides").isEmpty();
        for (String core : List.of(
                "org/apache/flink/api/common/functions/Function.class",
                "org/apache/flink/streaming/api/environment/StreamExecutionEnvironment.class",
                "org/apache/flink/runtime/state/StateBackend.class",
                "org/apache/flink/configuration/Configuration.class",
                "org/apache/flink/contrib/streaming/state/EmbeddedRocksDBStateBackend.class",
                "com/amazonaws/services/kinesisanalytics/runtime/KinesisAnalyticsRuntime.class")) {
            assertThat(entries).doesNotContain(core);
        }
    }

    @Test
    void connectorsJacksonAndTheJobAreIn() {
        assertThat(entries).contains(
                "org/apache/flink/connector/kinesis/source/KinesisStreamsSource.class",
                "org/apache/flink/connector/kinesis/sink/KinesisStreamsSink.class",
                "org/apache/flink/connector/dynamodb/sink/DynamoDbSink.class",
                "org/apache/flink/connector/base/sink/AsyncSinkBase.class",
                "software/amazon/awssdk/services/dynamodb/DynamoDbAsyncClient.class",
                "com/fasterxml/jackson/databind/ObjectMapper.class",
                "com/fasterxml/jackson/core/JsonFactory.class",
                "com/rglimits/sink/LimitsDynamoDbSink.class",
                "software/amazon/awssdk/services/sqs/SqsAsyncClient.class",
                "com/rglimits/subscribe/SqsFifoSink.class",
                "com/rglimits/job/UserLimitsPipeline.class",
                "com/rglimits/config/RuntimeSettings.class");
    }

    @Test
    void holdsExactlyTheJobsPackagesAndTheyReferToNoOtherWing() throws IOException {
        assertThat(JarContents.projectPackages(entries)).isEqualTo(new TreeSet<>(JOB_PACKAGES));
        assertThat(JarContents.referencedProjectPackages(jar, entries)).as("project packages the job's classes refer to")
                .isSubsetOf(JOB_PACKAGES);
    }

    @Test
    void everyClassTargetsJava11() throws IOException {
        List<String> tooNew = new ArrayList<>();
        int classes = 0;
        for (String name : entries) {
            if (!name.endsWith(".class")) {
                continue;
            }
            classes++;
            try (DataInputStream in = new DataInputStream(jar.getInputStream(jar.getEntry(name)))) {
                int magic = in.readInt();
                in.readUnsignedShort(); // minor
                int major = in.readUnsignedShort();
                assertThat(magic).as(name).isEqualTo(0xCAFEBABE);
                if (major > JAVA_11_MAJOR) {
                    tooNew.add(name + " (class file version " + major + ")");
                }
            }
        }
        assertThat(classes).isGreaterThan(1000);
        assertThat(tooNew).as("classes compiled for a Java newer than 11").isEmpty();
        assertThat(entries).noneMatch(n -> n.startsWith("META-INF/versions/") && n.endsWith(".class"));
    }

    @Test
    void noSignatureFiles() {
        assertThat(entries).noneMatch(n -> n.matches("META-INF/[^/]+\\.(SF|DSA|RSA|EC)"));
    }

    @Test
    void serviceFilesAreMergedAndEveryProviderIsInTheJar() throws IOException {
        Set<String> factories = providers("META-INF/services/org.apache.flink.table.factories.Factory");
        assertThat(factories).as("table factories of both connectors in one merged file").contains(
                "org.apache.flink.connector.kinesis.table.KinesisDynamicTableSinkFactory",
                "org.apache.flink.connector.dynamodb.table.DynamoDbDynamicSinkFactory");
        assertThat(providers("META-INF/services/software.amazon.awssdk.http.async.SdkAsyncHttpService"))
                .as("the async HTTP client the DynamoDB client finds through the service loader")
                .isNotEmpty();
        List<String> missing = new ArrayList<>();
        for (String name : entries) {
            if (name.startsWith("META-INF/services/") && !name.endsWith("/") && !name.endsWith(".gitkeep")) {
                for (String provider : providers(name)) {
                    if (jar.getEntry(provider.replace('.', '/') + ".class") == null) {
                        missing.add(name + ": " + provider);
                    }
                }
            }
        }
        assertThat(missing).as("service providers whose class is not in the jar").isEmpty();
    }

    @Test
    void theManifestNamesTheJobsMainClass() throws IOException {
        String mainClass = System.getProperty("application.main.class");
        assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo(mainClass);
        String classFile = mainClass.replace('.', '/') + ".class";
        // Checked against what was compiled: the entry point is in the jar whenever it is in the build.
        if (Files.exists(Path.of("target/classes").resolve(classFile))) {
            assertThat(entries).contains(classFile);
        }
    }

    private static Set<String> providers(String serviceFile) throws IOException {
        ZipEntry entry = jar.getEntry(serviceFile);
        if (entry == null) {
            return Collections.emptySet();
        }
        Set<String> out = new TreeSet<>();
        try (InputStream in = jar.getInputStream(entry);
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                int hash = line.indexOf('#');
                String provider = (hash >= 0 ? line.substring(0, hash) : line).trim();
                if (!provider.isEmpty()) {
                    out.add(provider);
                }
            }
        }
        return out;
    }
}
