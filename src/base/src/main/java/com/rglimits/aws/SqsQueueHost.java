package com.rglimits.aws;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsServiceClientConfiguration;

/**
 * The one host a subscriber's queue URL may name: the host of the SQS endpoint the service's or the
 * job's own SQS client talks to (its endpoint override, else its region's endpoint). A queue URL is
 * where users' limits are sent, so one naming another host is refused wherever it is used, however
 * it got into the subscriptions table. Ports and paths are not compared: one host is one operator.
 */
public final class SqsQueueHost {
    private final String host;

    private SqsQueueHost(String host) {
        this.host = host.toLowerCase(Locale.ROOT);
    }

    /** The host of the endpoint a client built with these settings talks to. */
    public static SqsQueueHost of(SqsServiceClientConfiguration client) {
        return client.endpointOverride()
                .map(endpoint -> new SqsQueueHost(endpoint.getHost()))
                // The region's endpoint, without a scheme: "sqs.eu-west-1.amazonaws.com".
                .orElseGet(() -> new SqsQueueHost(SqsClient.serviceMetadata().endpointFor(client.region()).toString()));
    }

    public String host() {
        return host;
    }

    /** Empty when the URL is an http(s) URL on this host; otherwise why it is refused. */
    public Optional<String> refusal(String queueUrl) {
        URI uri;
        try {
            uri = new URI(queueUrl);
        } catch (URISyntaxException e) {
            return Optional.of("the queue URL is not a URL");
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("https") || uri.getScheme().equals("http"))) {
            return Optional.of("the queue URL is not an http(s) URL");
        }
        if (uri.getHost() == null || !uri.getHost().toLowerCase(Locale.ROOT).equals(host)) {
            return Optional.of("the queue URL's host is not the SQS endpoint's host " + host);
        }
        return Optional.empty();
    }
}
