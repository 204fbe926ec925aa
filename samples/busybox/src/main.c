/* Skiff's busybox: a multi-call toolbox for wasm32-wasi (WASI preview 1).
 *
 * The applet comes from argv[0] when its base name (minus ".wasm") names one,
 * so a module invoked as "echo" behaves as echo; otherwise argv[1] names it,
 * as in "busybox.wasm echo hi". */
#include <stdio.h>
#include <string.h>

#include "applets.h"
#include "util.h"

/* Sorted by name: --list and the usage text print them in this order. */
static const struct applet applets[] = {
    {"cat", cat_main,
     "[FILE]...\n\nPrint FILEs (\"-\" or none: stdin) to stdout"},
    {"cgi", cgi_main,
     "\n\nAnswer one HTTP request the CGI way (WAGI): print a header block,\n"
     "then \"You've hit $HOSTNAME\", the request line and the request body.\n"
     "A PATH_INFO of /status/NNN answers with status NNN"},
    {"echo", echo_main,
     "[-neE] [ARG]...\n\nPrint ARGs to stdout\n\n"
     "\t-n\tNo trailing newline\n\t-e\tInterpret backslash escapes\n"
     "\t-E\tDon't interpret backslash escapes (default)"},
    {"env", env_main,
     "[-i] [-u NAME]... [NAME=VALUE]... [APPLET [ARG]...]\n\n"
     "Print the environment, or run an applet in a modified one\n\n"
     "\t-i\tStart with an empty environment\n\t-u NAME\tRemove NAME"},
    {"false", false_main, "\n\nReturn an exit code of FALSE (1)"},
    {"hostname", hostname_main,
     "\n\nPrint the host name: $HOSTNAME, which the runtime sets to the pod name\n"
     "(WASI has no gethostname)"},
    {"ln", ln_main,
     "[-sf] TARGET... LINK|DIR\n\nCreate a link LINK or DIR/TARGET to TARGET\n\n"
     "\t-s\tMake symlinks instead of hard links\n\t-f\tRemove existing destinations"},
    {"ls", ls_main,
     "[-1al] [FILE]...\n\nList directory contents, sorted\n\n"
     "\t-1\tOne column output (always the case here)\n"
     "\t-a\tInclude names starting with .\n\t-l\tLong format"},
    {"mkdir", mkdir_main,
     "[-p] DIRECTORY...\n\nCreate DIRECTORIES\n\n\t-p\tNo error if exists, make parents"},
    {"pwd", pwd_main, "\n\nPrint the working directory"},
    {"readlink", readlink_main,
     "FILE\n\nPrint the target of the symlink FILE (exit 1 if it is not one)"},
    {"rm", rm_main,
     "[-rRf] FILE...\n\nRemove FILEs\n\n"
     "\t-r,-R\tRemove directories recursively\n\t-f\tNever prompt, ignore missing files"},
    {"sleep", sleep_main,
     "SECONDS[smhd]... | infinity\n\nPause for the sum of the times (fractions allowed)"},
    {"stress", stress_main,
     "OPTION...\n\nTest workload for Skiff's runtimes; options act in the order given\n\n"
     "\t--grow-mib N\t\tAllocate and touch N more MiB, progress on stderr\n"
     "\t\t\t\t(\"out of memory after X MiB\" and exit 1 if malloc fails)\n"
     "\t--spin\t\t\tLoop forever without calling the host\n"
     "\t--exit N\t\tExit with status N (0-255) now\n"
     "\t--stdout MSG\t\tPrint MSG and a newline on stdout\n"
     "\t--stderr MSG\t\tPrint MSG and a newline on stderr\n"
     "\t--sleep SECONDS\t\tSleep (fractions allowed)\n"
     "\t--write-file PATH TEXT\tWrite TEXT (no newline added) to PATH\n"
     "\t--read-file PATH\tPrint the contents of PATH on stdout\n"
     "\t--trap\t\t\tExecute an unreachable instruction (a Wasm trap)\n"
     "\t--recurse\t\tRecurse until the call stack is exhausted"},
    {"tee", tee_main,
     "[-a] [FILE]...\n\nCopy stdin to each FILE, and also to stdout\n\n"
     "\t-a\tAppend to the given FILEs, don't overwrite"},
    {"touch", touch_main,
     "[-c] FILE...\n\nUpdate the last-modified date on the given FILEs\n\n"
     "\t-c\tDon't create files"},
    {"true", true_main, "\n\nReturn an exit code of TRUE (0)"},
    {"wc", wc_main,
     "[-lwc] [FILE]...\n\nCount lines, words and bytes in FILEs (or stdin)\n\n"
     "\t-l\tCount newlines\n\t-w\tCount words\n\t-c\tCount bytes"},
};

