/* The applet registry: every applet is a main()-shaped function plus its
 * usage text, looked up by name by the multi-call dispatcher (main.c). */
#ifndef SKIFF_BUSYBOX_APPLETS_H
#define SKIFF_BUSYBOX_APPLETS_H

struct applet {
  const char *name;
  int (*main)(int argc, char **argv);
  /* Arguments synopsis, then a blank line and a description. */
  const char *usage;
};

/* NULL when no applet has that name. */
const struct applet *find_applet(const char *name);

/* Runs an applet as its own program would run: argv[0] is its name. Returns
 * the exit status (applets may also exit() directly). */
int run_applet(const struct applet *applet, int argc, char **argv);

/* text.c */
int echo_main(int argc, char **argv);
int cat_main(int argc, char **argv);
int tee_main(int argc, char **argv);
int wc_main(int argc, char **argv);

/* ls.c */
int ls_main(int argc, char **argv);

/* files.c */
int mkdir_main(int argc, char **argv);
int rm_main(int argc, char **argv);
int touch_main(int argc, char **argv);
int ln_main(int argc, char **argv);
int readlink_main(int argc, char **argv);
int pwd_main(int argc, char **argv);

/* process.c */
int env_main(int argc, char **argv);
int hostname_main(int argc, char **argv);
int sleep_main(int argc, char **argv);
int true_main(int argc, char **argv);
int false_main(int argc, char **argv);

/* cgi.c */
int cgi_main(int argc, char **argv);

/* stress.c */
int stress_main(int argc, char **argv);

#endif
