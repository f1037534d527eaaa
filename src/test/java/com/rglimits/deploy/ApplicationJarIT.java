package com.rglimits.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The application jar uploaded to Managed Service for Apache Flink, as {@code mvn verify} built it
 * (Failsafe runs this after the shade step): the job's own packages and nothing of the other wings,
 * Flink and the service's runtime library left out, connectors and Jackson in, Java 11 bytecode
 * only, no signatures, service files merged. Also the query service's jar: its packages, and it starts.
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

    /** The job: what the application jar holds of this project, and all that its classes refer to. */
    static final Set<String> JOB_PACKAGES = Set.of(
            "config", "deadletter", "event", "job", "kinesis", "limit", "metrics", "ordering", "sink", "subscribe", "table");
    /** The query service and the model it reads. */
    static final Set<String> QUERY_PACKAGES = Set.of("query", "config", "deadletter", "event", "limit", "table");
    private static final Pattern PROJECT_REFERENCE = Pattern.compile("com/rglimits/([a-z]+)/");

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
        assertThat(projectPackages(entries)).isEqualTo(new TreeSet<>(JOB_PACKAGES));
        assertThat(referencedProjectPackages(jar, entries)).as("project packages the job's classes refer to")
                .isSubsetOf(JOB_PACKAGES);
    }

    @Test
    void theQueryServiceJarHoldsItsPackagesAndStarts() throws Exception {
        Path queryJar = Path.of(System.getProperty("application.jar").replace(".jar", "-query-api.jar"));
        assertThat(queryJar).isRegularFile();
        try (JarFile q = new JarFile(queryJar.toFile())) {
            List<String> names = new ArrayList<>();
            q.stream().forEach(e -> names.add(e.getName()));
            assertThat(projectPackages(names)).isEqualTo(new TreeSet<>(QUERY_PACKAGES));
            assertThat(referencedProjectPackages(q, names)).isSubsetOf(QUERY_PACKAGES);
            assertThat(names).contains("com/rglimits/query/openapi.json").doesNotContain("com/rglimits/query/LocalQueryService.class");
            // Token verification is the query service's alone.
            assertThat(names).contains("com/nimbusds/jwt/proc/DefaultJWTProcessor.class");
            assertThat(entries).noneMatch(n -> n.startsWith("com/nimbusds/"));
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> args = List.of("-jar", queryJar.toString(), "--port", Integer.toString(port), "--host", "127.0.0.1",
                "--aws.region", "us-east-1", "--aws.endpoint", "http://127.0.0.1:1", "--aws.credentials.provider", "BASIC",
                "--aws.credentials.provider.basic.accesskeyid", "local", "--aws.credentials.provider.basic.secretkey", "local");

        // Without an authentication setting it refuses to start, in one line.
        List<String> refused = new ArrayList<>(List.of(java));
        refused.addAll(args);
        Process unauthenticated = new ProcessBuilder(refused).redirectErrorStream(true).start();
        String output = new String(unauthenticated.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(unauthenticated.waitFor()).as(output).isEqualTo(2);
        assertThat(output.split("\\R")).as(output).containsExactly(
                "error: option --auth is required: jwt (bearer tokens, see the auth.* settings)"
                        + " or none (no authentication: anyone may read every user's limits)");

        List<String> open = new ArrayList<>(refused);
        open.addAll(List.of("--auth", "none"));
        Process service = new ProcessBuilder(open)
                .redirectErrorStream(true)
                .start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(service.getInputStream(), StandardCharsets.UTF_8));
            StringBuilder printed = new StringBuilder();
            String line = out.readLine();
            while (line != null && !line.startsWith("query API listening on ")) {
                printed.append(line).append('\n');
                line = out.readLine();
            }
            assertThat(line).as("the service's start line; before it:\n" + printed)
                    .startsWith("query API listening on http://127.0.0.1:" + port);
            assertThat(printed.toString()).contains("warning: authentication is off (auth none)");
            HttpResponse<String> openApi = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/openapi.json")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(openApi.statusCode()).isEqualTo(200);
        } finally {
            service.destroyForcibly().waitFor();
        }
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

    /** The project's packages (com.rglimits.X) that hold classes among these entries. */
    private static Set<String> projectPackages(List<String> names) {
        Set<String> packages = new TreeSet<>();
        for (String name : names) {
            Matcher m = PROJECT_REFERENCE.matcher(name);
            if (name.endsWith(".class") && m.lookingAt()) {
                packages.add(m.group(1));
            }
        }
        return packages;
    }

    /** The project's packages that the project's classes in this jar name in their constant pools. */
    private static Set<String> referencedProjectPackages(JarFile jar, List<String> names) throws IOException {
        Set<String> packages = new TreeSet<>();
        for (String name : names) {
            if (name.startsWith("com/rglimits/") && name.endsWith(".class")) {
                try (InputStream in = jar.getInputStream(jar.getEntry(name))) {
                    Matcher m = PROJECT_REFERENCE.matcher(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
                    while (m.find()) {
                        packages.add(m.group(1));
                    }
                }
            }
        }
        return packages;
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
