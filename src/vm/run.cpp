// `osbuild qemu`: the image of a variant booted in QEMU, interactively or watching the console
// for a text (CI mode). The disk is booted through a qcow2 overlay so that the image stays as
// `osbuild image` made it, unless --persist asks for the disk itself.
#include <stdlib.h>

#include <cstdio>
#include <deque>
#include <fstream>

#include "osbuild/util/error.h"
#include "osbuild/util/json_event.h"
#include "osbuild/util/text.h"
#include "osbuild/vm/vm.h"
#include "osbuild/workspace/records.h"

namespace osbuild::vm {

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t k_last_lines = 20;

struct Disks {
  Drive os;
  std::optional<Drive> data;
};

std::string image_hint(const std::string& variant, Arch arch) {
  return "run osbuild image " + variant + " --arch " + std::string(arch_name(arch));
}

// The disks image.json names for the project's current version.
Disks find_disks(const Context& ctx, const std::string& variant, Arch arch) {
  const auto& project = ctx.project;
  std::string version =
      project.release ? project.release->version.str() : project.file.release_version.str();
  fs::path dir = workspace::image_dir(ctx.build_dir(), arch, variant, version);
  std::string hint = image_hint(variant, arch);
  if (!fs::exists(dir / "image.json")) {
    throw Error("no image of variant " + variant + " for " + std::string(arch_name(arch)) +
                    " version " + version + " in " + ctx.shown(dir),
                hint);
  }
  workspace::ImageRecord record = workspace::read_image_record(dir, hint);
  if (record.files.count("disk") == 0) {
    throw Error(ctx.shown(record.path) + ": files.disk is missing", hint + " --force");
  }
  std::string format = record.doc.value("format", "raw");
  Disks disks{{"os", record.file("disk"), format}, std::nullopt};
  if (record.files.count("data") != 0) disks.data = Drive{"data", record.file("data"), format};
  return disks;
}

// A folder under build/.osbuild/qemu/ for one run's overlays and variables, removed afterwards.
class RunDir {
 public:
  explicit RunDir(const fs::path& parent, const std::string& name) {
    fs::create_directories(parent);
    std::string tmpl = (parent / (name + ".XXXXXX")).string();
    if (::mkdtemp(tmpl.data()) == nullptr) {
      throw Error("cannot make a folder in " + parent.string(), "check the space and permissions");
    }
    m_path = tmpl;
  }
  ~RunDir() {
    std::error_code ec;
    fs::remove_all(m_path, ec);
  }
  RunDir(const RunDir&) = delete;
  RunDir& operator=(const RunDir&) = delete;
  const fs::path& path() const { return m_path; }

 private:
  fs::path m_path;
};

void require_program(const std::string& program, const char* package) {
  if (process::find_program(program).empty()) {
    throw Error(program + " is not installed", "apt-get install " + std::string(package));
  }
}

const char* qemu_package(Arch arch) {
  return arch == Arch::aarch64 ? "qemu-system-arm" : "qemu-system-x86";
}

Machine base_machine(const Context& ctx, Arch arch, const QemuOptions& options) {
  Machine m;
  m.arch = arch;
  std::string firmware_key = "qemu.firmware-" + std::string(arch_name(arch));
  m.firmware = resolve_firmware(arch, ctx.settings.str(firmware_key), firmware_key,
                                default_descriptor_dirs());
  const auto& kvm = ctx.settings.get("qemu.kvm");
  m.accel = choose_accel(arch, host_arch(), kvm_usable(), parse_kvm_mode(kvm.value, kvm.source));
  m.cpus = ctx.settings.integer("qemu.cpus");
  m.memory_mib = std::max<std::uint64_t>(ctx.settings.size("qemu.memory") >> 20, 64);
  m.network = options.network;
  m.console = options.expect ? Console::serial : Console::serial_with_monitor;
  m.extra = options.extra;
  return m;
}

// Overlays on the disks and a fresh variables file in `dir`.
void use_overlays(Machine& m, const Disks& disks, const fs::path& dir, process::Runner& runner) {
  m.vars = dir / "efivars.fd";
  copy_sparse_file(m.firmware.vars_template, m.vars);
  m.os = {"os", dir / "os.qcow2", "qcow2"};
  std::vector<std::pair<Drive, Drive>> pairs = {{disks.os, m.os}};
  if (disks.data) {
    m.data = Drive{"data", dir / "data.qcow2", "qcow2"};
    pairs.emplace_back(*disks.data, *m.data);
  }
  for (const auto& [base, overlay] : pairs) {
    process::Command c;
    c.argv = overlay_command(base, overlay.file);
    c.out = process::Sink::capture;
    c.err = process::Sink::same_as_stdout;
    auto result = runner.run(c);
    if (!result.ok()) {
      throw Error("qemu-img could not make an overlay on " + base.file.string() + ": " +
                      std::string(trim(result.out)),
                  "check that qemu-img reads " + base.format + " images (osbuild doctor)");
    }
  }
}

// --persist: the disks themselves, and the variables beside the OS disk, kept across boots.
void use_disks(Machine& m, const Disks& disks) {
  m.os = disks.os;
  m.data = disks.data;
  m.vars = disks.os.file.parent_path() / (disks.os.file.filename().string() + ".efivars.fd");
}

// The console of a CI run: to the terminal (under --json, a `console` event per line, without
// its terminal escapes) and the log as it comes, watched for the text.
class ConsoleWatch {
 public:
  ConsoleWatch(std::string expect, const fs::path& log, bool json)
      : m_expect(std::move(expect)), m_log(log, std::ios::trunc), m_start(Clock::now()),
        m_json(json) {}

