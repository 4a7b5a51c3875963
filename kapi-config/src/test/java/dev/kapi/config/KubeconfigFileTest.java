package dev.kapi.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parsing one kubeconfig file: every format error names the file and field, never the value. */
class KubeconfigFileTest {

  @TempDir
  Path dir;

  private Path write(String name, String yaml) throws Exception {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, yaml);
    return p;
  }

  @Test
  void readsClustersContextsUsersAndCurrentContext() throws Exception {
    Path f = write("config", """
        apiVersion: v1
        kind: Config
        clusters:
        - name: prod
          cluster:
            server: https://k.example:6443/prefix
            certificate-authority: ca.crt
            tls-server-name: kubernetes.default.svc
            proxy-url: socks5://proxy:1080
        contexts:
        - name: admin@prod
          context: {cluster: prod, user: admin, namespace: team-a}
        users:
        - name: admin
          user:
            tokenFile: ../tokens/admin
        current-context: admin@prod
        """);

    KubeconfigFile kc = KubeconfigFile.read(f);

    assertThat(kc.currentContext()).contains("admin@prod");
    KubeconfigCluster prod = kc.clusters().get("prod");
    assertThat(prod.server()).contains("https://k.example:6443/prefix");
    assertThat(prod.certificateAuthority()).contains(dir.resolve("ca.crt"));
    assertThat(prod.tlsServerName()).contains("kubernetes.default.svc");
    assertThat(prod.proxyUrl()).contains("socks5://proxy:1080");
    assertThat(kc.contexts().get("admin@prod").namespace()).contains("team-a");
    assertThat(kc.users().get("admin").tokenFile()).contains(dir.getParent().resolve("tokens/admin").normalize());
  }

  @Test
  void yamlAnchorsAliasesAndMergeKeysResolveAsKubectlReadsThem() throws Exception {
    // Jackson's YAML parser leaves aliases unresolved: "token: *tok" was read as the token "tok"
    KubeconfigFile kc = KubeconfigFile.read(write("anchors", """
        apiVersion: v1
        kind: Config
        clusters:
        - name: a
          cluster: &base
            server: https://a.example:6443
            insecure-skip-tls-verify: true
        - name: b
          cluster:
            <<: *base
            server: https://b.example:6443
        - name: c
          cluster: *base
        users:
        - name: u
          user:
            token: s3cr3t
        """));
    assertThat(kc.clusters().get("a").server()).contains("https://a.example:6443");
    assertThat(kc.clusters().get("b").server()).contains("https://b.example:6443"); // its own key wins
    assertThat(kc.clusters().get("b").insecureSkipTlsVerify()).isTrue(); // merged from the anchor
    assertThat(kc.clusters().get("c").server()).contains("https://a.example:6443");
    // an alias never stands for its own name: one without an anchor is an error naming it, not the value "tok"
    assertThatThrownBy(() -> KubeconfigFile.read(write("unanchored", "users:\n- name: u\n  user:\n    token: s3cr3t\n"
        + "- name: v\n  user:\n    token: *tok\n")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("alias *tok has no anchor &tok before it")
        .hasMessageContaining("line 7").hasMessageNotContaining("s3cr3t");
  }

  @Test
  void anAnchorOnASingleValueResolvesAsKubectlReadsIt() throws Exception {
    // Jackson's parser drops the anchor of a single value; kubectl resolves *tok to the token itself
    KubeconfigFile kc = KubeconfigFile.read(write("scalar", """
        users:
        - name: u
          user:
            token: &tok s3cr3t
        - name: v
          user:
            token: *tok
        clusters:
        - name: a
          cluster:
            server: &srv https://a.example:6443
            insecure-skip-tls-verify: &yes true
        - name: b
          cluster:
            server: *srv
            insecure-skip-tls-verify: *yes
        """));

    assertThat(kc.users().get("v").token()).contains("s3cr3t");
    assertThat(kc.users().get("u").token()).contains("s3cr3t");
    assertThat(kc.clusters().get("b").server()).contains("https://a.example:6443");
    assertThat(kc.clusters().get("b").insecureSkipTlsVerify()).isTrue();
  }

  @Test
  void mergeKeysTakeAListOfMappingsAndTheMappingsOwnKeysWinWhereverWritten() throws Exception {
    KubeconfigFile kc = KubeconfigFile.read(write("merges", """
        x-tls: &tls
          insecure-skip-tls-verify: true
          tls-server-name: from-tls
        x-srv: &srv
          server: https://merged.example:6443
          tls-server-name: from-srv
        clusters:
        - name: own-key-first
          cluster:
            server: https://own.example:6443
            <<: *srv
        - name: list
          cluster:
            <<: [*tls, *srv]
        - name: inline
          cluster:
            <<: {server: https://inline.example:6443}
        """));

    assertThat(kc.clusters().get("own-key-first").server()).contains("https://own.example:6443");
    assertThat(kc.clusters().get("own-key-first").tlsServerName()).contains("from-srv");
    assertThat(kc.clusters().get("list").server()).contains("https://merged.example:6443");
    assertThat(kc.clusters().get("list").tlsServerName()).contains("from-tls"); // the earlier mapping wins
    assertThat(kc.clusters().get("list").insecureSkipTlsVerify()).isTrue();
    assertThat(kc.clusters().get("inline").server()).contains("https://inline.example:6443");
    assertThatThrownBy(() -> KubeconfigFile.read(write("bad-merge", "x: &s text\nclusters:\n- name: a\n  cluster:\n"
        + "    <<: *s\n")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("a merge key (<<) takes a mapping or a list of mappings");
  }

  @Test
  void aFewLinesOfAliasesToAliasesAreRefusedNotExpanded() throws Exception {
    // nine levels of ten aliases each stand for a billion values; kubectl says "excessive aliasing" at once
    StringBuilder bomb = new StringBuilder("apiVersion: v1\nkind: Config\nx0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i < 9; i++) {
      bomb.append("x").append(i).append(": &a").append(i).append(" [")
          .append(String.join(", ", java.util.Collections.nCopies(10, "*a" + (i - 1)))).append("]\n");
    }

    assertThatThrownBy(() -> KubeconfigFile.read(write("bomb", bomb.toString())))
        .isInstanceOf(ConfigException.class).hasMessageContaining("excessive aliasing");
  }

  @Test
  void emptyFileIsAnEmptyConfig() throws Exception {
    KubeconfigFile kc = KubeconfigFile.read(write("empty", ""));

    assertThat(kc.clusters()).isEmpty();
    assertThat(kc.currentContext()).isEmpty();
    assertThat(KubeconfigFile.read(write("comments", "# nothing here\n")).users()).isEmpty();
  }

  @Test
  void badYamlNamesTheFileAndLineButNotTheContent() throws Exception {
    Path f = write("bad", """
        users:
        - name: alice
          user:
            token: s3cr3t-token-value: oops
        """);

    assertThatThrownBy(() -> KubeconfigFile.read(f))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(f.toString())
        .hasMessageContaining("is not valid YAML")
        .hasMessageContaining("line 4")
        .hasMessageNotContaining("s3cr3t");
  }

  @Test
  void duplicateKeysAreAnError() throws Exception {
    Path f = write("dup", """
        users:
        - name: alice
          user:
            token: abc
            token: def
        """);

    assertThatThrownBy(() -> KubeconfigFile.read(f))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("token")
        .hasMessageNotContaining("abc").hasMessageNotContaining("def");
  }

  @Test
  void wrongTypesNameTheField() throws Exception {
    assertThatThrownBy(() -> KubeconfigFile.read(write("a", "clusters: {}\n")))
        .hasMessageContaining("clusters must be a list");
    assertThatThrownBy(() -> KubeconfigFile.read(write("b", "clusters:\n- name: c\n  cluster:\n    server: 6443\n")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(dir.resolve("b") + ": clusters[c].server must be a string, not a number");
    assertThatThrownBy(() -> KubeconfigFile.read(write("c", "clusters:\n- name: c\n  cluster:\n    insecure-skip-tls-verify: \"yes\"\n")))
        .hasMessageContaining("clusters[c].insecure-skip-tls-verify must be true or false");
    assertThatThrownBy(() -> KubeconfigFile.read(write("d", "- just\n- a list\n")))
        .hasMessageContaining("must be a mapping");
  }

  @Test
  void entriesNeedUniqueNames() throws Exception {
    assertThatThrownBy(() -> KubeconfigFile.read(write("a", "users:\n- user: {token: x}\n")))
        .hasMessageContaining("users[0].name is missing");
    assertThatThrownBy(() -> KubeconfigFile.read(write("b", "users:\n- name: a\n  user: {token: x}\n- name: a\n  user: {token: y}\n")))
        .hasMessageContaining("users[1].name is a, which is defined twice in this file");
  }

  @Test
  void badBase64NamesTheFieldWithTheEntryName() throws Exception {
    Path f = write("config", """
        users:
        - name: alice
          user:
            client-certificate-data: aGVsbG8=
            client-key-data: "not*base64!!secret"
        """);

    assertThatThrownBy(() -> KubeconfigFile.read(f))
        .isInstanceOf(ConfigException.class)
        .hasMessage(f + ": users[alice].client-key-data is not valid base64")
        .satisfies(e -> assertThat(((ConfigException) e).field()).isEqualTo("users[alice].client-key-data"))
        .satisfies(e -> assertThat(((ConfigException) e).source()).isEqualTo(f.toString()));
  }

  @Test
  void base64MayBeWrappedOverLines() throws Exception {
    String pem = "-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----\n";
    String b64 = TestCerts.b64(pem);
    String wrapped = b64.substring(0, 10) + "\n  " + b64.substring(10);
    Path f = write("config", "clusters:\n- name: c\n  cluster:\n    certificate-authority-data: |\n      "
        + wrapped.replace("\n  ", "\n      ") + "\n");

    assertThat(KubeconfigFile.read(f).clusters().get("c").certificateAuthorityData()).contains(pem);
  }

  @Test
  void notAKubeconfigIsSaidSo() throws Exception {
    assertThatThrownBy(() -> KubeconfigFile.read(write("pod", "apiVersion: v1\nkind: Pod\n")))
        .hasMessageContaining("kind is Pod, not Config");
    assertThatThrownBy(() -> KubeconfigFile.read(dir))
        .hasMessageContaining("is a directory");
    assertThatThrownBy(() -> KubeconfigFile.read(dir.resolve("nope")))
        .hasMessage(dir.resolve("nope") + " does not exist");
  }

  @Test
  void execCommandWithASlashResolvesAgainstTheKubeconfigDirectoryAndABareNameDoesNot() throws Exception {
    Path f = write("sub/config", """
        users:
        - name: rel
          user:
            exec: {apiVersion: client.authentication.k8s.io/v1, command: ./bin/plugin, interactiveMode: Never}
        - name: bare
          user:
            exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: aws, args: [eks, get-token]}
        - name: abs
          user:
            exec: {apiVersion: client.authentication.k8s.io/v1, command: /usr/bin/plugin, interactiveMode: Always}
        """);

    KubeconfigFile kc = KubeconfigFile.read(f);

    assertThat(kc.users().get("rel").exec().orElseThrow().command()).isEqualTo(dir.resolve("sub/bin/plugin").toString());
    ExecConfig bare = kc.users().get("bare").exec().orElseThrow();
    assertThat(bare.command()).isEqualTo("aws");
    assertThat(bare.args()).containsExactly("eks", "get-token");
    assertThat(bare.interactiveMode()).isEqualTo(ExecConfig.InteractiveMode.IF_AVAILABLE); // v1beta1 default
    assertThat(kc.users().get("abs").exec().orElseThrow().command()).isEqualTo("/usr/bin/plugin");
  }

  @Test
  void execConfigIsValidatedLikeKubectl() throws Exception {
    assertThatThrownBy(() -> KubeconfigFile.read(write("a", "users:\n- name: u\n  user:\n    exec: {apiVersion: client.authentication.k8s.io/v1, command: x}\n")))
        .hasMessageContaining("users[u].exec.interactiveMode is missing");
    assertThatThrownBy(() -> KubeconfigFile.read(write("b", "users:\n- name: u\n  user:\n    exec: {apiVersion: client.authentication.k8s.io/v1alpha1, command: x}\n")))
        .hasMessageContaining("users[u].exec.apiVersion is client.authentication.k8s.io/v1alpha1, which Kubernetes removed");
    assertThatThrownBy(() -> KubeconfigFile.read(write("c", "users:\n- name: u\n  user:\n    exec: {command: x}\n")))
        .hasMessageContaining("users[u].exec.apiVersion is missing");
    assertThatThrownBy(() -> KubeconfigFile.read(write("d", "users:\n- name: u\n  user:\n    exec: {apiVersion: client.authentication.k8s.io/v1, interactiveMode: Never}\n")))
        .hasMessageContaining("users[u].exec.command is missing");
    assertThatThrownBy(() -> KubeconfigFile.read(write("e", "users:\n- name: u\n  user:\n    exec: {apiVersion: client.authentication.k8s.io/v1, command: x, interactiveMode: Sometimes}\n")))
        .hasMessageContaining("users[u].exec.interactiveMode is Sometimes; must be Never, IfAvailable or Always");
    assertThatThrownBy(() -> KubeconfigFile.read(write("f", "users:\n- name: u\n  user:\n    exec: {apiVersion: client.authentication.k8s.io/v1, command: x, interactiveMode: Never, env: [{value: v}]}\n")))
        .hasMessageContaining("users[u].exec.env[0].name is missing");
  }

  @Test
  void userToStringNamesMethodsNeverValues() throws Exception {
    Path f = write("config", """
        users:
        - name: alice
          user:
            token: tok-SECRET
            client-certificate-data: aGVsbG8=
            client-key-data: S0VZLVNFQ1JFVA==
        - name: bob
          user:
            username: bob
            password: pw-SECRET
            exec:
              apiVersion: client.authentication.k8s.io/v1
              command: x
              interactiveMode: Never
              env: [{name: API_KEY, value: env-SECRET}]
        - name: carol
          user:
            auth-provider: {name: oidc, config: {id-token: idt-SECRET}}
        """);

    KubeconfigFile kc = KubeconfigFile.read(f);

    assertThat(kc.toString()).doesNotContain("SECRET").doesNotContain("S0VZ");
    assertThat(kc.users().get("alice").toString()).contains("token", "client certificate");
  }
}
