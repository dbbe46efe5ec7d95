// Instructions of the crypto, crc and sha3 features: clang's integrated assembler accepts them
// only when -march reaches it (zig#10411), which the wrapper arranges with -Xassembler.
  .text
  .globl osbuild_crypto_probe
osbuild_crypto_probe:
  aese v0.16b, v1.16b
  crc32cx w0, w0, x1
  eor3 v0.16b, v1.16b, v2.16b, v3.16b
  ret
