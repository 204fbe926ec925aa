/* Applets that change or query the file system: mkdir, rm, touch, ln,
 * readlink, pwd. The runtime test suite uses them on preopened volumes. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../applets.h"
#include "../util.h"

static int is_directory(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* --- mkdir ------------------------------------------------------------ */

enum { MKDIR_PARENTS = 1 << 0 };

/* mkdir -p: create every prefix first. Their errors are ignored on purpose:
 * a prefix may be a preopen's mount point that WASI lets us neither create nor
 * stat (such as "/"), and a prefix that really is missing makes the final
 * mkdir fail with the error worth reporting. */
static int make_parents(const char *path) {
  char *prefix = strdup(path);
  if (!prefix) return -1;
  for (char *slash = strchr(prefix + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
    *slash = '\0';
    mkdir(prefix, 0777);
    *slash = '/';
  }
  free(prefix);
  return 0;
}

int mkdir_main(int argc, char **argv) {
  int count;
  unsigned flags = parse_flags(argc, argv, "p", &count);
  if (count == 0) usage_error();
  int status = 0;
  for (int i = 1; i <= count; i++) {
    const char *path = argv[i];
    if (flags & MKDIR_PARENTS) make_parents(path);
    if (mkdir(path, 0777) == 0) continue;
    if (errno == EEXIST && (flags & MKDIR_PARENTS) && is_directory(path)) continue;
    report_errno("can't create directory '%s'", path);
    status = 1;
  }
  return status;
}

/* --- rm --------------------------------------------------------------- */

enum { RM_RECURSIVE = 1 << 0, RM_RECURSIVE_UPPER = 1 << 1, RM_FORCE = 1 << 2 };

static int remove_path(const char *path, unsigned flags);

/* Names are collected before anything is removed: removing entries while
 * reading a directory can make WASI hosts skip some. */
static int remove_directory_contents(const char *path, unsigned flags) {
  DIR *dir = opendir(path);
  if (!dir) return -1;
  char **names = NULL;
  size_t count = 0, capacity = 0;
  int status = 0;
  struct dirent *dirent;
  while ((dirent = readdir(dir)) != NULL) {
    if (strcmp(dirent->d_name, ".") == 0 || strcmp(dirent->d_name, "..") == 0) continue;
    if (count == capacity) {
      capacity = capacity ? capacity * 2 : 16;
      char **bigger = realloc(names, capacity * sizeof *names);
      if (!bigger) {
        status = -1;
        break;
      }
      names = bigger;
    }
    names[count] = join_path(path, dirent->d_name);
    if (!names[count]) {
      status = -1;
      break;
    }
    count++;
  }
  closedir(dir);
  for (size_t i = 0; i < count; i++) {
    if (status == 0 && remove_path(names[i], flags) < 0) status = -2;
    free(names[i]);
  }
  free(names);
  if (status == -1) errno = ENOMEM;
  return status;
}

/* Returns -1 after reporting the error, -2 when a nested call reported it. */
static int remove_path(const char *path, unsigned flags) {
  struct stat st;
  if (lstat(path, &st) < 0) {
    if ((flags & RM_FORCE) && errno == ENOENT) return 0;
    report_errno("can't remove '%s'", path);
    return -1;
  }
  if (!S_ISDIR(st.st_mode)) {
    if (unlink(path) == 0) return 0;
    report_errno("can't remove '%s'", path);
    return -1;
  }
  if (!(flags & (RM_RECURSIVE | RM_RECURSIVE_UPPER))) {
    report_error("'%s' is a directory", path);
    return -1;
  }
  int contents = remove_directory_contents(path, flags);
  if (contents == -2) return -2;
  if (contents == 0 && rmdir(path) == 0) return 0;
  report_errno("can't remove '%s'", path);
  return -1;
}

int rm_main(int argc, char **argv) {
  int count;
  unsigned flags = parse_flags(argc, argv, "rRf", &count);
  if (count == 0) {
    if (flags & RM_FORCE) return 0;
    usage_error();
  }
  int status = 0;
  for (int i = 1; i <= count; i++) {
    const char *base = base_name(argv[i]);
    if (strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
      report_error("can't remove '.' or '..'");
      status = 1;
      continue;
    }
    if (remove_path(argv[i], flags) < 0) status = 1;
  }
  return status;
}

/* --- touch ------------------------------------------------------------ */

enum { TOUCH_NO_CREATE = 1 << 0 };

int touch_main(int argc, char **argv) {
  int count;
  unsigned flags = parse_flags(argc, argv, "c", &count);
  if (count == 0) usage_error();
  /* Explicit times rather than NULL ("now"): node:wasi in Node 20 ignores
   * WASI's set-to-now flags and moves the file to the epoch. */
  struct timespec now[2];
  clock_gettime(CLOCK_REALTIME, &now[0]);
  now[1] = now[0];
  int status = 0;
  for (int i = 1; i <= count; i++) {
    const char *path = argv[i];
    if (utimensat(AT_FDCWD, path, now, 0) == 0) continue;
    if (errno == ENOENT && (flags & TOUCH_NO_CREATE)) continue;
    if (errno == ENOENT) {
      int fd = open(path, O_WRONLY | O_CREAT, 0666);
      if (fd >= 0) {
        close(fd);
        continue;
      }
    }
    report_errno("%s", path);
    status = 1;
  }
  return status;
}

/* --- ln --------------------------------------------------------------- */

enum { LN_SYMBOLIC = 1 << 0, LN_FORCE = 1 << 1 };

static int make_link(const char *target, const char *link_path, unsigned flags) {
  if (flags & LN_FORCE) unlink(link_path);
  int result = (flags & LN_SYMBOLIC) ? symlink(target, link_path) : link(target, link_path);
  if (result == 0) return 0;
  report_errno("%s", link_path);
  return -1;
}

int ln_main(int argc, char **argv) {
  int count;
  unsigned flags = parse_flags(argc, argv, "sf", &count);
  if (count == 0) usage_error();
  /* "ln TARGET" links into the current directory; with several targets the
   * last operand must be a directory. */
  const char *destination = count == 1 ? "." : argv[count];
  int targets = count == 1 ? 1 : count - 1;
  int into_directory = is_directory(destination);
  if (targets > 1 && !into_directory) {
    report_error("'%s' is not a directory", destination);
    return 1;
  }

  int status = 0;
  for (int i = 1; i <= targets; i++) {
    const char *target = argv[i];
    if (!into_directory) {
      if (make_link(target, destination, flags) < 0) status = 1;
      continue;
    }
    char *link_path = join_path(destination, base_name(target));
    if (!link_path || make_link(target, link_path, flags) < 0) status = 1;
    free(link_path);
  }
  return status;
}

/* --- readlink, pwd ---------------------------------------------------- */

int readlink_main(int argc, char **argv) {
  int count;
  parse_flags(argc, argv, "", &count);
  if (count != 1) usage_error();
  char target[4096];
  ssize_t len = readlink(argv[1], target, sizeof target - 1);
  /* busybox readlink fails silently on anything but a symlink */
  if (len < 0) return 1;
  target[len] = '\0';
  puts(target);
  return 0;
}

int pwd_main(int argc, char **argv) {
  int count;
  parse_flags(argc, argv, "LP", &count); /* no symlinked cwd to resolve in WASI */
  char cwd[4096];
  if (!getcwd(cwd, sizeof cwd)) {
    report_errno("getcwd");
    return 1;
  }
  puts(cwd);
  return 0;
}
