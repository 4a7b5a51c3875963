package dev.kapi.proxy.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.net.ConnectException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class UpstreamFailureTest {

  @Test
  void aHandshakeThatTimedOutIsATimeoutNotACertificateFailure() {
    // a paused or overloaded API server: counted and answered (503 with Retry-After) as a connect timeout, where a
    // failed certificate check (no Retry-After: a second will not mend it) is "tls"
    assertThat(UpstreamFailure.classify(new SslHandshakeTimeoutException("handshake timed out after 10000ms")))
        .isEqualTo(UpstreamFailure.CONNECT_TIMEOUT);
    assertThat(UpstreamFailure.classify(new SSLHandshakeException("PKIX path building failed")))
        .isEqualTo(UpstreamFailure.TLS);
    assertThat(UpstreamFailure.classify(new ConnectException("Connection refused")))
        .isEqualTo(UpstreamFailure.CONNECT_REFUSED);
  }
}
