/* The crc-fast regression (seeds/003): aarch64 CRC32 and PMULL intrinsics that need
 * -march=armv8.2-a+crypto+crc+sha3, checked against portable C on the same inputs. Prints each
 * result and exits 0 only when every intrinsic agrees with the reference. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#if defined(__aarch64__)
#include <arm_acle.h>
#include <arm_neon.h>
#endif

static uint32_t ref_crc32(uint32_t crc, const uint8_t* p, size_t n, uint32_t poly) {
  for (size_t i = 0; i < n; ++i) {
    crc ^= p[i];
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (poly & (0u - (crc & 1u)));
  }
  return crc;
}

/* Carry-less 64 x 64 → 128-bit product. */
static void ref_clmul(uint64_t a, uint64_t b, uint64_t* hi, uint64_t* lo) {
  *hi = 0;
  *lo = 0;
  for (int i = 0; i < 64; ++i) {
    if ((b >> i) & 1u) {
      *lo ^= a << i;
      if (i) *hi ^= a >> (64 - i);
    }
  }
}

int main(void) {
  static const uint8_t data[] = "osbuild: crc32 and pmull through zig cc";
  const size_t n = sizeof data - 1;
  const uint64_t a = 0x87a1c3e5f7091b2dULL, b = 0xdeadbeefcafef00dULL;
  uint32_t want_crc = ref_crc32(0xffffffffu, data, n, 0xedb88320u) ^ 0xffffffffu;
  uint32_t want_crcc = ref_crc32(0xffffffffu, data, n, 0x82f63b78u) ^ 0xffffffffu;
  uint64_t want_hi, want_lo;
  ref_clmul(a, b, &want_hi, &want_lo);
  printf("reference crc32=%08x crc32c=%08x clmul=%016llx%016llx\n", want_crc, want_crcc,
         (unsigned long long)want_hi, (unsigned long long)want_lo);
#if defined(__aarch64__)
  uint32_t crc = 0xffffffffu, crcc = 0xffffffffu;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t word;
    memcpy(&word, data + i, 8);
    crc = __crc32d(crc, word);
    crcc = __crc32cd(crcc, word);
  }
  for (; i < n; ++i) {
    crc = __crc32b(crc, data[i]);
    crcc = __crc32cb(crcc, data[i]);
  }
  crc ^= 0xffffffffu;
  crcc ^= 0xffffffffu;
  poly128_t product = vmull_p64((poly64_t)a, (poly64_t)b);
  uint64x2_t lanes = vreinterpretq_u64_p128(product);
  /* EOR3 (the sha3 feature) folds three vectors as crc-fast's "NEON blended" kernel does. */
  uint64x2_t folded = veor3q_u64(lanes, lanes, lanes);
  uint64_t hi = vgetq_lane_u64(folded, 1), lo = vgetq_lane_u64(folded, 0);
  printf("intrinsic crc32=%08x crc32c=%08x clmul=%016llx%016llx\n", crc, crcc,
         (unsigned long long)hi, (unsigned long long)lo);
  if (crc != want_crc || crcc != want_crcc || hi != want_hi || lo != want_lo) {
    printf("MISMATCH\n");
    return 1;
  }
  printf("ok\n");
  return 0;
#else
  return 0;
#endif
}
