package com.rglimits.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The parts of Flink's REST API (the web UI's backend) the launcher and its tests use: the
 * TaskManagers, a job's state and where its subtasks run, its checkpoints, stop-with-savepoint
 * and cancel. Answers are returned as JSON trees, as documented in Flink's REST API reference.
 */
public final class FlinkRest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public FlinkRest(URI base) {
        this.base = base;
    }

    public URI base() {
        return base;
    }

    public JsonNode get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    /** Whether the REST endpoint answers at all (the JobManager is up). */
    public boolean answers() {
        try {
            get("/config");
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The resource ids of the TaskManagers registered now. */
    public Set<String> taskManagers() throws IOException, InterruptedException {
        Set<String> ids = new LinkedHashSet<>();
        for (JsonNode tm : get("/taskmanagers").path("taskmanagers")) {
            ids.add(tm.path("id").asText());
        }
        return ids;
    }

    /** {@code RUNNING}, {@code FINISHED}, {@code CANCELED}, ...: the job's state. */
    public String jobState(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId).path("state").asText();
    }

    /** Whether the job runs and every one of its subtasks does too (not only scheduled or deploying). */
    public boolean allTasksRunning(String jobId) throws IOException, InterruptedException {
        JsonNode job = get("/jobs/" + jobId);
        if (!job.path("state").asText().equals("RUNNING")) {
            return false;
        }
        for (JsonNode vertex : job.path("vertices")) {
            if (vertex.path("tasks").path("RUNNING").asInt() != vertex.path("parallelism").asInt()) {
                return false;
            }
        }
        return true;
    }

    /** The resource ids of the TaskManagers that run at least one subtask of the job. */
    public Set<String> taskManagersOf(String jobId) throws IOException, InterruptedException {
        Set<String> ids = new LinkedHashSet<>();
        for (JsonNode vertex : get("/jobs/" + jobId).path("vertices")) {
            for (JsonNode subtask : get("/jobs/" + jobId + "/vertices/" + vertex.path("id").asText()).path("subtasks")) {
                String tm = subtask.path("taskmanager-id").asText("");
                if (!tm.isEmpty() && !tm.equals("(unassigned)")) {
                    ids.add(tm);
                }
            }
        }
        return ids;
    }

    /** {@code /jobs/ID/checkpoints}: counts, the latest completed and restored checkpoints. */
    public JsonNode checkpoints(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId + "/checkpoints");
    }

    /** The id of the job's latest completed checkpoint or savepoint, -1 before the first. */
    public long latestCompletedCheckpoint(String jobId) throws IOException, InterruptedException {
        JsonNode completed = checkpoints(jobId).path("latest").path("completed");
        return completed.isObject() ? completed.path("id").asLong() : -1;
    }

    /**
     * Stop-with-savepoint without drain ({@code POST /jobs/ID/stop}), canonical format, into
     * {@code targetDirectory}; waits for it and returns the savepoint's location.
     */
    public String stopWithSavepoint(String jobId, String targetDirectory, Duration timeout)
            throws IOException, InterruptedException {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("targetDirectory", targetDirectory);
        body.put("drain", false);
        body.put("formatType", "CANONICAL");
        JsonNode trigger = send(HttpRequest.newBuilder(base.resolve("/jobs/" + jobId + "/stop"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
        String requestId = trigger.path("request-id").asText();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode status = get("/jobs/" + jobId + "/savepoints/" + requestId);
            if (status.path("status").path("id").asText().equals("COMPLETED")) {
                JsonNode operation = status.path("operation");
                if (operation.has("failure-cause")) {
                    throw new IOException("stop-with-savepoint of job " + jobId + " failed: "
                            + operation.path("failure-cause").path("stack-trace").asText(operation.toString()));
                }
                return operation.path("location").asText();
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("stop-with-savepoint of job " + jobId + " did not complete within " + timeout);
            }
            Thread.sleep(200);
        }
    }

    /** {@code PATCH /jobs/ID?mode=cancel}. */
    public void cancel(String jobId) throws IOException, InterruptedException {
        send(HttpRequest.newBuilder(base.resolve("/jobs/" + jobId + "?mode=cancel"))
                .method("PATCH", HttpRequest.BodyPublishers.noBody()));
    }

    private JsonNode send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException(response.request().method() + " " + response.uri() + ": HTTP " + response.statusCode()
                    + " " + response.body());
        }
        String text = response.body();
        return text == null || text.isBlank() ? MAPPER.createObjectNode() : MAPPER.readTree(text);
    }
}
