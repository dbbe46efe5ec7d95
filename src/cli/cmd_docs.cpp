// osbuild docs man|commands|configuration: the man page (docs/osbuild.1), docs/commands.md and
// docs/configuration.md, rendered by src/manual/ from the command definitions and the settings
// tables (scripts/gen-docs.sh writes them; a test compares).
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "cli.h"
#include "cli_model.h"
#include "osbuild/util/error.h"
#include "osbuild/util/fs.h"
#include "osbuild/util/json_event.h"

namespace osbuild::cli {

namespace {

// What `print` writes to stdout, caught in a memory file: the renderers print as they go.
std::string captured_stdout(const std::function<void()>& print) {
  std::fflush(stdout);
  Fd memory(memfd_create("osbuild-document", MFD_CLOEXEC));
  Fd saved(dup(STDOUT_FILENO));
  if (memory.fd < 0 || saved.fd < 0) throw Error("cannot capture a document: " + std::string(std::strerror(errno)));
  dup2(memory.fd, STDOUT_FILENO);
  try {
    print();
  } catch (...) {
    std::fflush(stdout);
    dup2(saved.fd, STDOUT_FILENO);
    throw;
  }
  std::fflush(stdout);
  dup2(saved.fd, STDOUT_FILENO);
  std::string text(static_cast<std::size_t>(lseek(memory.fd, 0, SEEK_END)), '\0');
  if (pread(memory.fd, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) {
    throw Error("cannot read a captured document: " + std::string(std::strerror(errno)));
  }
  return text;
}

}  // namespace

void write_document(const GlobalOptions& options, std::string_view stage, const Json& fields,
                    const std::function<void()>& print) {
  if (options.output != OutputMode::json) {
    print();
    return;
  }
  Json event = fields;
  event["text"] = captured_stdout(print);
  json_event(stage, "document", event);
}

void setup_docs(CLI::App& sub, CliState& state) {
  sub.require_subcommand(1);
  auto add = [&sub, &state](const char* name, const char* help, void (*print)(const CLI::App&)) {
    sub.add_subcommand(name, help)->callback([&sub, &state, print, name] {
      state.action = [&sub, &state, print, name] {
        bool roff = std::string_view(name) == "man";
        write_document(state.options, "docs",
                       {{"name", name}, {"format", roff ? "roff" : "markdown"}},
                       [&sub, print] { print(root_app(sub)); });
        return 0;
      };
    });
  };
  add("man", "the man page, roff (docs/osbuild.1): osbuild docs man | man -l -",
      [](const CLI::App& app) { manual::print_man(describe(app)); });
  add("commands", "every command and option, markdown (docs/commands.md)",
      [](const CLI::App& app) { manual::print_commands(describe(app)); });
  add("configuration", "every setting and file key, markdown (docs/configuration.md)",
      [](const CLI::App&) { manual::print_configuration(); });
}

}  // namespace osbuild::cli
