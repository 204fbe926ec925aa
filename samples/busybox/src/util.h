/* Helpers shared by the applets: busybox-style diagnostics, option parsing,
 * whole-buffer I/O and the number formats the applets accept. */
#ifndef SKIFF_BUSYBOX_UTIL_H
#define SKIFF_BUSYBOX_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

/* The running applet, set by the dispatcher: its name prefixes every
 * diagnostic and its usage text is what usage_error() prints. */
extern const char *applet_name;
extern const char *applet_usage;

/* "applet: message" on stderr. */
void report_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "applet: message: strerror(errno)" on stderr. */
void report_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "Usage: applet SYNOPSIS" and the description, on `out`. */
void print_applet_usage(FILE *out);

/* Prints the running applet's usage on stderr and exits 1, as busybox does
 * after a bad command line. */
_Noreturn void usage_error(void);

/* Parses single-letter flags (bit i of the result is flags[i]) wherever they
 * appear, as busybox's getopt does, and moves the operands to argv[1..]; "--"
 * ends the options and "-" is an operand. Returns the flag bits and stores the
 * operand count. An unknown flag is a usage error. */
unsigned parse_flags(int argc, char **argv, const char *flags, int *operand_count);

/* write() until everything is written; 0 on success, -1 with errno set. */
int write_all(int fd, const void *buf, size_t len);

/* Copies fd `in` to fd `out` until end of file. Returns 0, or with errno set
 * COPY_READ_ERROR or COPY_WRITE_ERROR: busybox words the two differently. */
#define COPY_READ_ERROR (-1)
#define COPY_WRITE_ERROR (-2)
int copy_fd(int in, int out);

/* Reads a whole file into a NUL-terminated malloc'd buffer; NULL with errno set. */
char *read_file(const char *path, size_t *len);

/* Parses a non-negative decimal integer that fits in `max`; 0 on success. */
int parse_uint(const char *text, uint64_t max, uint64_t *value);

/* Parses a duration such as "2", "0.25", "1.5m" or "1h" (suffixes s, m, h, d)
 * without floating point, so sub-second precision is exact; 0 on success. */
int parse_duration(const char *text, struct timespec *out);

/* Sleeps for the whole duration, resuming after an interruption. */
void sleep_for(struct timespec duration);

/* The text after the last '/' of path (all of it when there is none). */
const char *base_name(const char *path);

/* "dir/name" in a malloc'd string (no doubled slash). */
char *join_path(const char *dir, const char *name);

#endif
