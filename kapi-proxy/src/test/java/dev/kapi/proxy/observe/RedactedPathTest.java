package dev.kapi.proxy.observe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RedactedPathTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "/api/v1/namespaces/x/pods|/api/v1/namespaces/x/pods",
      "/api/v1/pods?watch=true&resourceVersion=12|/api/v1/pods?watch=true&resourceVersion=12",
      "/x?access_token=abc&limit=5|/x?access_token=REDACTED&limit=5",
      "/x?TOKEN=abc|/x?TOKEN=REDACTED",
      "/x?client_secret=s&password=p&apiKey=k|/x?client_secret=REDACTED&password=REDACTED&apiKey=REDACTED",
      "/x?X-Amz-Signature=sig&x=1|/x?X-Amz-Signature=REDACTED&x=1",
      "/x?auth%5Ftoken=abc|/x?auth%5Ftoken=REDACTED",
      "/x?labelSelector=app%3Dweb&fieldSelector=metadata.name%3Dy|/x?labelSelector=app%3Dweb&fieldSelector=metadata.name%3Dy",
      "/x?token|/x?token",
      "/x?|/x?",
      "/x?a=1&&b=2|/x?a=1&&b=2",
      "/x?sv=2024&sig=abc&se=1|/x?sv=2024&sig=REDACTED&se=1",
      "/api/v1/namespaces/d/services/https:s:443/proxy/login?code=c0de&state=st&scope=x|/api/v1/namespaces/d/services/https:s:443/proxy/login?code=REDACTED&state=REDACTED&scope=x",
      "/x?a=1;token=t;b=2|/x?a=1;token=REDACTED;b=2",
      "/x?encode=1&sessionid=s|/x?encode=1&sessionid=REDACTED",
  })
  void redactsValuesOfSecretLookingQueryParametersOnly(String in, String out) {
    assertThat(RedactedPath.of(in)).isEqualTo(out);
  }
}
