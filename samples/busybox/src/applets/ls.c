/* ls: one name per line (WASI gives no terminal width to make columns for),
 * sorted bytewise as busybox does in the C locale. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../applets.h"
#include "../util.h"

enum { LS_LONG = 1 << 0, LS_ALL = 1 << 1, LS_ONE_PER_LINE = 1 << 2 };

struct entry {
  char *name; /* as printed */
  char *path; /* to stat and readlink */
  struct stat st;
};

struct entry_list {
  struct entry *items;
  size_t count, capacity;
};

static int add_entry(struct entry_list *list, const char *name, const char *path) {
  if (list->count == list->capacity) {
    size_t capacity = list->capacity ? list->capacity * 2 : 32;
    struct entry *items = realloc(list->items, capacity * sizeof *items);
    if (!items) return -1;
    list->items = items;
    list->capacity = capacity;
  }
  struct entry *entry = &list->items[list->count];
  entry->name = strdup(name);
  entry->path = strdup(path);
  if (!entry->name || !entry->path) {
    free(entry->name);
    free(entry->path);
    return -1;
  }
  memset(&entry->st, 0, sizeof entry->st);
  list->count++;
  return 0;
}

static void free_entries(struct entry_list *list) {
  for (size_t i = 0; i < list->count; i++) {
    free(list->items[i].name);
    free(list->items[i].path);
  }
  free(list->items);
  *list = (struct entry_list){0};
}

static int by_name(const void *a, const void *b) {
  return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

static void sort_entries(struct entry_list *list) {
  if (list->count > 1) qsort(list->items, list->count, sizeof *list->items, by_name);
}

static char type_char(mode_t mode) {
  if (S_ISDIR(mode)) return 'd';
  if (S_ISLNK(mode)) return 'l';
  if (S_ISCHR(mode)) return 'c';
  if (S_ISBLK(mode)) return 'b';
  if (S_ISFIFO(mode)) return 'p';
  if (S_ISSOCK(mode)) return 's';
  return '-';
}

/* "drwxr-xr-x". WASI preview 1 reports no permission bits (wasi-libc's
 * stat() leaves them 0): they print as "?", coreutils' mark for unknown,
 * rather than as dashes that would claim "no permissions". */
static void mode_string(mode_t mode, char out[11]) {
  static const char letters[] = "rwxrwxrwx";
  int known = (mode & 0777) != 0;
  out[0] = type_char(mode);
  for (int i = 0; i < 9; i++) {
    out[1 + i] = !known ? '?' : (mode & (0400 >> i)) ? letters[i] : '-';
  }
  out[10] = '\0';
}

/* busybox's dates: "Nov 25 21:56" within half a year, else "Nov 25  2023". */
static void print_time(time_t when, time_t now) {
  struct tm tm;
  char text[32];
  long long age = (long long)now - (long long)when;
  int recent = age < 3600LL * 24 * 365 / 2 && age > -15 * 60;
  gmtime_r(&when, &tm); /* WASI has no time zone: UTC */
  strftime(text, sizeof text, recent ? "%b %e %H:%M" : "%b %e  %Y", &tm);
  printf("%s ", text);
}

static void print_entry(const struct entry *entry, unsigned flags, time_t now) {
  if (!(flags & LS_LONG)) {
    puts(entry->name);
    return;
  }
  const struct stat *st = &entry->st;
  char mode[11];
  mode_string(st->st_mode, mode);
  /* WASI has no users or groups: the ids are numeric, as with busybox ls -n. */
  printf("%-10s %4lu %-8u %-8u %9llu ", mode, (unsigned long)st->st_nlink,
         (unsigned)st->st_uid, (unsigned)st->st_gid, (unsigned long long)st->st_size);
  print_time(st->st_mtim.tv_sec, now);
  fputs(entry->name, stdout);
  if (S_ISLNK(st->st_mode)) {
    char target[4096];
    ssize_t len = readlink(entry->path, target, sizeof target - 1);
    if (len >= 0) {
      target[len] = '\0';
      printf(" -> %s", target);
    }
  }
  putchar('\n');
}

/* Reads a directory's entries ("." and ".." only with -a, whatever the host's
 * readdir returns); with -l also their lstat. */
static int read_directory(const char *path, unsigned flags, struct entry_list *list) {
  DIR *dir = opendir(path);
  if (!dir) {
    report_errno("can't open '%s'", path);
    return -1;
  }
  int status = 0;
  if (flags & LS_ALL) {
    const char *dots[] = {".", ".."};
    for (int i = 0; i < 2 && status == 0; i++) {
      char *entry_path = join_path(path, dots[i]);
      if (!entry_path || add_entry(list, dots[i], entry_path) < 0) status = -1;
      free(entry_path);
    }
  }
  struct dirent *dirent;
  while (status == 0 && (dirent = readdir(dir)) != NULL) {
    const char *name = dirent->d_name;
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) continue;
    if (name[0] == '.' && !(flags & LS_ALL)) continue;
    char *entry_path = join_path(path, name);
    if (!entry_path || add_entry(list, name, entry_path) < 0) status = -1;
    free(entry_path);
  }
  closedir(dir);
  if (status < 0) {
    report_errno("%s", path);
    return -1;
  }
  if (flags & LS_LONG) {
    for (size_t i = 0; i < list->count; i++) {
      if (lstat(list->items[i].path, &list->items[i].st) < 0) {
        report_errno("%s", list->items[i].path);
        status = -1;
      }
    }
  }
  return status;
}

/* Operands: -l shows a symlink itself, otherwise ls looks through it (so a
 * link to a directory lists the directory). A dangling link is still shown. */
static int stat_operand(const char *path, unsigned flags, struct stat *st) {
  if (flags & LS_LONG) return lstat(path, st);
  return stat(path, st) == 0 ? 0 : lstat(path, st);
}

int ls_main(int argc, char **argv) {
  int count;
  unsigned flags = parse_flags(argc, argv, "la1", &count);
  char *current_dir[] = {"."};
  char **operands = count > 0 ? argv + 1 : current_dir;
  if (count == 0) count = 1;

  struct entry_list files = {0}, dirs = {0};
  int status = 0;
  for (int i = 0; i < count; i++) {
    struct stat st;
    if (stat_operand(operands[i], flags, &st) < 0) {
      report_errno("%s", operands[i]);
      status = 1;
      continue;
    }
    struct entry_list *list = S_ISDIR(st.st_mode) ? &dirs : &files;
    if (add_entry(list, operands[i], operands[i]) < 0) {
      report_errno("%s", operands[i]);
      return 1;
    }
    list->items[list->count - 1].st = st;
  }

  time_t now = time(NULL);
  sort_entries(&files);
  for (size_t i = 0; i < files.count; i++) print_entry(&files.items[i], flags, now);

  /* Directory headers appear once several operands were given (or a file
   * was printed before), separated by blank lines, as in every ls. */
  sort_entries(&dirs);
  int with_headers = count > 1;
  int printed = files.count > 0;
  for (size_t d = 0; d < dirs.count; d++) {
    if (with_headers) printf("%s%s:\n", printed ? "\n" : "", dirs.items[d].name);
    printed = 1;
    struct entry_list entries = {0};
    if (read_directory(dirs.items[d].path, flags, &entries) < 0) status = 1;
    sort_entries(&entries);
    for (size_t i = 0; i < entries.count; i++) print_entry(&entries.items[i], flags, now);
    free_entries(&entries);
  }
  free_entries(&files);
  free_entries(&dirs);
  return status;
}
