package dev.gatehouse.support;

import com.okta.sdk.client.ClientBuilder;
import com.okta.sdk.impl.client.DefaultClientBuilder;
import com.okta.sdk.impl.config.ClientConfiguration;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.http.protocol.HttpCoreContext;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Okta's Java management SDK, built exactly as {@code Clients.builder()} builds it, with one addition: its Apache
 * HttpClient hands every response to the Okta schema check ({@link OktaSchema}) before the SDK parses it, so the SDK
 * tests are covered like the tests on {@link Http}. The SDK's own configuration (TLS, timeouts, retries, proxy) is
 * untouched: the interceptor is added to the builder the SDK made ({@code DefaultClientBuilder.createHttpClientBuilder}).
 */
public final class OktaSdkClients {

    private OktaSdkClients() {
    }

    /** {@code Clients.builder()}, every response checked against Okta's schema. */
    public static ClientBuilder builder() {
        return new DefaultClientBuilder() {
            @Override
            protected HttpClientBuilder createHttpClientBuilder(ClientConfiguration configuration) {
                return super.createHttpClientBuilder(configuration).addResponseInterceptorLast(OktaSdkClients::check);
            }
        };
    }

    private static void check(HttpResponse response, EntityDetails details, HttpContext context) throws IOException {
        HttpRequest request = HttpCoreContext.adapt(context).getRequest();
        String body = "";
        if (response instanceof ClassicHttpResponse classic && classic.getEntity() != null) {
            byte[] bytes = EntityUtils.toByteArray(classic.getEntity());
            // The same bytes, type and encoding, for the SDK to read (and HttpClient to decompress) as it would have.
            classic.setEntity(new ByteArrayEntity(bytes, classic.getEntity().getContentType() == null ? null
                    : ContentType.parse(classic.getEntity().getContentType()), classic.getEntity().getContentEncoding()));
            // The check runs before HttpClient's own decompression (Gatehouse gzips larger bodies when asked to).
            Header encoding = response.getFirstHeader("Content-Encoding");
            body = new String(encoding != null && encoding.getValue().equalsIgnoreCase("gzip")
                    ? new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(bytes)).readAllBytes() : bytes, StandardCharsets.UTF_8);
        }
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (Header h : response.getHeaders()) {
            headers.computeIfAbsent(h.getName(), k -> new ArrayList<>()).add(h.getValue());
        }
        try {
            OktaSchema.check(request.getMethod(), request.getUri(), response.getCode(), HttpHeaders.of(headers, (n, v) -> true), body);
        } catch (URISyntaxException e) {
            throw new IOException(e);
        } catch (AssertionError nonConforming) {
            // Not an Error out of the client: Apache HttpClient shuts its connection pool down on an Error, and every later
            // call of the test class would fail with "Connection pool shut down". The SDK lets this through to the test.
            throw new NonConformingResponse(nonConforming);
        }
    }

    /** A response the Okta schema check refused, on its way through the SDK to the test that made the call. */
    public static final class NonConformingResponse extends RuntimeException {
        NonConformingResponse(AssertionError cause) {
            super(cause.getMessage(), cause);
        }
    }
}
