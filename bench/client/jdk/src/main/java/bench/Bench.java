package bench;

import java.io.FileInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Baseline: plain java.net.http, hand-read token and CA (what the seed's curl does), GET one namespace. */
public final class Bench {
  public static void main(String[] args) throws Exception {
    String kc = Files.readString(Path.of(args[1]));
    String server = find(kc, "server: ([^,}\\s]+)");
    String ca = find(kc, "certificate-authority: ([^,}\\s]+)");
    String token = find(kc, "token: ([^,}\\s]+)");
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    try (FileInputStream in = new FileInputStream(ca)) {
      ks.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    HttpClient http = HttpClient.newBuilder().sslContext(ssl).version(HttpClient.Version.HTTP_1_1).build();
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server + "/api/v1/namespaces/default"))
        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
    System.out.println("first " + r.statusCode() + " " + r.body().length());
  }

  static String find(String s, String re) {
    Matcher m = Pattern.compile(re).matcher(s);
    if (!m.find()) {
      throw new IllegalStateException("no " + re);
    }
    return m.group(1);
  }
}
