/* cgi: the kubia of the CGI world. Skiff runs a core module with ports as a
 * WAGI handler: the request arrives in CGI variables (RFC 3875) and on stdin,
 * and whatever the module prints is the response, headers first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../applets.h"
#include "../util.h"

static const char *env_or(const char *name, const char *fallback) {
  const char *value = getenv(name);
  return value ? value : fallback;
}

int cgi_main(int argc, char **argv) {
  (void)argv;
  if (argc > 1) usage_error();
  const char *path = env_or("PATH_INFO", "/");
  const char *query = env_or("QUERY_STRING", "");

  /* /status/NNN lets a test ask for any status line. */
  unsigned long status = 200;
  if (strncmp(path, "/status/", 8) == 0) status = strtoul(path + 8, NULL, 10);
  if (status < 100 || status > 999) status = 400;

  printf("Status: %lu\n", status);
  printf("Content-Type: text/plain\n\n");
  printf("You've hit %s\n", env_or("HOSTNAME", "unknown"));
  printf("%s %s%s%s\n", env_or("REQUEST_METHOD", "GET"), path, *query ? "?" : "", query);
  fflush(stdout);
  if (copy_fd(STDIN_FILENO, STDOUT_FILENO) < 0) {
    report_errno("reading the request body");
    return 1;
  }
  return 0;
}
