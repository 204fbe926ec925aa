/* stress: the workload of Skiff's runtime tests (in the spirit of krustlet's
 * "wasmerciser"). Options act in the order given, so one command line scripts
 * a scenario: "stress --stdout ready --grow-mib 64 --sleep 1 --exit 3".
 * The whole command line is checked before the first option acts, so a typo
 * never leaves a scenario half run. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../applets.h"
#include "../util.h"

enum action {
  GROW_MIB,
  SPIN,
  EXIT,
  PRINT_STDOUT,
  PRINT_STDERR,
  SLEEP,
  WRITE_FILE,
  READ_FILE,
  TRAP,
  RECURSE,
};

struct option_spec {
  const char *name;
  enum action action;
  int arg_count;
};

static const struct option_spec option_specs[] = {
    {"--grow-mib", GROW_MIB, 1},   {"--spin", SPIN, 0},
    {"--exit", EXIT, 1},           {"--stdout", PRINT_STDOUT, 1},
    {"--stderr", PRINT_STDERR, 1}, {"--sleep", SLEEP, 1},
    {"--write-file", WRITE_FILE, 2}, {"--read-file", READ_FILE, 1},
    {"--trap", TRAP, 0},           {"--recurse", RECURSE, 0},
};

#define OPTION_COUNT (sizeof option_specs / sizeof option_specs[0])

/* One option with its arguments, already validated. */
struct step {
  enum action action;
  const char *args[2];
  uint64_t number;          /* GROW_MIB, EXIT */
  struct timespec duration; /* SLEEP */
};

#define MIB (1024 * 1024)

/* Far beyond wasm32's 4 GiB: the point is to let malloc be what fails. */
#define MAX_GROW_MIB (UINT64_C(1) << 20)

static const struct option_spec *find_option(const char *name) {
  for (size_t i = 0; i < OPTION_COUNT; i++) {
    if (strcmp(option_specs[i].name, name) == 0) return &option_specs[i];
  }
  return NULL;
}

/* Validates argv into steps; a bad command line is a usage error. */
static struct step *parse_steps(int argc, char **argv, int *step_count) {
  struct step *steps = calloc((size_t)argc, sizeof *steps);
  if (!steps) {
    report_errno("out of memory");
    exit(1);
  }
  int count = 0;
  for (int i = 1; i < argc; i++) {
    const struct option_spec *spec = find_option(argv[i]);
    if (!spec) {
      report_error("unknown option '%s'", argv[i]);
      usage_error();
    }
    if (i + spec->arg_count >= argc) {
      report_error("option '%s' needs %d argument%s", spec->name, spec->arg_count,
                   spec->arg_count > 1 ? "s" : "");
      usage_error();
    }
    struct step *step = &steps[count++];
    step->action = spec->action;
    for (int k = 0; k < spec->arg_count; k++) step->args[k] = argv[++i];

    const char *arg = step->args[0];
    int invalid = 0;
    if (spec->action == GROW_MIB) invalid = parse_uint(arg, MAX_GROW_MIB, &step->number) < 0;
    if (spec->action == EXIT) invalid = parse_uint(arg, 255, &step->number) < 0;
    if (spec->action == SLEEP) invalid = parse_duration(arg, &step->duration) < 0;
    if (invalid) {
      report_error("invalid number '%s' for %s", arg, spec->name);
      usage_error();
    }
  }
  *step_count = count;
  return steps;
}

/* Chunks are chained through their first word from a volatile head: without
 * a reachable, observable use the compiler may delete a malloc that is only
 * written to, and the memory would never grow. */
static void *volatile held_chunks;
static uint64_t grown_mib;

static void grow(uint64_t mib) {
  for (uint64_t i = 0; i < mib; i++) {
    void **chunk = malloc(MIB);
    if (!chunk) {
      report_error("out of memory after %llu MiB", (unsigned long long)grown_mib);
      exit(1);
    }
    /* Touch every page so the host commits the memory, not just reserves it. */
    memset(chunk, 0xa5, MIB);
    *chunk = held_chunks;
    held_chunks = chunk;
    grown_mib++;
    report_error("allocated %llu MiB", (unsigned long long)grown_mib);
  }
}

/* A busy loop that never calls into the host: only the runtime's own
 * mechanism (terminating the instance) can stop it. */
static _Noreturn void spin(void) {
  volatile uint64_t turns = 0;
  for (;;) turns++;
}

/* Recurses until the engine's call stack runs out. The store after the call
 * keeps the compiler from turning the recursion into a loop, and nothing here
 * touches the shadow stack in linear memory: what runs out is the engine's. */
static volatile uint32_t depth_seen;

#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Winfinite-recursion"
static void recurse(uint32_t depth) {
  depth_seen = depth;
  recurse(depth + 1);
  depth_seen = depth;
}
#pragma clang diagnostic pop

static void write_text_file(const char *path, const char *text) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
  if (fd < 0 || write_all(fd, text, strlen(text)) < 0) {
    report_errno("%s", path);
    exit(1);
  }
  close(fd);
}

static void print_file(const char *path) {
  int fd = open(path, O_RDONLY);
  if (fd < 0 || copy_fd(fd, STDOUT_FILENO) < 0) {
    report_errno("%s", path);
    exit(1);
  }
  close(fd);
}

static void run_step(const struct step *step) {
  switch (step->action) {
  case GROW_MIB: grow(step->number); break;
  case SPIN: spin();
  case EXIT: exit((int)step->number); /* exit() flushes stdout */
  case PRINT_STDOUT: puts(step->args[0]); break;
  case PRINT_STDERR: fprintf(stderr, "%s\n", step->args[0]); break;
  case SLEEP: sleep_for(step->duration); break;
  case WRITE_FILE: write_text_file(step->args[0], step->args[1]); break;
  case READ_FILE: print_file(step->args[0]); break;
  case TRAP: __builtin_trap();
  case RECURSE: recurse(0); break;
  }
}

int stress_main(int argc, char **argv) {
  if (argc < 2) usage_error();
  int count;
  struct step *steps = parse_steps(argc, argv, &count);
  for (int i = 0; i < count; i++) {
    run_step(&steps[i]);
    /* Flush after every step: a test watching the logs must see a step's
     * output before the next step (a sleep, a spin) begins. */
    fflush(stdout);
  }
  free(steps);
  return 0;
}
