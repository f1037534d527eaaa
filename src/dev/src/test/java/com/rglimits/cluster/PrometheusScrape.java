package com.rglimits.cluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Samples read from Prometheus endpoints in the text exposition format, as a Prometheus server scrapes them. */
final class PrometheusScrape {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One line: {@code name{labels} value}. */
    static final class Sample {
        final String name;
        final String labels;
        final double value;

        Sample(String name, String labels, double value) {
            this.name = name;
            this.labels = labels;
            this.value = value;
        }

        boolean has(String label, String labelValue) {
            return labels.contains(label + "=\"" + labelValue + "\"");
        }
    }

    private PrometheusScrape() {}

    static List<Sample> scrape(URI endpoint) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(endpoint + ": HTTP " + response.statusCode());
        }
        List<Sample> samples = new ArrayList<>();
        for (String line : response.body().split("\\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            String name = brace >= 0 && brace < space ? line.substring(0, brace) : line.substring(0, space);
            String labels = brace >= 0 && brace < space ? line.substring(brace, line.lastIndexOf('}') + 1) : "";
            samples.add(new Sample(name, labels, Double.parseDouble(line.substring(space + 1))));
        }
        return samples;
    }

    /** The samples of one job on these endpoints, summed per metric name (over subtasks and TaskManagers). */
    static Map<String, Double> sumsOfJob(List<URI> endpoints, String jobId) throws IOException, InterruptedException {
        Map<String, Double> sums = new TreeMap<>();
        for (URI endpoint : endpoints) {
            for (Sample s : scrape(endpoint)) {
                if (s.has("job_id", jobId)) {
                    sums.merge(s.name, s.value, Double::sum);
                }
            }
        }
        return sums;
    }
}
