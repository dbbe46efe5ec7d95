// Times osbuild's in-process dm-verity (image::write_verity) on one file and prints the root hash,
// so bench/image/run.sh can set it against `veritysetup format` on the same file and salt.
#include <chrono>
#include <cstdio>
#include <string>

#include "osbuild/image/verity.h"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s DATA HASH_OUT SALT_HEX\n", argv[0]);
    return 2;
  }
  osbuild::image::VerityParams params;
  std::string salt = argv[3];
  for (std::size_t i = 0; i + 1 < salt.size(); i += 2) {
    params.salt.push_back(static_cast<std::uint8_t>(std::stoi(salt.substr(i, 2), nullptr, 16)));
  }
  params.uuid = osbuild::image::Guid::parse("11111111-2222-4333-8444-555555555555").value();
  auto start = std::chrono::steady_clock::now();
  auto result = osbuild::image::write_verity(argv[1], argv[2], params);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%s %.3f\n", result.root_hash.c_str(), seconds);
  return 0;
}