  void line(std::string_view raw) {
    std::string plain = plain_console_line(raw);
    if (m_json) {
      json_event("qemu", "console", {{"line", plain}});
    } else {
      std::fwrite(raw.data(), 1, raw.size(), stdout);
      std::fputc('\n', stdout);
      std::fflush(stdout);
    }
    m_log << raw << '\n';
    m_log.flush();
    if (!m_seen_after && plain.find(m_expect) != std::string::npos) {
      m_seen_after = std::chrono::duration<double>(Clock::now() - m_start).count();
    }
    m_last.push_back(std::move(plain));
    if (m_last.size() > k_last_lines) m_last.pop_front();
  }
  bool seen() const { return m_seen_after.has_value(); }
  double seen_after() const { return m_seen_after.value_or(0); }
  double elapsed() const { return std::chrono::duration<double>(Clock::now() - m_start).count(); }
  std::string last_lines() const {
    std::string out;
    for (const auto& l : m_last) out += "\n  | " + l;
    return out.empty() ? "\n  (the console printed nothing)" : out;
  }

 private:
  std::string m_expect;
  std::ofstream m_log;
  Clock::time_point m_start;
  std::optional<double> m_seen_after;
  std::deque<std::string> m_last;
  bool m_json;
};

int run_watched(const Context& ctx, const Machine& m, const QemuOptions& options,
                process::Runner& runner) {
  std::string arch(arch_name(m.arch));
  fs::path log = ctx.build_dir() / "logs" / arch / ("qemu-" + options.variant + ".log");
  fs::create_directories(log.parent_path());
  auto timeout = options.timeout.count() > 0 ? options.timeout : k_default_expect_timeout;
  ConsoleWatch watch(*options.expect, log, ctx.json());
  process::Command c;
  c.argv = qemu_command(m);
  c.out = process::Sink::capture;
  c.err = process::Sink::same_as_stdout;
  c.on_line = [&watch](std::string_view line) { watch.line(line); };
  c.time_limit = timeout;
  process::InterruptGuard guard;
  auto result = runner.run(c);
  if (runner.interrupted()) throw Error("interrupted", "", ExitCode::interrupted);
  if (auto problem = judge_run(result, watch.seen(), *options.expect, timeout)) {
    throw Error("qemu " + options.variant + " (" + arch + "): " + *problem +
                    "; the console's last lines:" + watch.last_lines(),
                "the whole console is in " + ctx.shown(log));
  }
  if (ctx.json()) {
    json_event("qemu", "summary",
               {{"variant", options.variant},
                {"arch", arch},
                {"expect", *options.expect},
                {"seen_after_seconds", watch.seen_after()},
                {"seconds", watch.elapsed()},
                {"log", ctx.shown(log)}});
  } else {
    std::printf("osbuild: '%s' appeared after %.1f s; the guest powered off after %.1f s\n",
                options.expect->c_str(), watch.seen_after(), watch.elapsed());
  }
  return 0;
}

int run_interactive(const Machine& m, const QemuOptions& options, process::Runner& runner) {
  process::Command c;
  c.argv = qemu_command(m);
  c.in = process::Sink::inherit;
  c.terminal = process::Terminal::foreground;
  c.time_limit = options.timeout;
  process::InterruptGuard guard;
  return runner.run(c).exit_code;
}

// One command line: as text, or under --json a `command` event with its argv.
void print_argv(const std::vector<std::string>& argv, std::string_view role, bool json) {
  if (json) {
    json_event("qemu", "command", {{"role", role}, {"argv", argv}});
  } else {
    std::printf("%s\n", process::command_text(argv).c_str());
  }
}

void print_command(const Machine& m, const Disks& disks, Persist persist, bool json) {
  if (persist == Persist::no) {
    print_argv(overlay_command(disks.os, m.os.file), "overlay", json);
    if (disks.data) print_argv(overlay_command(*disks.data, m.data->file), "overlay", json);
  }
  print_argv(qemu_command(m), "qemu", json);
}

}  // namespace

