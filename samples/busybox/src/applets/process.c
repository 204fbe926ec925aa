/* Applets about the process and its environment: env, hostname, sleep,
 * true, false. */
#define _GNU_SOURCE /* clearenv */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../applets.h"
#include "../util.h"

/* --- env -------------------------------------------------------------- */

/* WASI has no exec: "env NAME=VALUE APPLET ..." runs the applet in this
 * process, which is what a test wants from env most of the time anyway. */
int env_main(int argc, char **argv) {
  int i = 1;
  for (; i < argc && argv[i][0] == '-'; i++) {
    const char *arg = argv[i];
    if (strcmp(arg, "--") == 0) {
      i++;
      break;
    }
    if (strcmp(arg, "-") == 0 || strcmp(arg, "-i") == 0) {
      clearenv();
    } else if (strcmp(arg, "-u") == 0) {
      if (++i == argc) usage_error();
      unsetenv(argv[i]);
    } else if (strncmp(arg, "-u", 2) == 0) {
      unsetenv(arg + 2);
    } else {
      report_error("invalid option -- '%c'", arg[1]);
      usage_error();
    }
  }
  for (; i < argc && strchr(argv[i], '=') != NULL; i++) putenv(argv[i]);

  if (i == argc) {
    for (char **entry = environ; entry && *entry; entry++) puts(*entry);
    return 0;
  }
  const struct applet *applet = find_applet(argv[i]);
  if (!applet) {
    report_error("can't execute '%s': No such file or directory", argv[i]);
    return 127;
  }
  return run_applet(applet, argc - i, argv + i);
}

/* --- hostname --------------------------------------------------------- */

enum { HOSTNAME_SHORT = 1 << 0 };

int hostname_main(int argc, char **argv) {
  int count;
  unsigned flags = parse_flags(argc, argv, "s", &count);
  if (count > 0) {
    report_error("can't set the host name: WASI has no sethostname");
    return 1;
  }
  /* WASI has no gethostname: the runtime passes the pod name in HOSTNAME,
   * as Docker and Kubernetes do. */
  const char *name = getenv("HOSTNAME");
  if (!name || !*name) {
    report_error("HOSTNAME is not set");
    return 1;
  }
  size_t len = flags & HOSTNAME_SHORT ? strcspn(name, ".") : strlen(name);
  printf("%.*s\n", (int)len, name);
  return 0;
}

/* --- sleep ------------------------------------------------------------ */

static int is_infinity(const char *arg) {
  return strcmp(arg, "inf") == 0 || strcmp(arg, "infinity") == 0;
}

int sleep_main(int argc, char **argv) {
  int count;
  parse_flags(argc, argv, "", &count);
  if (count == 0) usage_error();

  /* Check every operand before sleeping: a typo fails at once. */
  struct timespec total = {0, 0};
  int forever = 0;
  for (int i = 1; i <= count; i++) {
    struct timespec part;
    if (is_infinity(argv[i])) {
      forever = 1;
      continue;
    }
    if (parse_duration(argv[i], &part) < 0) {
      report_error("invalid number '%s'", argv[i]);
      return 1;
    }
    total.tv_sec += part.tv_sec;
    total.tv_nsec += part.tv_nsec;
    if (total.tv_nsec >= 1000000000) {
      total.tv_sec++;
      total.tv_nsec -= 1000000000;
    }
  }
  if (forever) {
    for (;;) sleep_for((struct timespec){86400, 0});
  }
  sleep_for(total);
  return 0;
}

/* --- true, false ------------------------------------------------------ */

int true_main(int argc, char **argv) {
  (void)argc;
  (void)argv;
  return 0;
}

int false_main(int argc, char **argv) {
  (void)argc;
  (void)argv;
  return 1;
}
