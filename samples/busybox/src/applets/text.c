/* Applets that move text around: echo, cat, tee, wc. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../applets.h"
#include "../util.h"

/* --- echo ------------------------------------------------------------- */

static int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = (char)tolower((unsigned char)c);
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Prints arg interpreting echo -e escapes. Returns 1 when "\c" asked to
 * stop all further output. */
static int print_escaped(const char *arg) {
  for (const char *c = arg; *c; c++) {
    if (*c != '\\' || c[1] == '\0') {
      putchar(*c);
      continue;
    }
    int value = 0, digits = 0;
    switch (*++c) {
    case 'a': putchar('\a'); break;
    case 'b': putchar('\b'); break;
    case 'c': return 1;
    case 'e': putchar('\033'); break;
    case 'f': putchar('\f'); break;
    case 'n': putchar('\n'); break;
    case 'r': putchar('\r'); break;
    case 't': putchar('\t'); break;
    case 'v': putchar('\v'); break;
    case '\\': putchar('\\'); break;
    case '0': /* \0NNN: up to three octal digits */
      while (digits < 3 && c[1] >= '0' && c[1] <= '7') {
        value = value * 8 + (*++c - '0');
        digits++;
      }
      putchar(value);
      break;
    case 'x': /* \xHH: one or two hex digits */
      while (digits < 2 && hex_value(c[1]) >= 0) {
        value = value * 16 + hex_value(*++c);
        digits++;
      }
      if (digits == 0) fputs("\\x", stdout);
      else putchar(value);
      break;
    default: /* unknown escapes print as written */
      putchar('\\');
      putchar(*c);
    }
  }
  return 0;
}

int echo_main(int argc, char **argv) {
  int newline = 1, escapes = 0, i = 1;
  /* An argument is options only when every letter is one of n, e, E:
   * "echo -x" prints "-x", as in busybox. */
  for (; i < argc; i++) {
    const char *arg = argv[i];
    if (arg[0] != '-' || arg[1] == '\0' || arg[1 + strspn(arg + 1, "neE")] != '\0') break;
    for (const char *c = arg + 1; *c; c++) {
      if (*c == 'n') newline = 0;
      else escapes = *c == 'e';
    }
  }
  for (; i < argc; i++) {
    if (escapes) {
      if (print_escaped(argv[i])) return 0;
    } else {
      fputs(argv[i], stdout);
    }
    if (i + 1 < argc) putchar(' ');
  }
  if (newline) putchar('\n');
  return 0;
}

/* --- cat -------------------------------------------------------------- */

static int is_stdin(const char *path) { return strcmp(path, "-") == 0; }

int cat_main(int argc, char **argv) {
  int count;
  parse_flags(argc, argv, "u", &count); /* -u (unbuffered) is what we do anyway */
  char *stdin_only[] = {"-"};
  char **paths = count > 0 ? argv + 1 : stdin_only;
  if (count == 0) count = 1;

  int status = 0;
  for (int i = 0; i < count; i++) {
    int fd = is_stdin(paths[i]) ? STDIN_FILENO : open(paths[i], O_RDONLY);
    if (fd < 0) {
      report_errno("%s", paths[i]);
      status = 1;
      continue;
    }
    int result = copy_fd(fd, STDOUT_FILENO);
    if (fd != STDIN_FILENO) close(fd);
    if (result == COPY_WRITE_ERROR) {
      report_errno("write error");
      return 1;
    }
    if (result == COPY_READ_ERROR) {
      report_errno("read error");
      status = 1;
    }
  }
  return status;
}

/* --- tee -------------------------------------------------------------- */

enum { TEE_APPEND = 1 << 0 };

struct tee_output {
  int fd; /* -1 once writing to it failed */
  const char *name;
};

int tee_main(int argc, char **argv) {
  int count;
  unsigned flags = parse_flags(argc, argv, "ai", &count); /* -i: no signals in WASI */
  int open_flags = O_WRONLY | O_CREAT | (flags & TEE_APPEND ? O_APPEND : O_TRUNC);

  struct tee_output *outputs = malloc(sizeof *outputs * (size_t)(count + 1));
  if (!outputs) {
    report_errno("out of memory");
    return 1;
  }
  int output_count = 0, status = 0;
  outputs[output_count++] = (struct tee_output){STDOUT_FILENO, "standard output"};
  for (int i = 1; i <= count; i++) {
    int fd = open(argv[i], open_flags, 0666);
    if (fd < 0) {
      report_errno("%s", argv[i]);
      status = 1;
    } else {
      outputs[output_count++] = (struct tee_output){fd, argv[i]};
    }
  }

  char buf[16384];
  for (;;) {
    ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      report_errno("read error");
      status = 1;
    }
    if (n <= 0) break;
    for (int i = 0; i < output_count; i++) {
      if (outputs[i].fd >= 0 && write_all(outputs[i].fd, buf, (size_t)n) < 0) {
        report_errno("%s", outputs[i].name);
        outputs[i].fd = -1;
        status = 1;
      }
    }
  }
  for (int i = 1; i < output_count; i++) {
    if (outputs[i].fd >= 0) close(outputs[i].fd);
  }
  free(outputs);
  return status;
}

/* --- wc --------------------------------------------------------------- */

enum { WC_LINES = 1 << 0, WC_WORDS = 1 << 1, WC_BYTES = 1 << 2 };

struct counts {
  unsigned long long value[3]; /* lines, words, bytes: the WC_* bit order */
};

static int count_fd(int fd, struct counts *counts) {
  char buf[16384];
  int in_word = 0;
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n == 0) return 0;
    if (n < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    counts->value[2] += (unsigned long long)n;
    for (ssize_t i = 0; i < n; i++) {
      unsigned char c = (unsigned char)buf[i];
      if (c == '\n') counts->value[0]++;
      if (isspace(c)) {
        in_word = 0;
      } else if (!in_word) {
        in_word = 1;
        counts->value[1]++;
      }
    }
  }
}

/* busybox's layout: with a single count the number is unpadded, otherwise
 * each count takes 9 columns; stdin read implicitly prints no name. */
static void print_counts(const struct counts *counts, unsigned selected, const char *name) {
  int single = (selected & (selected - 1)) == 0;
  const char *format = single ? "%llu" : "%9llu";
  for (int i = 0; i < 3; i++) {
    if (!(selected & (1u << i))) continue;
    printf(format, counts->value[i]);
    format = " %9llu";
  }
  if (name) printf(" %s", name);
  putchar('\n');
}

int wc_main(int argc, char **argv) {
  int count;
  unsigned selected = parse_flags(argc, argv, "lwc", &count);
  if (selected == 0) selected = WC_LINES | WC_WORDS | WC_BYTES;

  if (count == 0) {
    struct counts counts = {{0}};
    if (count_fd(STDIN_FILENO, &counts) < 0) {
      report_errno("read error");
      return 1;
    }
    print_counts(&counts, selected, NULL);
    return 0;
  }

  struct counts total = {{0}};
  int status = 0;
  for (int i = 1; i <= count; i++) {
    struct counts counts = {{0}};
    int fd = is_stdin(argv[i]) ? STDIN_FILENO : open(argv[i], O_RDONLY);
    int result = fd < 0 ? -1 : count_fd(fd, &counts);
    if (fd > STDIN_FILENO) close(fd);
    if (result < 0) {
      report_errno("%s", argv[i]);
      status = 1;
      continue;
    }
    print_counts(&counts, selected, argv[i]);
    for (int k = 0; k < 3; k++) total.value[k] += counts.value[k];
  }
  if (count > 1) print_counts(&total, selected, "total");
  return status;
}
