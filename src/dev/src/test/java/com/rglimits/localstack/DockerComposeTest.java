package com.rglimits.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.rglimits.bench.Benchmark;
import com.rglimits.cluster.FlinkCluster;
import com.rglimits.config.ConfigReaders;
import com.rglimits.config.JobConfig;
import com.rglimits.query.QueryConfig;
import com.rglimits.testing.ProjectFiles;
import java.io.Reader;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.yaml.snakeyaml.Yaml;

/**
 * Docker does not run here, so docker-compose.yml and flink-conf/ are checked for what can be
 * checked: they parse, the images are the official Flink 1.19 Java 11 ones of the pom's Flink
 * version, the jar the client submits is the one the build makes, ports, names and paths agree,
 * the job accepts the client's options, and the cluster configuration has what it must.
 */
class DockerComposeTest {
    private static Map<String, Object> services;
    private static Map<String, Object> flinkConf;
    private static String jobArtifactId;
    private static String queryArtifactId;
    private static String version;
    private static String flinkVersion;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void parse() throws Exception {
        try (Reader r = Files.newBufferedReader(ProjectFiles.path("docker-compose.yml"))) {
            Map<String, Object> compose = new Yaml().load(r);
            services = (Map<String, Object>) compose.get("services");
        }
        try (Reader r = Files.newBufferedReader(ProjectFiles.path("flink-conf", "config.yaml"))) {
            flinkConf = flatten("", new Yaml().load(r));
        }
        Element parent = pom("pom.xml");
        version = child(parent, "version");
        flinkVersion = child((Element) parent.getElementsByTagName("properties").item(0), "flink.version");
        jobArtifactId = child(pom("src/job/pom.xml"), "artifactId");
        queryArtifactId = child(pom("src/query/pom.xml"), "artifactId");
    }

    @Test
    void hasTheServicesOfThePlayground() {
        assertThat(services).containsKeys("jobmanager", "taskmanager", "client", "localstack", "create-resources");
    }

    @Test
    void flinkImagesAreOfficialJava11OfThePomsFlinkVersion() {
        for (String name : List.of("jobmanager", "taskmanager", "client", "flink-volumes")) {
            assertThat(service(name).get("image")).as(name)
                    .isEqualTo("flink:" + flinkVersion + "-scala_2.12-java11");
        }
        assertThat(flinkVersion).startsWith("1.19.");
    }

    @Test
    void clientSubmitsTheJarTheBuildMakes() {
        // maven-shade-plugin replaces the job module's main artifact: src/job/target/<artifactId>-<version>.jar
        String jar = "./src/job/target/" + jobArtifactId + "-" + version + ".jar";
        String mounted = null;
        for (String volume : strings(service("client").get("volumes"))) {
            if (volume.startsWith(jar + ":")) {
                mounted = volume.split(":")[1];
            }
        }
        assertThat(mounted).as("client mounts " + jar).isNotNull();
        List<String> command = strings(service("client").get("command"));
        assertThat(command.subList(0, 2)).containsExactly("flink", "run");
        assertThat(command).contains(mounted);
    }

    @Test
    void jobAcceptsTheClientsOptionsAndTheyNameWhatCreateResourcesMakes() {
        List<String> command = strings(service("client").get("command"));
        int jar = command.indexOf("/opt/flink/usrlib/user-limits-job.jar");
        String[] jobArgs = command.subList(jar + 1, command.size()).toArray(new String[0]);
        JobConfig config = JobConfig.from(ConfigReaders.fromArgs(jobArgs));

        String create = String.join(" ", strings(service("create-resources").get("command")));
        assertThat(create).contains("--stream-name " + config.sourceStream() + " --shard-count 4")
                .contains("--stream-name " + config.dlqStream())
                .contains("--table-name " + config.tableName())
                .contains("--table-name " + config.subscriptionsTable() + " ")
                .contains("--table-name " + config.undeliveredTable() + " ");
        assertThat(String.valueOf(((Map<?, ?>) service("localstack").get("environment")).get("SERVICES"))).contains("sqs");
        assertThat(config.awsProperties().getProperty("aws.endpoint")).isEqualTo("http://localstack:4566");
        assertThat(create).contains("http://localstack:4566");
        assertThat(strings(service("localstack").get("ports"))).contains("4566:4566");
    }

