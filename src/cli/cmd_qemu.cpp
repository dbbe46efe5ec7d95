// osbuild qemu V [--arch A] [--expect TEXT --timeout S] [--persist] [--network]
// [--print-command] [-- QEMU arguments]: boot the variant's image under UEFI in QEMU
// (docs/qemu.md).
#include <memory>

#include "cli.h"
#include "osbuild/vm/vm.h"

namespace osbuild::cli {

void setup_qemu(CLI::App& sub, CliState& state) {
  auto options = std::make_shared<vm::QemuOptions>();
  auto timeout = std::make_shared<long>(0);
  sub.add_option("variant", options->variant, "the variant whose image to boot")->required();
  sub.add_option("qemu-args", options->extra,
                 "arguments after -- go to QEMU as they are, after osbuild's own");
  add_setting_flags(sub, state, {"arch", "qemu.cpus", "qemu.memory", "qemu.kvm"});
  sub.add_option_function<std::string>(
      "--expect", [options](const std::string& text) { options->expect = text; },
      "CI mode: succeed when TEXT appears on the console and the guest then powers off");
  sub.add_option("--timeout", *timeout,
                 "seconds before QEMU is killed; in CI mode the default is 300")
      ->check(CLI::PositiveNumber);
  sub.add_flag_callback(
      "--persist", [options] { options->persist = vm::Persist::yes; },
      "boot the image's disk itself, not an overlay: changes (and the firmware's variables) "
      "stay for the next boot");
  sub.add_option("--disk", options->disk,
                 "boot this raw disk image (one `osbuild image update` changed, say) instead of "
                 "the variant's image of the current version");
  sub.add_flag_callback(
      "--network", [options] { options->network = vm::Network::user; },
      "give the guest a user-mode network (no host port is forwarded); default none");
  sub.add_flag_callback(
      "--print-command", [options] { options->print = vm::PrintCommand::yes; },
      "print the qemu-img and QEMU command lines and exit");
  sub.callback([&state, options, timeout] {
    state.action = [&state, options, timeout] {
      options->timeout = std::chrono::seconds(*timeout);
      Context ctx = open_context(state.options);
      return vm::run_qemu(ctx, *options, process::system_runner());
    };
  });
}

}  // namespace osbuild::cli
