package dev.kapi.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What an exec plugin with {@code provideClusterInfo: true} is told about the cluster in
 * {@code KUBERNETES_EXEC_INFO} ({@code spec.cluster}), with client-go's field names. The CA file, if any, is
 * read at each run so a rotated bundle is passed on.
 */
record ExecClusterInfo(String server, Optional<String> tlsServerName, boolean insecureSkipTlsVerify,
    Optional<String> caData, Optional<Path> caFile, Optional<String> proxyUrl, Optional<JsonNode> config) {

  ObjectNode toJson() {
    ObjectNode c = JsonNodeFactory.instance.objectNode();
    c.put("server", server);
    tlsServerName.ifPresent(n -> c.put("tls-server-name", n));
    if (insecureSkipTlsVerify) {
      c.put("insecure-skip-tls-verify", true);
    }
    caPem().ifPresent(pem -> c.put("certificate-authority-data", pem.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    proxyUrl.ifPresent(p -> c.put("proxy-url", p));
    config.ifPresent(cfg -> c.set("config", cfg));
    return c;
  }

  private Optional<String> caPem() {
    if (caData.isPresent()) {
      return caData;
    }
    return caFile.map(f -> {
      try {
        return Files.readString(f);
      } catch (IOException e) {
        throw new CredentialsUnavailableException(f.toString(), "cannot be read for the exec plugin's cluster info: "
            + e.getClass().getSimpleName());
      }
    });
  }
}
