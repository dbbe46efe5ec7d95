// Release.toml: the version and the migrations between versions, Bottlerocket's format.
#include <algorithm>
#include <set>

#include "config/checks.h"
#include "config/loaders.h"
#include "osbuild/util/text.h"

namespace osbuild::config::detail {

namespace {

std::string transition(const Version& from, const Version& to) {
  return "(" + from.str() + ", " + to.str() + ")";
}

// "(1.3.0, 1.4.0)", tolerant of white space as Bottlerocket's deserializer is.
Migration parse_migration_key(std::string_view key, const SourceLocation& at) {
  auto fail = [&](const std::string& why) {
    fail_at(at, "invalid migration key \"" + std::string(key) + "\": " + why,
            "write each transition as \"(from, to)\" = [...], e.g. \"(1.3.0, 1.4.0)\" = []");
  };
  std::string_view t = trim(key);
  if (t.size() < 2 || t.front() != '(' || t.back() != ')') {
    fail("expected two versions in parentheses, \"(from, to)\"");
  }
  auto parts = split(t.substr(1, t.size() - 2), ',');
  if (parts.size() != 2) {
    fail("expected two versions separated by a comma, \"(from, to)\"");
  }
  Migration m;
  m.where = at;
  Version* ends[] = {&m.from, &m.to};
  for (std::size_t i = 0; i < 2; ++i) {
    auto v = parse_version(trim(parts[i]));
    if (!v) {
      fail("'" + std::string(trim(parts[i])) + "' is not a semantic version such as '1.4.0'");
    }
    *ends[i] = v.value();
  }
  if (m.from >= m.to) {
    fail("'from' must be lower than 'to'");
  }
  return m;
}

std::vector<std::string> read_migration_files(const toml::node& value, const FileRef& file,
                                              const Migration& m) {
  std::string name = transition(m.from, m.to);
  const auto* array = value.as_array();
  if (!array) {
    fail_at(location(file, value.source()),
            "expected a list of migration file names for \"" + name + "\", found " +
                std::string(type_description(value.type())),
            "write \"" + name + "\" = [] or a list such as [\"migrate_v" + m.to.str() +
                "_name.lz4\"]");
  }
  std::vector<std::string> files;
  for (const toml::node& element : *array) {
    SourceLocation at = location(file, element.source());
    const auto* s = element.as_string();
    std::string problem = s ? file_name_problem(s->get()) : std::string();
    if (!s || !problem.empty()) {
      fail_at(at,
              s ? "invalid migration file name '" + s->get() + "': " + problem
                : "expected a migration file name, found " +
                      std::string(type_description(element.type())),
              "write the file name only, e.g. \"migrate_v" + m.to.str() + "_name.lz4\"");
    }
    files.push_back(s->get());
  }
  return files;
}

std::vector<Migration> read_migrations(const TableReader& t, const FileRef& file) {
  std::vector<Migration> migrations;
  const toml::table* table = t.get_table("migrations");
  if (!table) {
    return migrations;
  }
  std::set<std::pair<std::string, std::string>> seen;
  for (auto&& [key, value] : *table) {
    Migration m = parse_migration_key(key.str(), location(file, key.source()));
    if (!seen.emplace(m.from.str(), m.to.str()).second) {
      fail_at(m.where, "duplicate migration key for " + transition(m.from, m.to),
              "merge the two lists into one key");
    }
    m.files = read_migration_files(value, file, m);
    migrations.push_back(std::move(m));
  }
  std::sort(migrations.begin(), migrations.end(), [](const Migration& a, const Migration& b) {
    return std::tie(a.from, a.to) < std::tie(b.from, b.to);
  });
  return migrations;
}

}  // namespace

Release parse_release(std::string_view text, const FileRef& file) {
  toml::table root = parse_toml(text, file);
  TableReader t(root, file, "",
                {{"version", "\"1.4.0\""},
                 {"migrations", "[migrations] with \"(1.3.0, 1.4.0)\" = []"}});
  Release release;
  release.path = file.absolute;
  if (!t.has("version")) {
    t.fail_missing("version");
  }
  release.version = *get_version(t, "version");
  release.version_where = t.where("version");
  release.migrations = read_migrations(t, file);
  return release;
}

}  // namespace osbuild::config::detail

namespace osbuild::config {

namespace {

// Each transition must start where the previous one ended: a client walks them in order, and a
// gap leaves hosts on the older version with no path forward.
void check_contiguous(const std::vector<const Migration*>& sorted) {
  for (std::size_t i = 1; i < sorted.size(); ++i) {
    const Migration& prev = *sorted[i - 1];
    const Migration& cur = *sorted[i];
    std::string name = detail::transition(cur.from, cur.to);
    if (cur.from < prev.to) {
      detail::fail_at(cur.where,
                      "version transition " + name + " overlaps " +
                          detail::transition(prev.from, prev.to) +
                          ": each transition must start where the previous one ends",
                      "remove or correct one of the two keys under [migrations]");
    }
    if (cur.from > prev.to) {
      std::string missing = detail::transition(prev.to, cur.from);
      detail::fail_at(cur.where, "missing version transition: " + missing,
                      "add \"" + missing + "\" = [] under [migrations]");
    }
  }
}

}  // namespace

void check_migrations(const Release& release, const fs::path& migrations_dir) {
  if (release.migrations.empty()) {
    return;
  }
  std::vector<const Migration*> sorted;
  for (const auto& m : release.migrations) {
    sorted.push_back(&m);
  }
  std::sort(sorted.begin(), sorted.end(), [](const Migration* a, const Migration* b) {
    return std::tie(a->from, a->to) < std::tie(b->from, b->to);
  });
  check_contiguous(sorted);
  const Migration& last = *sorted.back();
  if (last.to < release.version) {
    std::string missing = detail::transition(last.to, release.version);
    detail::fail_at(release.version_where, "missing version transition: " + missing,
                    "add \"" + missing + "\" = [] under [migrations]");
  }
  if (last.to > release.version) {
    detail::fail_at(last.where,
                    "version transition " + detail::transition(last.from, last.to) +
                        " goes past the release version " + release.version.str(),
                    "raise version to " + last.to.str() + " or remove the transition");
  }
  if (migrations_dir.empty()) {
    return;
  }
  for (const Migration* m : sorted) {
    for (const auto& name : m->files) {
      if (!fs::exists(migrations_dir / name)) {
        detail::fail_at(m->where,
                        "migration file '" + name + "' for " +
                            detail::transition(m->from, m->to) + " does not exist in " +
                            migrations_dir.string(),
                        "build the migration into " + migrations_dir.string() +
                            ", or fix the name in Release.toml");
      }
    }
  }
}

}  // namespace osbuild::config
