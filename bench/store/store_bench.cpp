// Drives the store for bench/store/run.sh: puts one file into a fresh store, then reads it back
// through get_blob (which re-hashes it), and prints the seconds each took as `key=value` lines.
//
//   osbuild_store_bench FILE STORE_DIR [durable|cache]
#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <string>

#include "osbuild/store/store.h"

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

int run(int argc, char** argv) {
  if (argc < 3 || argc > 4) {
    std::fprintf(stderr, "usage: osbuild_store_bench FILE STORE_DIR [durable|cache]\n");
    return 2;
  }
  std::filesystem::path file = argv[1];
  std::string mode = argc == 4 ? argv[3] : "durable";
  if (mode != "durable" && mode != "cache") {
    std::fprintf(stderr, "osbuild_store_bench: unknown durability '%s': use durable or cache\n",
                 mode.c_str());
    return 2;
  }
  osbuild::store::Store store(
      argv[2], mode == "durable" ? osbuild::Durability::durable : osbuild::Durability::cache);
  store.set_warning_handler(
      [](const std::string& w) { std::fprintf(stderr, "warning: %s\n", w.c_str()); });

  auto start = std::chrono::steady_clock::now();
  std::string digest = store.put_file(file);
  double put = seconds_since(start);

  start = std::chrono::steady_clock::now();
  auto path = store.get_blob(digest);
  double get = seconds_since(start);
  if (!path) {
    std::fprintf(stderr, "osbuild_store_bench: the blob just stored did not verify\n");
    return 1;
  }
  std::printf("bytes=%ju\ndigest=%s\nput_seconds=%.4f\nget_seconds=%.4f\n",
              static_cast<std::uintmax_t>(std::filesystem::file_size(file)), digest.c_str(), put,
              get);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "osbuild_store_bench: error: %s\n", e.what());
    return 1;
  }
}
