package dev.kapi.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** --api-prefix and --www-prefix as kubectl's ServeMux and stripLeaveSlash apply them. */
class RouteTest {

  @ParameterizedTest(name = "api={0} www={1}: {2} -> {3}")
  @CsvSource({
      // api prefix, www prefix ("-" = no --www), path, expected route
      "/, -, /api/v1/pods, api:/api/v1/pods",
      "/, -, /, api:/",
      "/, /static/, /static/app.js, file:app.js",
      "/, /static/, /static/, file:",
      "/, /static/, /static, redirect:/static/", // kubectl 1.32: 301 Location /static/
      "/, /static/, /stati, api:/stati",
      "/, /static/, /staticx, api:/staticx",
      "/custom/, -, /custom/api/v1/pods, api:/api/v1/pods",
      "/custom/, -, /custom/, api:/",
      "/custom/, -, /api/v1/pods, notfound",
      "/custom/, -, /custom, redirect:/custom/",
      "/custom/, -, /custo, notfound",
      "/api/, -, /api, redirect:/api/",
      "/k8s-api/, -, /k8s-api/v1/pods, api:/v1/pods",
      // a prefix starting with /api is not stripped (kubectl)
      "/api/, /static/, /api/v1/pods, api:/api/v1/pods",
      "/api/, /static/, /apis/batch/v1, notfound",
      "/api/, /static/, /static/x/y.html, file:x/y.html",
      "/apiproxy/, -, /apiproxy/api/v1, api:/apiproxy/api/v1",
      // the longer prefix wins
      "/static/, /static/files/, /static/files/a, file:a",
      "/static/, /static/files/, /static/api, api:/api"})
  void routesLikeKubectlsServeMux(String api, String www, String path, String expected) {
    Route.Mux mux = new Route.Mux(api, www.equals("-") ? Optional.empty() : Optional.of(www));
    Route r = mux.route(path);
    String actual = r instanceof Route.Api a ? "api:" + a.path()
        : r instanceof Route.StaticFile f ? "file:" + f.relativePath()
        : r instanceof Route.Redirect d ? "redirect:" + d.location() : "notfound";
    assertThat(actual).isEqualTo(expected.equals("file:") ? "file:" : expected);
  }
}
