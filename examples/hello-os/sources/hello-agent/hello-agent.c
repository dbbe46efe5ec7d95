// hello-agent: the example OS's one service, small enough to read and real enough to link zlib.
//
//   hello-agent [FILE]     deflate FILE (or stdin) in memory; print its size, compressed size, crc32
//   hello-agent --selftest round-trip a known buffer through compress/uncompress; print "ok"
//   hello-agent --version  print its version and zlib's
// SPDX-License-Identifier: MIT
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define AGENT_VERSION "0.1.0"

static int selftest(void) {
  // The CRC-32 check value from the catalogue of CRC algorithms.
  const char *check = "123456789";
  uLong crc = crc32(crc32(0L, Z_NULL, 0), (const Bytef *)check, 9);
  if (crc != 0xcbf43926UL) {
    fprintf(stderr, "hello-agent: crc32(\"123456789\") = %08lx, want cbf43926\n", crc);
    return 1;
  }

  unsigned char in[64 * 1024], back[sizeof in];
  for (size_t i = 0; i < sizeof in; i++) in[i] = (unsigned char)("hello-os "[i % 9] ^ (i >> 10));
  uLongf packed_len = compressBound(sizeof in), back_len = sizeof back;
  unsigned char *packed = malloc(packed_len);
  if (!packed) return 1;
  int rc = compress2(packed, &packed_len, in, sizeof in, Z_BEST_COMPRESSION);
  if (rc == Z_OK) rc = uncompress(back, &back_len, packed, packed_len);
  free(packed);
  if (rc != Z_OK || back_len != sizeof in || memcmp(in, back, sizeof in) != 0) {
    fprintf(stderr, "hello-agent: round trip failed (zlib %d)\n", rc);
    return 1;
  }
  printf("ok\n");
  return 0;
}

static int deflate_stream(FILE *f, const char *name) {
  z_stream z;
  memset(&z, 0, sizeof z);
  if (deflateInit(&z, Z_DEFAULT_COMPRESSION) != Z_OK) return 1;
  unsigned char in[16384], out[16384];
  unsigned long long total_in = 0, total_out = 0;
  uLong crc = crc32(0L, Z_NULL, 0);
  int flush;
  do {
    size_t n = fread(in, 1, sizeof in, f);
    if (ferror(f)) {
      perror(name);
      deflateEnd(&z);
      return 1;
    }
    flush = feof(f) ? Z_FINISH : Z_NO_FLUSH;
    crc = crc32(crc, in, (uInt)n);
    total_in += n;
    z.next_in = in;
    z.avail_in = (uInt)n;
    do {
      z.next_out = out;
      z.avail_out = sizeof out;
      deflate(&z, flush);
      total_out += sizeof out - z.avail_out;
    } while (z.avail_out == 0);
  } while (flush != Z_FINISH);
  deflateEnd(&z);
  printf("%s: %llu bytes, deflated %llu bytes, crc32 %08lx\n", name, total_in, total_out, crc);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "--selftest") == 0) return selftest();
  if (argc == 2 && strcmp(argv[1], "--version") == 0) {
    printf("hello-agent %s (zlib %s)\n", AGENT_VERSION, zlibVersion());
    return 0;
  }
  if (argc > 2 || (argc == 2 && argv[1][0] == '-' && argv[1][1] != '\0')) {
    fprintf(stderr, "usage: hello-agent [FILE | --selftest | --version]\n");
    return 2;
  }
  if (argc == 1 || strcmp(argv[1], "-") == 0) return deflate_stream(stdin, "stdin");
  FILE *f = fopen(argv[1], "rb");
  if (!f) {
    perror(argv[1]);
    return 1;
  }
  int rc = deflate_stream(f, argv[1]);
  fclose(f);
  return rc;
}
