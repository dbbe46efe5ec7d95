// Which update a disk takes: the manifest's updates for its variant and arch, the waves, the
// version asked for (update.h). updog's rules: an update counts only up to its max_version; the
// disk's wave is the one whose seed is the highest at or below the disk's seed, and it may update
// once that wave's time has come (a seed below every wave's may update at once).
#include <fmt/format.h>

#include <algorithm>

#include "osbuild/update/update.h"
#include "osbuild/util/units.h"

namespace osbuild::update {

namespace {

std::string text_at(const Json& j, const char* key, const std::string& origin) {
  if (!j.contains(key) || !j[key].is_string()) {
    throw Error(fmt::format("{}: an update without a \"{}\" string", origin, key),
                "the manifest was not written by `osbuild repo` or pubsys; republish it");
  }
  return j[key].get<std::string>();
}

std::optional<Time> wave_start(const Json& waves, std::uint32_t seed, const std::string& origin) {
  std::optional<Time> start;
  std::int64_t best = -1;
  if (!waves.is_object()) return start;
  for (const auto& [key, value] : waves.items()) {
    std::int64_t wave_seed = -1;
    try {
      wave_seed = std::stoll(key);
    } catch (const std::exception&) {
      throw Error(origin + ": a wave keyed \"" + key + "\", not a seed");
    }
    if (wave_seed > static_cast<std::int64_t>(seed) || wave_seed <= best) continue;
    if (!value.is_string()) throw Error(origin + ": wave " + key + " has no time");
    best = wave_seed;
    start = parse_rfc3339(value.get<std::string>()).value_or_throw(origin + ": wave " + key);
  }
  return start;
}

}  // namespace

std::vector<Candidate> candidates(const Json& manifest, const std::string& variant,
                                  const std::string& arch, std::uint32_t seed) {
  std::vector<Candidate> out;
  const std::string origin = "manifest.json";
  if (!manifest.contains("updates") || !manifest["updates"].is_array()) return out;
  for (const auto& u : manifest["updates"]) {
    if (text_at(u, "variant", origin) != variant || text_at(u, "arch", origin) != arch) continue;
    Candidate c;
    std::string at = fmt::format("{} ({} {} {})", origin, variant, arch, text_at(u, "version", origin));
    c.version = parse_version(text_at(u, "version", origin)).value_or_throw(at);
    Version max = parse_version(text_at(u, "max_version", origin)).value_or_throw(at);
    if (c.version > max) continue;  // withdrawn: pubsys lowers max_version below it
    if (!u.contains("images")) throw Error(at + ": no images");
    c.images = {text_at(u["images"], "boot", at), text_at(u["images"], "root", at),
                text_at(u["images"], "hash", at)};
    if (u.contains("waves")) c.wave_start = wave_start(u["waves"], seed, at);
    out.push_back(std::move(c));
  }
  std::sort(out.begin(), out.end(),
            [](const Candidate& a, const Candidate& b) { return a.version > b.version; });
  return out;
}

Outcome choose(const Disk& disk, const std::vector<Candidate>& choices, const Request& request,
               Time now) {
  const Identity& id = disk.identity;
  Outcome o;
  o.variant = id.variant;
  o.arch = id.arch;
  o.from = id.version;
  o.to = id.version;
  o.from_bank = disk.active;
  o.to_bank = disk.inactive;
  o.seed = seed_of(disk.disk_guid);
  o.state = disk.state;
  auto listed = [&] {
    std::string versions;
    for (const auto& c : choices) versions += (versions.empty() ? "" : ", ") + c.version.str();
    return versions.empty() ? std::string("none") : versions;
  };
  const Candidate* pick = nullptr;
  if (!request.version.empty()) {
    Version want = parse_version(request.version).value_or_throw("--version " + request.version);
    for (const auto& c : choices) {
      if (c.version == want) pick = &c;
    }
    if (pick == nullptr) {
      throw Error(fmt::format("the repository has no update {} for variant {} on {} (it lists: {})",
                              want.str(), id.variant, id.arch, listed()),
                  "publish it with `osbuild repo`, or pick a listed version");
    }
  } else {
    for (const auto& c : choices) {
      if (request.ignore_waves || !c.wave_start || *c.wave_start <= now) {
        pick = &c;
        break;
      }
      if (c.version > id.version && (!o.wave_start || *c.wave_start < *o.wave_start)) {
        o.wave_start = c.wave_start;
      }
    }
    if (choices.empty()) {
      throw Error(fmt::format("the repository has no update for variant {} on {}", id.variant, id.arch),
                  "publish one with `osbuild repo " + id.variant + " --arch " + id.arch + "`");
    }
    // Nothing newer may come yet: never a downgrade on its own, as updog.
    if (pick == nullptr || pick->version <= id.version) {
      o.verdict = o.wave_start ? Verdict::waiting : Verdict::up_to_date;
      return o;
    }
  }
  o.to = pick->version;
  o.wave_start = pick->wave_start;
  if (pick->version < id.version && !request.allow_downgrade) {
    throw Error(fmt::format("{} is a downgrade: the disk runs {} in bank {}", pick->version.str(),
                            id.version.str(), disk.active),
                "pass --allow-downgrade to install an older version on purpose",
                ExitCode::verification);
  }
  o.verdict = request.check_only ? Verdict::would_update : Verdict::updated;
  return o;
}

std::string outcome_text(const Outcome& o, const fs::path& disk) {
  switch (o.verdict) {
    case Verdict::updated:
      return fmt::format(
          "{}: {} {} {} → {}: written to bank {}, which the next boot tries once (bank {} stays "
          "the fallback)\n",
          disk.string(), o.variant, o.arch, o.from.str(), o.to.str(), o.to_bank, o.from_bank);
    case Verdict::would_update:
      return fmt::format("{}: {} {} {} → {} would be written to bank {} (--check: nothing written)\n",
                         disk.string(), o.variant, o.arch, o.from.str(), o.to.str(), o.to_bank);
    case Verdict::waiting:
      return fmt::format("{}: {} {} {} is current for now: a newer version waits for the wave of "
                         "seed {}, which starts {}\n",
                         disk.string(), o.variant, o.arch, o.from.str(), o.seed,
                         o.wave_start ? format_rfc3339(*o.wave_start) : std::string("later"));
    case Verdict::up_to_date:
      break;
  }
  return fmt::format("{}: {} {} {} is up to date\n", disk.string(), o.variant, o.arch, o.from.str());
}

Json outcome_json(const Outcome& o) {
  static const char* const names[] = {"updated", "would-update", "up-to-date", "waiting"};
  Json j{{"result", names[static_cast<int>(o.verdict)]},
         {"variant", o.variant},
         {"arch", o.arch},
         {"from", {{"version", o.from.str()}, {"bank", std::string(1, o.from_bank)}}},
         {"to", {{"version", o.to.str()}, {"bank", std::string(1, o.to_bank)}}},
         {"seed", o.seed},
         {"bytes_written", o.bytes_written},
         {"boot_state", image::boot_state_json(o.state)}};
  j["wave_start"] = o.wave_start ? Json(format_rfc3339(*o.wave_start)) : Json();
  return j;
}

}  // namespace osbuild::update
