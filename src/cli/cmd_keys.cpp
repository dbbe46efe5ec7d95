// `osbuild keys generate | id`: signing keys for TUF repositories (docs/repo.md "Keys").
#include <unistd.h>

#include <cstdio>
#include <memory>

#include "cli.h"
#include "osbuild/repo/keys.h"
#include "osbuild/util/fs.h"
#include "osbuild/util/json_event.h"

namespace osbuild::cli {

namespace {

struct KeysArgs {
  std::string type = "ed25519";
  std::string out;
  std::string file;
};

int generate(const CliState& state, const KeysArgs& args) {
  auto type = repo::parse_key_type(args.type);
  if (!type) {
    throw UsageError("--type: " + type.error(), "use --type ed25519, ecdsa or rsa");
  }
  if (args.out.empty() && ::isatty(STDOUT_FILENO) == 1) {
    // A terminal's scrollback, a screen recording or a shared tmux session would keep it.
    throw UsageError("a private key is not printed to a terminal",
                     "write it to a file with --out FILE (made with mode 0600), or redirect "
                     "standard output: osbuild keys generate > FILE");
  }
  auto key = repo::SigningKey::generate(type.value());
  bool json = state.options.output == OutputMode::json;
  if (args.out.empty() && json) {
    json_event(
        "keys", "generate",
        {{"keyid", key.key_id()}, {"key", key.public_key().to_json()}, {"pem", key.to_pem()}});
    return 0;
  }
  if (args.out.empty()) {
    std::fputs(key.to_pem().c_str(), stdout);
    return 0;
  }
  repo::write_private_key(args.out, key);
  if (json) {
    json_event("keys", "generate",
               {{"path", args.out}, {"keyid", key.key_id()}, {"key", key.public_key().to_json()}});
  } else if (state.options.verbosity != Verbosity::quiet) {
    std::printf("wrote %s key %s (mode 0600)\n  key id %s\n", args.type.c_str(), args.out.c_str(),
                key.key_id().c_str());
  }
  return 0;
}

int show_id(const CliState& state, const KeysArgs& args) {
  auto key = repo::public_key_from_pem(read_file_or_throw(args.file), args.file);
  if (state.options.output == OutputMode::json) {
    json_event("keys", "id", {{"keyid", key.key_id()}, {"key", key.to_json()}});
  } else {
    std::printf("%s\n", key.key_id().c_str());
  }
  return 0;
}

}  // namespace

void setup_keys(CLI::App& sub, CliState& state) {
  auto args = std::make_shared<KeysArgs>();
  sub.require_subcommand(1);
  sub.fallthrough();
  auto* g = sub.add_subcommand("generate", "make a signing key (PKCS#8 PEM, mode 0600)");
  g->add_option("--type", args->type, "ed25519 (default), ecdsa (P-256) or rsa (3072 bits)");
  g->add_option("--out", args->out, "write the key here (default: print it)");
  g->callback([&state, args] { state.action = [&state, args] { return generate(state, *args); }; });
  auto* id = sub.add_subcommand("id", "print the TUF key id of a PEM key");
  id->add_option("key", args->file, "a PEM private or public key")->required();
  id->callback([&state, args] { state.action = [&state, args] { return show_id(state, *args); }; });
}

}  // namespace osbuild::cli
