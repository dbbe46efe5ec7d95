// A tiny PID 1 for hello-os.
//
// As PID 1: mounts /proc, /sys and /dev, greets with the os-release PRETTY_NAME, runs
// `/usr/bin/hello-agent --selftest`; when it passes, marks the bank it booted from good in the
// boot-state record (signpost's mark-successful-boot: `<bank>_ok=1` in \EFI\BOOT\grubenv on the
// EFI system partition, docs/boot.md), so that an update sticks and a bad one falls back. Then it
// reaps orphans forever (or powers off when the kernel command line says `init.poweroff`, which
// is how boot tests end).
// As a normal process: `init --check [ROOT]` prints the PRETTY_NAME found under ROOT (default:
// $INIT_ROOT, else /) and mounts nothing, so the binary can be tested anywhere.
// SPDX-License-Identifier: MIT
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
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

// The value of KEY= in /sys/class/block/DEV/uevent ("PARTNAME", "DEVNAME"), or "" when absent.
static void uevent_value(const char *dev, const char *key, char *out, size_t size) {
  char path[512], line[256];
  size_t klen = strlen(key);
  out[0] = '\0';
  snprintf(path, sizeof path, "/sys/class/block/%s/uevent", dev);
  FILE *f = fopen(path, "r");
  if (!f) return;
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, key, klen) != 0 || line[klen] != '=') continue;
    line[strcspn(line, "\n")] = '\0';
    snprintf(out, size, "%s", line + klen + 1);
  }
  fclose(f);
}

// The bank the root came from: the ROOT partition under the dm-verity device ("...-ROOT-B").
static char booted_bank(void) {
  char name[128];
  DIR *d = opendir("/sys/block/dm-0/slaves");
  if (!d) return 0;
  char bank = 0;
  for (struct dirent *e; !bank && (e = readdir(d));) {
    if (e->d_name[0] == '.') continue;
    uevent_value(e->d_name, "PARTNAME", name, sizeof name);
    size_t n = strlen(name);
    if (n > 7 && strncmp(name + n - 7, "-ROOT-", 6) == 0) bank = name[n - 1];
  }
  closedir(d);
  return bank;
}

// /dev/<the partition named EFI-SYSTEM>, or -1.
static int find_esp(char *dev, size_t size) {
  char name[128], devname[64];
  DIR *d = opendir("/sys/class/block");
  if (!d) return -1;
  int found = -1;
  for (struct dirent *e; found < 0 && (e = readdir(d));) {
    if (e->d_name[0] == '.') continue;
    uevent_value(e->d_name, "PARTNAME", name, sizeof name);
    if (strcmp(name, "EFI-SYSTEM") != 0) continue;
    uevent_value(e->d_name, "DEVNAME", devname, sizeof devname);
    snprintf(dev, size, "/dev/%s", devname);
    found = 0;
  }
  closedir(d);
  return found;
}

// Sets KEY=VALUE in a 1024-byte GRUB environment block, keeping its other lines in order.
// Returns 1 when the block changed, 0 when it already said so, -1 when it is not a block.
static int grubenv_set(char *block, const char *key, const char *value) {
  static const char header[] = "# GRUB Environment Block\n";
  char out[1024], copy[1025];
  size_t klen = strlen(key), used = 0;
  int changed = 1, seen = 0;
  if (strncmp(block, header, sizeof header - 1) != 0) return -1;
  memcpy(copy, block, 1024);
  copy[1024] = '\0';
  used = (size_t)snprintf(out, sizeof out, "%s", header);
  for (char *line = strtok(copy + sizeof header - 1, "\n"); line; line = strtok(NULL, "\n")) {
    if (line[0] == '#') continue;  // the padding
    if (strncmp(line, key, klen) == 0 && line[klen] == '=') {
      seen = 1;
      if (strcmp(line + klen + 1, value) == 0) changed = 0;
      used += (size_t)snprintf(out + used, sizeof out - used, "%s=%s\n", key, value);
    } else {
      used += (size_t)snprintf(out + used, sizeof out - used, "%s\n", line);
    }
    if (used >= sizeof out) return -1;
  }
  if (!seen) used += (size_t)snprintf(out + used, sizeof out - used, "%s=%s\n", key, value);
  if (used >= sizeof out) return -1;
  memset(out + used, '#', sizeof out - used);
  memcpy(block, out, sizeof out);
  return changed;
}

// Marks the bank good: mounts the ESP on a fresh /run and rewrites grubenv in place, as
// GRUB's save_env does (same 1024 bytes, same clusters).
static void mark_good(char bank) {
  char dev[96], key[8], block[1024];
  if (!bank) {
    printf("init: cannot tell which bank booted (no dm-0 over a ROOT partition)\n");
    return;
  }
  if (find_esp(dev, sizeof dev) != 0) {
    printf("init: no EFI-SYSTEM partition: bank %c not marked good\n", bank);
    return;
  }
  if (mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") != 0 ||
      mkdir("/run/esp", 0700) != 0 || mount(dev, "/run/esp", "vfat", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0) {
    printf("init: cannot mount %s: %s: bank %c not marked good\n", dev, strerror(errno), bank);
    return;
  }
  int fd = open("/run/esp/EFI/BOOT/grubenv", O_RDWR);
  int changed = -1;
  if (fd >= 0 && pread(fd, block, sizeof block, 0) == (ssize_t)sizeof block) {
    snprintf(key, sizeof key, "%c_ok", bank);
    changed = grubenv_set(block, key, "1");
    if (changed == 1 && (pwrite(fd, block, sizeof block, 0) != (ssize_t)sizeof block || fsync(fd) != 0))
      changed = -1;
  }
  if (fd >= 0) close(fd);
  umount("/run/esp");
  if (changed < 0)
    printf("init: cannot update the boot-state record on %s: bank %c not marked good\n", dev, bank);
  else if (changed)
    printf("init: bank %c marked good\n", bank);
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
  char bank = booted_bank();
  if (bank) printf("init: booted bank %c\n", bank);
  int code = 128;
  if (agent > 0 && waitpid(agent, &status, 0) == agent) code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  printf("init: hello-agent exited with %d\n", code);
  if (code == 0)
    mark_good(bank);
  else
    printf("init: the selftest failed: the booted bank is not marked good\n");
  fflush(stdout);

  if (cmdline_has("init.poweroff")) {
    sync();
    reboot(RB_POWER_OFF);
  }
  for (;;)  // PID 1 must never exit: reap whatever is orphaned to us
    if (wait(NULL) < 0) sleep(1);
}
