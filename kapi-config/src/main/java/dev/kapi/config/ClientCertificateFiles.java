package dev.kapi.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client certificate and key kept in two files that a renewal (cert-manager, kubeadm, a kubelet-style rotation)
 * may replace. One {@code stat} per file per handshake; the pair is re-read when either file changed. A new pair
 * that does not load or does not match (certificate written, key not yet) is skipped and the previous pair kept.
 */
final class ClientCertificateFiles implements Supplier<ClientCertificate.KeyMaterial> {

  private static final Logger LOG = LoggerFactory.getLogger(ClientCertificateFiles.class);

  private record Loaded(FileIdentity cert, FileIdentity key, ClientCertificate.KeyMaterial material) {
  }

  private final Path certFile;
  private final Path keyFile;
  private final String source;
  private final String certField;
  private final String keyField;
  private volatile Loaded loaded;
  private volatile Loaded rejected; // identities last seen unusable, not retried until they change again

  ClientCertificateFiles(Path certFile, Path keyFile, String source, String certField, String keyField) {
    this.certFile = certFile;
    this.keyFile = keyFile;
    this.source = source;
    this.certField = certField;
    this.keyField = keyField;
  }

  @Override
  public ClientCertificate.KeyMaterial get() {
    FileIdentity c;
    FileIdentity k;
    Loaded l = loaded;
    try {
      c = identity(certFile, certField);
      k = identity(keyFile, keyField);
    } catch (ConfigException e) {
      if (l != null) {
        return l.material(); // briefly away during a renewal: keep presenting the last good pair
      }
      throw e;
    }
    if (l != null && l.cert().equals(c) && l.key().equals(k)) {
      return l.material();
    }
    return reload(c, k);
  }

  private synchronized ClientCertificate.KeyMaterial reload(FileIdentity c, FileIdentity k) {
    Loaded l = loaded;
    if (l != null && l.cert().equals(c) && l.key().equals(k)) {
      return l.material();
    }
    Loaded r = rejected;
    if (l != null && r != null && r.cert().equals(c) && r.key().equals(k)) {
      return l.material();
    }
    try {
      ClientCertificate.KeyMaterial m = load();
      loaded = new Loaded(c, k, m);
      if (l != null) {
        LOG.info("client certificate reloaded from {}: {}", certFile, m.chain().get(0).getSubjectX500Principal().getName());
      }
      return m;
    } catch (ConfigException e) {
      if (l == null) {
        throw e;
      }
      rejected = new Loaded(c, k, null);
      LOG.warn("keeping the previous client certificate: the changed files are not usable yet: {}", e.getMessage());
      return l.material();
    }
  }

  /** Loads the pair; problems name the field and the file it points at. */
  private ClientCertificate.KeyMaterial load() {
    String cert = read(certFile, certField);
    String key = read(keyFile, keyField);
    try {
      return ClientCertificate.material(cert, key, source, certField, keyField);
    } catch (ConfigException e) {
      Path file = certField.equals(e.field()) ? certFile : keyFile;
      throw new ConfigException(source, e.field(), "names " + file + ", which " + e.problem(), e);
    }
  }

  private FileIdentity identity(Path file, String field) {
    try {
      return FileIdentity.of(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException(source, field, "names " + file + ", which does not exist");
    } catch (IOException e) {
      throw new ConfigException(source, field, "names " + file + ", which cannot be read: " + e.getClass().getSimpleName());
    }
  }

  private String read(Path file, String field) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException(source, field, "names " + file + ", which cannot be read: " + e.getClass().getSimpleName());
    }
  }
}
