// The command tree's own words: a command's name and usage line, and the tree flattened.
#include "osbuild/manual/manual.h"
#include "osbuild/util/text.h"

namespace osbuild::manual {

namespace {

void flatten_into(const CommandDoc& doc, std::vector<const CommandDoc*>& out) {
  out.push_back(&doc);
  for (const auto& sub : doc.subcommands) {
    flatten_into(sub, out);
  }
}

}  // namespace

std::string CommandDoc::name() const {
  return join(path, " ");
}

std::string CommandDoc::usage() const {
  std::string text = name();
  if (path.size() == 1) {
    text += " [global options]";
  } else if (!options.empty()) {
    text += " [options]";
  }
  for (const auto& p : positionals) {
    std::string word = p.name + (p.repeated ? "..." : "");
    text += " " + (p.required ? word : "[" + word + "]");
  }
  if (!subcommands.empty()) {
    text += needs_subcommand ? " <command>" : " [command]";
  }
  return text;
}

std::vector<const CommandDoc*> flatten(const CommandDoc& root) {
  std::vector<const CommandDoc*> out;
  flatten_into(root, out);
  return out;
}

}  // namespace osbuild::manual