std::optional<std::string> judge_run(const process::Result& result, bool seen,
                                     const std::string& expect, std::chrono::seconds timeout) {
  std::string text = "'" + expect + "'";
  if (result.timed_out) {
    return seen ? "the console showed " + text + " but the guest did not power off within " +
                      std::to_string(timeout.count()) + " s"
                : text + " did not appear on the console within " +
                      std::to_string(timeout.count()) + " s";
  }
  if (result.exit_code != 0) {
    std::string how = result.signalled() ? "was killed by signal " + std::to_string(result.signal)
                                         : "exited with status " + std::to_string(result.exit_code);
    return "QEMU " + how + (seen ? " after the console showed " : " before the console showed ") +
           text;
  }
  if (!seen) return "the guest powered off without " + text + " appearing on the console";
  return std::nullopt;
}

int run_qemu(const Context& ctx, const QemuOptions& options, process::Runner& runner) {
  ctx.project.variant(options.variant);  // an unknown variant is an error with a suggestion
  Arch arch = ctx.settings.arch();
  Disks disks = options.disk.empty() ? find_disks(ctx, options.variant, arch)
                                     : Disks{{"os", fs::absolute(options.disk), "raw"}, std::nullopt};
  if (!options.disk.empty() && !fs::is_regular_file(options.disk)) {
    throw UsageError("--disk " + options.disk.string() + ": no such file",
                     "give a raw disk image, such as one `osbuild image update` changed");
  }
  Machine m = base_machine(ctx, arch, options);
  std::string name = std::string(arch_name(arch)) + "-" + options.variant;
  if (options.print == PrintCommand::yes) {
    if (options.persist == Persist::yes) {
      use_disks(m, disks);
    } else {
      fs::path dir = ctx.build_dir() / ".osbuild" / "qemu" / (name + ".XXXXXX");
      m.vars = dir / "efivars.fd";
      m.os = {"os", dir / "os.qcow2", "qcow2"};
      if (disks.data) m.data = Drive{"data", dir / "data.qcow2", "qcow2"};
    }
    print_command(m, disks, options.persist, ctx.json());
    return 0;
  }
  if (ctx.json() && !options.expect) {
    throw UsageError("an interactive QEMU session has no --json form",
                     "add --expect TEXT (CI mode: the console comes as `console` events), or "
                     "--print-command");
  }
  require_program(qemu_program(arch), qemu_package(arch));
  std::optional<RunDir> dir;
  if (options.persist == Persist::yes) {
    use_disks(m, disks);
    if (!fs::exists(m.vars)) copy_sparse_file(m.firmware.vars_template, m.vars);
  } else {
    require_program("qemu-img", "qemu-utils");
    dir.emplace(ctx.build_dir() / ".osbuild" / "qemu", name);
    use_overlays(m, disks, dir->path(), runner);
  }
  return options.expect ? run_watched(ctx, m, options, runner)
                        : run_interactive(m, options, runner);
}

}  // namespace osbuild::vm
