package dev.kapi.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.proxy.FilterRules;
import org.junit.jupiter.api.Test;

/** The frontend's view of the filter: a canonical path as sent, trailing "/" included. */
class RequestFilterAsSentTest {

  private static final RequestFilter FILTER = new RequestFilter(FilterRules.parse("^/api/v1/namespaces/[^/]+/(configmaps|pods/[^/]+/log)$",
      "^/api/v1/namespaces/[^/]+/pods/[^/]+/log/$", FilterRules.DEFAULT_ACCEPT_HOSTS, FilterRules.DEFAULT_REJECT_METHODS));

  @Test
  void aRejectRuleWrittenForTheSlashedFormRefusesItThoughTheOtherChecksSeeItWithoutTheSlash() {
    assertThat(FILTER.decidePathAndMethodAsSent("GET", "/api/v1/namespaces/a/pods/p/log"))
        .as("accepted without the slash").isEqualTo(FilterDecision.ALLOW);
    assertThat(FILTER.decidePathAndMethodAsSent("GET", "/api/v1/namespaces/a/pods/p/log/"))
        .isInstanceOfSatisfying(FilterDecision.Deny.class, d -> assertThat(d.reason()).contains("--reject-paths"));
    assertThat(FILTER.decidePathAndMethodAsSent("GET", "/api/v1/namespaces/a/configmaps/"))
        .as("accept-paths (anchored with $) sees the path without its trailing slash, as before")
        .isEqualTo(FilterDecision.ALLOW);
    assertThat(FILTER.decidePathAndMethodAsSent("GET", "/api/v1/namespaces/a/configmaps")).isEqualTo(FilterDecision.ALLOW);
  }
}
