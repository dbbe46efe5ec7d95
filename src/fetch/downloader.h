#pragma once
// Parallel downloads through net::HttpClient: each job tries its candidate URLs in order,
// retrying transient failures with backoff, resuming partial files with Range, hashing SHA-512
// while writing. A job whose bytes match its digest is handed to the caller to store.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "osbuild/net/http.h"
#include "progress.h"

namespace osbuild::fetch {

namespace fs = std::filesystem;

enum class Place { lookaside, upstream };

struct Candidate {
  std::string url;
  Place place = Place::lookaside;
};

struct DownloadJob {
  std::string name;      // the file name
  std::string label;     // "hello-1.0.tar.gz (package hello, packages/hello/package.toml:9:1)"
  std::string sha512;    // expected
  std::string upstream;  // the upstream URL, for messages
  std::vector<Candidate> candidates;
  fs::path partial;  // <cache>/tmp/fetch/<sha512>.partial; its record is <partial>.json
  // Results.
  bool done = false;
  std::string from_url;
  std::uint64_t bytes = 0;
  std::vector<std::string> failures;  // one line per place that did not give the file
  bool only_missing = true;           // every place tried said "not here"
  bool disk_failed = false;           // the local disk failed (full, read-only)
};

class Downloader {
 public:
  // Over libcurl, or over `http` (not owned; a fake in unit tests).
  Downloader(net::TransferPolicy policy, long parallel, Reporter& reporter,
             net::HttpClient* http = nullptr);
  // Runs every job to its end. `store` is called with each job whose partial file matched its
  // digest; it may throw an Error, which fails that job.
  void run(std::vector<DownloadJob>& jobs, const std::function<void(DownloadJob&)>& store);

 private:
  net::TransferPolicy m_policy;
  long m_parallel;
  Reporter& m_reporter;
  net::HttpClient* m_http = nullptr;
};

fs::path partial_record_path(const fs::path& partial);

}  // namespace osbuild::fetch
