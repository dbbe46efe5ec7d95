// A tiny PID 1 for hello-os.
//
// As PID 1: mounts /proc, /sys and /dev, greets with the os-release PRETTY_NAME, runs
// `/usr/bin/hello-agent --selftest`, then reaps orphans forever (or powers off when the kernel
// command line says `init.poweroff`, which is how boot tests end).
// As a normal process: `init --check [ROOT]` prints the PRETTY_NAME found under ROOT (default:
// $INIT_ROOT, else /) and mounts nothing, so the binary can be tested anywhere.
// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <unistd.h>

// PRETTY_NAME from <root>/etc/os-release, else <root>/usr/lib/os-release (the os-release(5) order).
static int pretty_name(const char *root, char *out, size_t size) {
  static const char *const files[] = {"/etc/os-release", "/usr/lib/os-release"};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    char path[4096], line[512];
    snprintf(path, sizeof path, "%s%s", strcmp(root, "/") == 0 ? "" : root, files[i]);
    FILE *f = fopen(path, "r");
    if (!f) continue;
    int found = 0;
    while (!found && fgets(line, sizeof line, f)) {
      if (strncmp(line, "PRETTY_NAME=", 12) != 0) continue;
      char *v = line + 12;
      v[strcspn(v, "\r\n")] = '\0';
      size_t n = strlen(v);
      if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) v[n - 1] = '\0', v++;
      snprintf(out, size, "%s", v);
      found = 1;
    }
    fclose(f);
    if (found) return 0;
  }
  return -1;
}

static void mount_or_warn(const char *source, const char *target, const char *type) {
  if (mount(source, target, type, MS_NOSUID | MS_NOEXEC, NULL) != 0 && errno != EBUSY)
    fprintf(stderr, "init: mount %s on %s: %s\n", type, target, strerror(errno));
}

static int cmdline_has(const char *word) {
  char buf[4096] = {0};
  FILE *f = fopen("/proc/cmdline", "r");
  if (!f) return 0;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  for (char *tok = strtok(buf, " \n"); tok; tok = strtok(NULL, " \n"))
    if (strcmp(tok, word) == 0) return 1;
  return 0;
}

int main(int argc, char **argv) {
  char name[512];
  if (argc >= 2 && strcmp(argv[1], "--check") == 0) {
    const char *root = argc >= 3 ? argv[2] : getenv("INIT_ROOT");
    if (!root || !*root) root = "/";
    if (pretty_name(root, name, sizeof name) != 0) {
      fprintf(stderr, "init: no PRETTY_NAME in %s/etc/os-release or %s/usr/lib/os-release\n", root, root);
      return 1;
    }
    printf("%s\n", name);
    return 0;
  }
  if (getpid() != 1) {
    fprintf(stderr, "usage: init --check [ROOT]   (anything else only as PID 1)\n");
    return 2;
  }

  mount_or_warn("proc", "/proc", "proc");
  mount_or_warn("sysfs", "/sys", "sysfs");
  if (mount("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, NULL) != 0 && errno != EBUSY)
    fprintf(stderr, "init: mount devtmpfs on /dev: %s\n", strerror(errno));
  printf("Welcome to %s\n", pretty_name("/", name, sizeof name) == 0 ? name : "an unnamed OS");
  fflush(stdout);

  pid_t agent = fork();
  if (agent == 0) {
    execl("/usr/bin/hello-agent", "hello-agent", "--selftest", (char *)NULL);
    fprintf(stderr, "init: cannot run /usr/bin/hello-agent: %s\n", strerror(errno));
    _exit(127);
  }
  int status = 0;
  if (agent > 0 && waitpid(agent, &status, 0) == agent)
    printf("init: hello-agent exited with %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : 128);
  fflush(stdout);

  if (cmdline_has("init.poweroff")) {
    sync();
    reboot(RB_POWER_OFF);
  }
  for (;;)  // PID 1 must never exit: reap whatever is orphaned to us
    if (wait(NULL) < 0) sleep(1);
}
