/* greet: prints a greeting and its crc32, computed by the zlib of hello-os's core-kit. */
#include <stdio.h>
#include <string.h>
#include <zlib.h>

int main(int argc, char **argv) {
  const char *who = argc > 1 ? argv[1] : "greet-os";
  char text[256];
  snprintf(text, sizeof text, "hello from %s", who);
  unsigned long crc = crc32(0L, (const Bytef *)text, (uInt)strlen(text));
  printf("%s (zlib %s, crc32 %08lx)\n", text, zlibVersion(), crc);
  return 0;
}
