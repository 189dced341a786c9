#include "engine/output/merge.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <optional>

#include "engine/core/errors.hpp"

namespace stampede {
namespace {

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

// The resolved config YAML (/input/config_yaml, written by config::Values::to_yaml: block
// mappings indented by two, one value per line, record lists as "- {...}" lines) as
// (dotted key, value text) pairs in file order: "kai.peg" -> "1", "market.shocks[0]" -> "{at: ...}".
// nullopt if a line does not have that shape.
std::optional<std::vector<std::pair<std::string, std::string>>> flatten_config(const std::string& yaml) {
  std::vector<std::pair<std::string, std::string>> out;
  std::vector<std::pair<std::size_t, std::string>> open;  // (indent, dotted key) of enclosing keys
  std::map<std::string, int> items;                        // list key -> items seen
  std::size_t pos = 0;
  while (pos < yaml.size()) {
    std::size_t eol = yaml.find('\n', pos);
    if (eol == std::string::npos) eol = yaml.size();
    const std::string line = yaml.substr(pos, eol - pos);
    pos = eol + 1;
    const std::size_t indent = line.find_first_not_of(' ');
    if (indent == std::string::npos) continue;
    const std::string body = line.substr(indent);
    while (!open.empty() && open.back().first >= indent &&
           !(body.rfind("- ", 0) == 0 && open.back().first == indent))
      open.pop_back();
    if (body.rfind("- ", 0) == 0) {  // an item of the enclosing list
      if (open.empty()) return std::nullopt;
      const std::string& list = open.back().second;
      out.emplace_back(list + "[" + std::to_string(items[list]++) + "]", body.substr(2));
      continue;
    }
    const std::size_t colon = body.find(':');
    if (colon == std::string::npos || colon == 0) return std::nullopt;
    const std::string key = (open.empty() ? "" : open.back().second + ".") + body.substr(0, colon);
    std::string value = body.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    if (value.empty()) open.emplace_back(indent, key);  // a section or a list follows
    else out.emplace_back(key, value);
  }
  return out;
}

// "different configs: kai.peg is 1 in a.h5 and 1.01 in b.h5" (the first key, in file order).
std::string config_difference(const RunMeta& x, const RunMeta& y, const std::string& name_x,
                              const std::string& name_y) {
  const auto a = flatten_config(x.config_yaml), b = flatten_config(y.config_yaml);
  if (!a || !b) return "different configs (config_sha256)";
  const std::map<std::string, std::string> in_b(b->begin(), b->end());
  const std::map<std::string, std::string> in_a(a->begin(), a->end());
  auto say = [&](const std::string& key, const std::string* va, const std::string* vb) {
    return fmt::format("different configs: {} is {} in {} and {} in {}", key, va ? *va : "absent", name_x,
                       vb ? *vb : "absent", name_y);
  };
  for (const auto& [key, va] : *a) {
    const auto it = in_b.find(key);
    if (it == in_b.end()) return say(key, &va, nullptr);
    if (it->second != va) return say(key, &va, &it->second);
  }
  for (const auto& [key, vb] : *b)
    if (!in_a.count(key)) return say(key, nullptr, &vb);
  return "different configs (same keys and values, but config_sha256 differs)";
}

// The first field in which two parts' run identity differs, or "" if none.
std::string identity_difference(const RunData& a, const RunData& b, const std::string& name_a,
                                const std::string& name_b) {
  const RunMeta &x = a.meta, &y = b.meta;
  // The seed is part of the resolved config, so name it first: it is the likelier mistake.
  if (x.seed != y.seed) return fmt::format("different seeds ({} vs {})", x.seed, y.seed);
  if (x.config_sha256 != y.config_sha256) return config_difference(x, y, name_a, name_b);
  if (x.protocol != y.protocol) return fmt::format("different protocols ({} vs {})", x.protocol, y.protocol);
  if (x.scenario != y.scenario) return fmt::format("different scenarios ({} vs {})", x.scenario, y.scenario);
  if (x.n_paths != y.n_paths) return fmt::format("different path counts ({} vs {})", x.n_paths, y.n_paths);
  if (x.n_steps != y.n_steps || x.dt_seconds != y.dt_seconds || x.horizon_seconds != y.horizon_seconds ||
      x.record_every_steps != y.record_every_steps)
    return "different time steps or horizon";
  if (x.store_paths != y.store_paths) return "different output.store_paths";
  if (!(a.schema == b.schema)) return "different output schema (metric or event names)";
  if (!same_bits(a.time, b.time)) return "different record time grids";
  if (a.bands.n_series() != b.bands.n_series() || a.bands.n_records() != b.bands.n_records())
    return "different band sketch dimensions";
  return "";
}

}  // namespace

RunData merge_runs(std::vector<RunData> parts, const std::vector<std::string>& sources) {
  if (parts.empty()) throw InputError("merge: nothing to merge");
  auto name = [&](std::size_t i) { return i < sources.size() ? sources[i] : fmt::format("part {}", i + 1); };

  // A part without paths is an empty shard (more shards than paths): refused, as `run` refuses
  // to write one.
  for (std::size_t i = 0; i < parts.size(); ++i)
    if (parts[i].paths.empty())
      throw InputError(fmt::format("merge: {} holds no paths (shard {} of a run with {} paths); leave it out",
                                   name(i), parts[i].meta.shard, parts[i].meta.n_paths));
  for (std::size_t i = 1; i < parts.size(); ++i) {
    const std::string diff = identity_difference(parts[0], parts[i], name(0), name(i));
    if (!diff.empty())
      throw InputError(fmt::format("merge: {} and {} are not shards of the same run: {}", name(0), name(i), diff));
  }

  // Overlap check on (id, part) sorted by id: equal neighbours are a path held twice.
  std::vector<std::pair<std::uint64_t, std::size_t>> owner;
  for (std::size_t i = 0; i < parts.size(); ++i)
    for (const std::uint64_t id : parts[i].paths.ids()) owner.emplace_back(id, i);
  std::sort(owner.begin(), owner.end());
  for (std::size_t k = 1; k < owner.size(); ++k)
    if (owner[k].first == owner[k - 1].first) {
      const std::size_t a = owner[k - 1].second, b = owner[k].second;
      throw InputError(a == b ? fmt::format("merge: {} holds path {} twice", name(a), owner[k].first)
                              : fmt::format("merge: {} and {} overlap (both hold path {})", name(a), name(b),
                                            owner[k].first));
    }

  // Shard label: parts ordered by their first path id.
  std::vector<std::size_t> order(parts.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  auto first_id = [&](std::size_t i) {
    return parts[i].paths.empty() ? UINT64_MAX : parts[i].paths.front().id;
  };
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return first_id(a) < first_id(b); });
  const bool covers_all = static_cast<std::int64_t>(owner.size()) == parts[0].meta.n_paths &&
                          (owner.empty() || (owner.front().first == 0 &&
                                             owner.back().first == static_cast<std::uint64_t>(owner.size() - 1)));
  std::string shard;
  if (covers_all) {
    shard = "all";
  } else {
    for (std::size_t i : order) shard += (shard.empty() ? "" : ",") + parts[i].meta.shard;
  }

  RunData out;
  out.meta = parts[0].meta;
  out.schema = parts[0].schema;
  out.time = parts[0].time;
  out.meta.shard = shard;
  double wall = 0.0, agent_steps = 0.0;
  for (const RunData& p : parts) {
    out.meta.threads = std::max(out.meta.threads, p.meta.threads);
    wall += p.meta.wall_seconds;
    agent_steps += p.meta.agent_steps_per_second * p.meta.wall_seconds;
  }
  out.meta.wall_seconds = wall;
  out.meta.agent_steps_per_second = wall > 0.0 ? agent_steps / wall : 0.0;

  out.paths.reserve(owner.size(), out.schema.finals.size(), out.schema.events.size());
  for (RunData& p : parts) {
    p.paths.visit([&](const PathResult& r) { out.paths.push_back(r); });
    p.paths.clear();
    out.bands.merge(p.bands);
  }
  out.paths.sort_by_id();
  return out;
}

}  // namespace stampede
