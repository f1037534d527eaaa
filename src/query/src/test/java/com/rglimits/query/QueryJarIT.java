package com.rglimits.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.rglimits.localaws.LoopbackPorts;
import com.rglimits.testing.JarContents;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The query service's jar, as {@code mvn verify} built it (Failsafe runs this after the shade step):
 * the service, the model and base it reads with, and its own token verification; no Flink. It refuses
 * to start without an authentication setting, in one line, and with {@code --auth none} it serves.
 */
class QueryJarIT {
    /** The query service (src/query) and the model and base modules it reads with (base: config, aws). */
    static final Set<String> QUERY_PACKAGES = Set.of("aws", "config", "deadletter", "event", "file", "limit", "query",
            "subscribe", "table");

    @Test
    void theQueryServiceJarHoldsItsPackagesAndStarts() throws Exception {
        Path queryJar = Path.of(System.getProperty("query.jar"));
        assertThat(queryJar).isRegularFile();
        try (JarFile q = new JarFile(queryJar.toFile())) {
            List<String> names = new ArrayList<>();
            q.stream().forEach(e -> names.add(e.getName()));
            assertThat(JarContents.projectPackages(names)).isEqualTo(new TreeSet<>(QUERY_PACKAGES));
            assertThat(JarContents.referencedProjectPackages(q, names)).isSubsetOf(QUERY_PACKAGES);
            assertThat(names).contains("com/rglimits/query/openapi.json", "com/nimbusds/jwt/proc/DefaultJWTProcessor.class")
                    .noneMatch(n -> n.startsWith("org/apache/flink/"));
        }
        int port = LoopbackPorts.unused();
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
}
