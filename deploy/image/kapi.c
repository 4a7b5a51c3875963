/*
 * kapi: the image's entrypoint. Runs the bundled Java runtime on the kapi jar with the image's JVM options,
 * passing its own arguments on, so ENTRYPOINT ["kapi", "proxy"] works in an image that has no shell
 * (jlink's --launcher writes a /bin/sh script). exec keeps the JVM as PID 1's direct replacement: signals
 * from the kubelet reach it and its exit status is the container's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define JAVA "/opt/kapi/runtime/bin/java"

/* jvm.options is an @argfile shared with the build's CDS training run, so both use the same flags. The class path
 * and main class rather than -jar: for -jar the JDK opens the jar once more just to read its manifest, and indexing
 * its ~5,800 entries in the interpreter costs ~20 ms of start-up each time. */
static const char *const FIXED[] = {
    JAVA, "@/opt/kapi/jvm.options", "-XX:SharedArchiveFile=/opt/kapi/kapi.jsa", "-cp", "/opt/kapi/kapi.jar",
    "dev.kapi.cli.Main",
};

int main(int argc, char **argv) {
  size_t fixed = sizeof FIXED / sizeof FIXED[0];
  char **args = calloc(fixed + (size_t) argc, sizeof *args);
  if (args == NULL) {
    perror("kapi");
    return 127;
  }
  for (size_t i = 0; i < fixed; i++) {
    args[i] = (char *) FIXED[i];
  }
  for (int i = 1; i < argc; i++) {
    args[fixed + (size_t) i - 1] = argv[i];
  }
  execv(JAVA, args);
  fprintf(stderr, "kapi: cannot run %s: %s\n", JAVA, strerror(errno));
  return 127;
}