    @Test
    void queryApiServesTheTableTheJobWritesFromItsOwnJar() {
        List<String> command = strings(service("query-api").get("command"));
        String jar = "./src/query/target/" + queryArtifactId + "-" + version + ".jar";
        assertThat(strings(service("query-api").get("volumes"))).contains(jar + ":" + command.get(command.indexOf("-jar") + 1) + ":ro");
        String[] args = command.subList(command.indexOf("-jar") + 2, command.size()).toArray(new String[0]);
        QueryConfig query = QueryConfig.from(ConfigReaders.fromArgs(args), "127.0.0.1");

        List<String> client = strings(service("client").get("command"));
        JobConfig job = JobConfig.from(ConfigReaders.fromArgs(
                client.subList(client.indexOf("/opt/flink/usrlib/user-limits-job.jar") + 1, client.size()).toArray(new String[0])));
        assertThat(query.tableName()).isEqualTo(job.tableName());
        assertThat(query.subscriptionsTable()).isEqualTo(job.subscriptionsTable());
        assertThat(query.aws().get("aws.endpoint")).isEqualTo(job.awsProperties().getProperty("aws.endpoint"));
        assertThat(query.host()).isEqualTo("0.0.0.0");
        assertThat(strings(service("query-api").get("ports"))).contains(query.port() + ":" + query.port());
    }

    @Test
    void portsAndAddressesAgree() {
        assertThat(strings(service("jobmanager").get("ports"))).contains(flinkConf.get("rest.port") + ":" + flinkConf.get("rest.port"));
        assertThat(flinkConf.get("jobmanager.rpc.address")).isEqualTo("jobmanager");
        List<String> command = strings(service("client").get("command"));
        assertThat(command.get(command.indexOf("--jobmanager") + 1)).isEqualTo("jobmanager:" + flinkConf.get("rest.port"));
    }

    @Test
    void clusterConfigurationHasRocksDbIncrementalCheckpointsSavepointsAndRestarts() {
        assertThat(flinkConf).containsEntry("state.backend.type", "rocksdb")
                .containsEntry("state.backend.incremental", true)
                .containsKeys("restart-strategy.type", "execution.checkpointing.interval");
        for (String key : List.of("state.checkpoints.dir", "state.savepoints.dir")) {
            String dir = ((String) flinkConf.get(key)).replace("file://", "");
            for (String name : List.of("jobmanager", "taskmanager")) {
                assertThat(strings(service(name).get("volumes"))).as(name + " mounts " + key)
                        .anyMatch(v -> v.endsWith(":" + dir));
            }
        }
        for (String name : List.of("jobmanager", "taskmanager", "client")) {
            assertThat(strings(service(name).get("volumes"))).contains("./flink-conf:/opt/flink/conf");
        }
        assertThat(ProjectFiles.path("flink-conf", "log4j-console.properties")).exists();
    }

    /** The benchmark's JVM runs the jobs' TaskManager: its figures hold for the cluster's TaskManagers only with their options. */
    @Test
    void benchmarkJvmHasTheTaskManagersJvmOptions() throws Exception {
        String taskManager = (String) flinkConf.get("env.java.opts.taskmanager");
        assertThat(taskManager).as("env.java.opts.taskmanager").contains("-XX:G1ConcRefinementThreads=0");
        Element properties = (Element) pom("src/dev/pom.xml").getElementsByTagName("properties").item(0);
        assertThat(FlinkCluster.splitOptions(child(properties, "bench.jvm"))).as("bench.jvm in src/dev/pom.xml")
                .contains("-XX:+UseG1GC").containsAll(FlinkCluster.splitOptions(taskManager));
    }

    /** The benchmark's MiniCluster is the jobs' TaskManager too: the same network buffers. */
    @Test
    void benchmarkMiniClusterHasTheTaskManagersNetworkBuffers() {
        Map<String, String> network = new TreeMap<>();
        flinkConf.forEach((k, v) -> {
            if (k.startsWith("taskmanager.network.")) {
                network.put(k, String.valueOf(v));
            }
        });
        assertThat(network).as("taskmanager.network.* in flink-conf/config.yaml").containsOnlyKeys(
                "taskmanager.network.memory.buffers-per-channel", "taskmanager.network.memory.floating-buffers-per-gate",
                "taskmanager.network.memory.max-buffers-per-channel");
        assertThat(Benchmark.DEFAULT_FLINK).containsAllEntriesOf(network);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> service(String name) {
        return (Map<String, Object>) services.get(name);
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Object list) {
        List<String> out = new ArrayList<>();
        if (list instanceof List) {
            ((List<Object>) list).forEach(o -> out.add(String.valueOf(o)));
        } else if (list != null) {
            out.add(String.valueOf(list));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> flatten(String prefix, Map<String, Object> map) {
        Map<String, Object> out = new TreeMap<>();
        map.forEach((k, v) -> {
            if (v instanceof Map) {
                out.putAll(flatten(prefix + k + ".", (Map<String, Object>) v));
            } else {
                out.put(prefix + k, v);
            }
        });
        return out;
    }

    private static String child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element && ((Element) n).getTagName().equals(name)) {
                return n.getTextContent().trim();
            }
        }
        throw new AssertionError("no <" + name + "> in pom.xml");
    }

    private static Element pom(String path) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(ProjectFiles.path(path).toFile())
                .getDocumentElement();
    }
}
