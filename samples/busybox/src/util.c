#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *applet_name = "busybox";
const char *applet_usage = "";

static void report(int errnum, const char *fmt, va_list args) {
  /* Flush stdout first so a diagnostic lands after the output that preceded
   * it when both streams go to the same log. */
  fflush(stdout);
  fprintf(stderr, "%s: ", applet_name);
  vfprintf(stderr, fmt, args);
  if (errnum) fprintf(stderr, ": %s", strerror(errnum));
  fputc('\n', stderr);
}

void report_error(const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  report(0, fmt, args);
  va_end(args);
}

void report_errno(const char *fmt, ...) {
  int errnum = errno;
  va_list args;
  va_start(args, fmt);
  report(errnum, fmt, args);
  va_end(args);
}

void print_applet_usage(FILE *out) {
  /* Applets without arguments have a usage that starts with the blank line. */
  const char *space = applet_usage[0] == '\n' ? "" : " ";
  fprintf(out, "Usage: %s%s%s\n", applet_name, space, applet_usage);
}

_Noreturn void usage_error(void) {
  fflush(stdout);
  print_applet_usage(stderr);
  exit(1);
}

unsigned parse_flags(int argc, char **argv, const char *flags, int *operand_count) {
  unsigned set = 0;
  int operands = 0;
  int options_done = 0;
  for (int i = 1; i < argc; i++) {
    char *arg = argv[i];
    if (options_done || arg[0] != '-' || arg[1] == '\0') {
      argv[1 + operands++] = arg;
      continue;
    }
    if (strcmp(arg, "--") == 0) {
      options_done = 1;
      continue;
    }
    for (const char *c = arg + 1; *c; c++) {
      const char *found = strchr(flags, *c);
      if (!found) {
        report_error("invalid option -- '%c'", *c);
        usage_error();
      }
      set |= 1u << (found - flags);
    }
  }
  argv[1 + operands] = NULL;
  *operand_count = operands;
  return set;
}

int write_all(int fd, const void *buf, size_t len) {
  const char *p = buf;
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

int copy_fd(int in, int out) {
  char buf[16384];
  for (;;) {
    ssize_t n = read(in, buf, sizeof buf);
    if (n == 0) return 0;
    if (n < 0) {
      if (errno == EINTR) continue;
      return COPY_READ_ERROR;
    }
    if (write_all(out, buf, (size_t)n) < 0) return COPY_WRITE_ERROR;
  }
}

char *read_file(const char *path, size_t *len) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) return NULL;
  size_t size = 0, capacity = 4096;
  char *data = malloc(capacity);
  for (;;) {
    if (data && capacity - size < 2) {
      char *bigger = realloc(data, capacity * 2);
      if (!bigger) free(data);
      data = bigger;
      capacity *= 2;
    }
    if (!data) {
      close(fd);
      errno = ENOMEM;
      return NULL;
    }
    ssize_t n = read(fd, data + size, capacity - size - 1);
    if (n == 0) break;
    if (n < 0) {
      int saved = errno;
      free(data);
      close(fd);
      errno = saved;
      return NULL;
    }
    size += (size_t)n;
  }
  close(fd);
  data[size] = '\0';
  if (len) *len = size;
  return data;
}

int parse_uint(const char *text, uint64_t max, uint64_t *value) {
  uint64_t v = 0;
  if (*text == '\0') return -1;
  for (const char *c = text; *c; c++) {
    if (*c < '0' || *c > '9') return -1;
    unsigned digit = (unsigned)(*c - '0');
    if (v > (max - digit) / 10) return -1;
    v = v * 10 + digit;
  }
  *value = v;
  return 0;
}

int parse_duration(const char *text, struct timespec *out) {
  /* Up to ~292 years of seconds before the multiplication below overflows. */
  const uint64_t max_seconds = UINT64_C(1) << 33;
  uint64_t seconds = 0, nanos = 0, scale = 100000000;
  const char *c = text;
  int digits = 0;
  for (; *c >= '0' && *c <= '9'; c++, digits++) {
    seconds = seconds * 10 + (uint64_t)(*c - '0');
    if (seconds > max_seconds) return -1;
  }
  if (*c == '.') {
    for (c++; *c >= '0' && *c <= '9'; c++, digits++) {
      nanos += (uint64_t)(*c - '0') * scale;
      scale /= 10; /* digits past nanoseconds add nothing */
    }
  }
  if (digits == 0) return -1;
  uint64_t unit = 1;
  switch (*c) {
  case '\0': break;
  case 's': unit = 1; c++; break;
  case 'm': unit = 60; c++; break;
  case 'h': unit = 3600; c++; break;
  case 'd': unit = 86400; c++; break;
  default: return -1;
  }
  if (*c != '\0') return -1;
  /* Scale the fraction in nanoseconds, then carry whole seconds over. */
  uint64_t scaled_nanos = nanos * unit;
  out->tv_sec = (time_t)(seconds * unit + scaled_nanos / 1000000000);
  out->tv_nsec = (long)(scaled_nanos % 1000000000);
  return 0;
}

void sleep_for(struct timespec duration) {
  while (nanosleep(&duration, &duration) < 0 && errno == EINTR) {
  }
}

const char *base_name(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

char *join_path(const char *dir, const char *name) {
  size_t dir_len = strlen(dir);
  int needs_slash = dir_len > 0 && dir[dir_len - 1] != '/';
  char *path = malloc(dir_len + (size_t)needs_slash + strlen(name) + 1);
  if (!path) return NULL;
  memcpy(path, dir, dir_len);
  if (needs_slash) path[dir_len++] = '/';
  strcpy(path + dir_len, name);
  return path;
}