#define APPLET_COUNT (sizeof applets / sizeof applets[0])

const struct applet *find_applet(const char *name) {
  for (size_t i = 0; i < APPLET_COUNT; i++) {
    if (strcmp(applets[i].name, name) == 0) return &applets[i];
  }
  return NULL;
}

/* echo, true and false treat --help as an ordinary argument, as POSIX and
 * busybox do. */
static int takes_help_option(const struct applet *applet) {
  return applet->main != echo_main && applet->main != true_main &&
         applet->main != false_main;
}

int run_applet(const struct applet *applet, int argc, char **argv) {
  applet_name = applet->name;
  applet_usage = applet->usage;
  argv[0] = (char *)applet->name;
  if (argc == 2 && strcmp(argv[1], "--help") == 0 && takes_help_option(applet)) {
    print_applet_usage(stdout);
    return 0;
  }
  int status = applet->main(argc, argv);
  /* stdout is buffered: a failed flush (closed pipe, full disk) must not
   * look like success. */
  if (fflush(stdout) != 0) {
    report_errno("write error");
    return 1;
  }
  return status;
}

static void print_usage(FILE *out) {
  fputs("Skiff busybox: a multi-call toolbox for WebAssembly (WASI preview 1)\n\n"
        "Usage: busybox APPLET [ARGUMENT]...\n"
        "   or: busybox --list\n"
        "   or: APPLET [ARGUMENT]...  (when argv[0] names the applet)\n\n"
        "Applets:\n",
        out);
  /* A comma-separated list wrapped before 72 columns, like busybox's. */
  size_t column = 8;
  fputc('\t', out);
  for (size_t i = 0; i < APPLET_COUNT; i++) {
    size_t width = strlen(applets[i].name) + 1;
    if (i > 0) {
      int wrap = column + 1 + width > 72;
      fputs(wrap ? "\n\t" : " ", out);
      column = wrap ? 8 : column + 1;
    }
    fputs(applets[i].name, out);
    fputc(i + 1 < APPLET_COUNT ? ',' : '\n', out);
    column += width;
  }
}

/* The applet name carried by argv[0]: its base name without ".wasm". */
static const char *invoked_name(const char *arg0, char *buf, size_t size) {
  const char *base = base_name(arg0);
  size_t len = strlen(base);
  if (len > 5 && strcmp(base + len - 5, ".wasm") == 0) len -= 5;
  if (len >= size) return "";
  memcpy(buf, base, len);
  buf[len] = '\0';
  return buf;
}

int main(int argc, char **argv) {
  char name[64];
  const struct applet *applet =
      argc > 0 ? find_applet(invoked_name(argv[0], name, sizeof name)) : NULL;
  if (applet) return run_applet(applet, argc, argv);

  if (argc < 2 || strcmp(argv[1], "--help") == 0) {
    print_usage(stdout);
    return 0;
  }
  if (strcmp(argv[1], "--list") == 0) {
    for (size_t i = 0; i < APPLET_COUNT; i++) puts(applets[i].name);
    return 0;
  }
  applet = find_applet(argv[1]);
  if (!applet) {
    fprintf(stderr, "%s: applet not found\n", argv[1]);
    return 127;
  }
  return run_applet(applet, argc - 1, argv + 1);
}
