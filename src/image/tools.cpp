#include "osbuild/image/tools.h"

#include <fmt/format.h>

#include <deque>
#include <fstream>

#include "osbuild/util/error.h"
#include "osbuild/util/hash.h"
#include "osbuild/util/text.h"

namespace osbuild::image {

namespace {

// Which Debian package holds each program, for the hint.
std::string debian_package(const std::string& tool) {
  static const std::map<std::string, std::string> packages = {
      {"mkfs.erofs", "erofs-utils"},    {"mksquashfs", "squashfs-tools"},
      {"mkfs.ext4", "e2fsprogs"},       {"debugfs", "e2fsprogs"},
      {"qemu-img", "qemu-utils"},       {"lz4", "lz4"},
      {"veritysetup", "cryptsetup-bin"}, {"mkfs.fat", "dosfstools"},
      {"mmd", "mtools"},                {"mcopy", "mtools"},
      {"mtype", "mtools"},              {"grub-mkimage", "grub-common"}};
  auto it = packages.find(tool);
  return it == packages.end() ? tool : it->second;
}

std::string tail_of(const std::filesystem::path& log, std::size_t lines) {
  std::ifstream in(log);
  std::deque<std::string> last;
  for (std::string line; std::getline(in, line);) {
    last.push_back(line);
    if (last.size() > lines) last.pop_front();
  }
  std::string out;
  for (const auto& l : last) out += "\n  | " + l;
  return out;
}

}  // namespace

Tools::Tools(std::filesystem::path log, std::int64_t epoch, process::Runner& runner)
    : m_log(std::move(log)), m_runner(runner) {
  std::string e = std::to_string(epoch);
  m_env = {{"PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"},
           {"LC_ALL", "C"},
           {"TZ", "UTC"},
           {"HOME", "/nonexistent"},
           {"SOURCE_DATE_EPOCH", e},
           {"E2FSPROGS_FAKE_TIME", e},
           {"MTOOLS_SKIP_CHECK", "1"}};  // mtools on a bare file system image
}

const std::string& Tools::path(const std::string& name) {
  auto it = m_paths.find(name);
  if (it != m_paths.end()) return it->second;
  std::string found = process::find_program(name);
  if (found.empty()) {
    for (const char* dir : {"/usr/sbin/", "/sbin/"}) {  // not on every user's PATH
      if (std::filesystem::exists(std::string(dir) + name)) found = std::string(dir) + name;
    }
  }
  if (found.empty()) {
    throw Error(fmt::format("the image stage needs {}, which is not installed", name),
                fmt::format("install it: apt-get install {} (or run `osbuild doctor`)",
                            debian_package(name)));
  }
  return m_paths[name] = found;
}

Json Tools::identity(const std::vector<std::string>& names) {
  Json out = Json::object();
  for (const auto& name : names) {
    const std::string& p = path(name);
    out[name] = {{"path", p},
                 {"sha256", hash_file(p, HashAlgorithm::sha256).value_or_throw("hashing " + name)}};
  }
  return out;
}

void Tools::run(std::vector<std::string> argv) {
  std::string shown = join(argv, " ");
  argv[0] = path(argv[0]);
  if (!m_started) {  // the log of the last image stays until a tool runs again
    std::filesystem::create_directories(m_log.parent_path());
    std::filesystem::remove(m_log);
    m_started = true;
  }
  std::ofstream(m_log, std::ios::app) << "$ " << shown << "\n";
  process::Command command;
  command.argv = std::move(argv);
  command.env = m_env;
  command.out = process::Sink::file;
  command.out_file = m_log;
  command.err = process::Sink::same_as_stdout;
  auto result = m_runner.run(command);
  if (m_runner.interrupted()) {
    throw Error("image interrupted", "run osbuild image again", ExitCode::interrupted);
  }
  if (result.exit_code != 0) {
    throw Error(
        fmt::format("`{}` exited with status {}{}", shown, result.exit_code, tail_of(m_log, 8)),
        "log: " + m_log.string());
  }
}

}  // namespace osbuild::image
