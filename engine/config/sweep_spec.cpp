#include "engine/config/sweep_spec.hpp"

#include <charconv>
#include <cmath>
#include <map>
#include <set>

#include "engine/config/detail.hpp"

namespace stampede::config {
namespace {

using detail::Origin;
using detail::Sink;

constexpr std::size_t kMaxPoints = 10000;

std::string scalar_text(const YAML::Node& n) {
  if (n.IsScalar()) return n.Scalar();
  YAML::Emitter e;
  e << YAML::Flow << n;
  return e.c_str();
}

// The value as a number when it is a plain (unquoted) number, else NaN (durations, choices).
double as_number(const YAML::Node& n) {
  if (!n.IsScalar() || n.Tag() == "!") return std::nan("");
  const std::string& s = n.Scalar();
  double x = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), x);
  return ec == std::errc() && ptr == s.data() + s.size() ? x : std::nan("");
}

std::string last_segment(const std::string& key) {
  const auto dot = key.rfind('.');
  return dot == std::string::npos ? key : key.substr(dot + 1);
}

// Short labels for a grid's keys: the last segment of each, or the whole key when two share it.
std::vector<std::string> labels_of(const std::vector<std::string>& keys) {
  std::vector<std::string> out;
  for (const auto& k : keys) out.push_back(last_segment(k));
  if (out.size() == 2 && out[0] == out[1]) out = keys;
  return out;
}

// Point names are used in --compare A,B: a comma inside one would be ambiguous.
std::string safe_name(std::string s) {
  for (char& c : s)
    if (c == ',') c = ';';
  return s;
}

class SweepParser {
 public:
  SweepParser(std::string source) : source_(std::move(source)), origin_{source_, true} {}

  Location at(const YAML::Node& n, const Location& fallback) const { return origin_.at(n, fallback); }

  void grid(const YAML::Node& g, const Location& where, SweepSpec& out) {
    if (!g.IsMap() || g.size() == 0) {
      sink.error(at(g, where), "sweep.grid", "expected a mapping of one or two keys to lists of values");
      return;
    }
    if (g.size() > 2) {
      sink.error(at(g, where), "sweep.grid", "at most two keys (a line or a heatmap); got " + std::to_string(g.size()));
      return;
    }
    std::vector<std::pair<std::string, std::vector<YAML::Node>>> axes;
    for (const auto& kv : g) {
      const std::string key = kv.first.Scalar();
      const Location kat = at(kv.first, where);
      if (!kv.second.IsSequence() || kv.second.size() == 0) {
        sink.error(at(kv.second, kat), "sweep.grid." + key,
                   "expected a non-empty list of values, got " + detail::describe_node(kv.second));
        return;
      }
      std::vector<YAML::Node> vals(kv.second.begin(), kv.second.end());
      axes.emplace_back(key, std::move(vals));
      out.keys.push_back(key);
    }
    const auto labels = labels_of(out.keys);
    const std::size_t n0 = axes[0].second.size(), n1 = axes.size() == 2 ? axes[1].second.size() : 1;
    if (n0 * n1 > kMaxPoints) {
      sink.error(at(g, where), "sweep.grid", "more than " + std::to_string(kMaxPoints) + " points");
      return;
    }
    for (std::size_t i = 0; i < n0; ++i)
      for (std::size_t j = 0; j < n1; ++j) {
        SweepPoint p;
        for (std::size_t a = 0; a < axes.size(); ++a) {
          const YAML::Node& v = axes[a].second[a == 0 ? i : j];
          p.overrides.push_back(NodeOverride{axes[a].first, v, at(v, where)});
          p.values.push_back(scalar_text(v));
          p.x.push_back(as_number(v));
          p.name += (a ? " " : "") + labels[a] + "=" + scalar_text(v);
        }
        p.name = safe_name(p.name);
        out.points.push_back(std::move(p));
      }
  }

  void points(const YAML::Node& list, const Location& where, SweepSpec& out) {
    if (!list.IsSequence() || list.size() == 0) {
      sink.error(at(list, where), "sweep.points", "expected a non-empty list of {name: ..., set: {key: value, ...}}");
      return;
    }
    if (list.size() > kMaxPoints) {
      sink.error(at(list, where), "sweep.points", "more than " + std::to_string(kMaxPoints) + " points");
      return;
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
      const YAML::Node item = list[i];
      const std::string key = "sweep.points[" + std::to_string(i) + "]";
      const Location iat = at(item, where);
      if (!item.IsMap()) {
        sink.error(iat, key, "expected {name: ..., set: {key: value, ...}}, got " + detail::describe_node(item));
        continue;
      }
      SweepPoint p;
      bool named = false;
      for (const auto& kv : item) {
        const std::string field = kv.first.Scalar();
        if (field == "name") {
          if (!kv.second.IsScalar() || kv.second.Scalar().empty() ||
              kv.second.Scalar().find_first_of(",/") != std::string::npos) {
            sink.error(at(kv.second, iat), key + ".name", "expected a name without ',' or '/'");
            continue;
          }
          p.name = kv.second.Scalar();
          named = true;
        } else if (field == "set") {
          if (kv.second.IsNull()) continue;  // the baseline: nothing changed
          if (!kv.second.IsMap()) {
            sink.error(at(kv.second, iat), key + ".set", "expected a mapping of keys to values");
            continue;
          }
          for (const auto& o : kv.second)
            p.overrides.push_back(NodeOverride{o.first.Scalar(), o.second, at(o.first, iat)});
        } else {
          sink.error(at(kv.first, iat), key + "." + field, "unknown key (expected name, set)");
        }
      }
      if (!named) sink.error(iat, key + ".name", "missing required key (each point needs a name)");
      out.points.push_back(std::move(p));
    }
  }

  std::size_t point_index(const SweepSpec& s, const std::string& name) const {
    for (std::size_t i = 0; i < s.points.size(); ++i)
      if (s.points[i].name == name) return i;
    return s.points.size();
  }

  void compare(const YAML::Node& list, const Location& where, SweepSpec& out) {
    if (!list.IsSequence()) {
      sink.error(at(list, where), "sweep.compare", "expected a list of pairs of point names, [[a, b], ...]");
      return;
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
      const YAML::Node pair = list[i];
      const std::string key = "sweep.compare[" + std::to_string(i) + "]";
      if (!pair.IsSequence() || pair.size() != 2 || !pair[0].IsScalar() || !pair[1].IsScalar()) {
        sink.error(at(pair, where), key, "expected a pair of point names [a, b]");
        continue;
      }
      const std::size_t a = point_index(out, pair[0].Scalar()), b = point_index(out, pair[1].Scalar());
      for (const auto& [idx, node] : {std::pair{a, pair[0]}, std::pair{b, pair[1]}})
        if (idx == out.points.size()) sink.error(at(node, where), key, unknown_point(out, node.Scalar()));
      if (a < out.points.size() && b < out.points.size()) {
        if (a == b) sink.error(at(pair, where), key, "compares a point with itself");
        else out.compare.emplace_back(a, b);
      }
    }
  }

  std::string unknown_point(const SweepSpec& s, const std::string& name) const {
    std::string names;
    for (std::size_t i = 0; i < s.points.size() && i < 12; ++i) names += (i ? ", " : "") + s.points[i].name;
    if (s.points.size() > 12) names += ", ...";
    return "no point named '" + name + "' (the points are: " + names + ")";
  }

  void check_names(const SweepSpec& s, const Location& where) {
    std::set<std::string> seen;
    for (const auto& p : s.points)
      if (!p.name.empty() && !seen.insert(p.name).second)
        sink.error(where, "sweep", "two points are named '" + p.name + "'");
  }

  Sink sink;

 private:
  std::string source_;
  Origin origin_;
};

void default_compare(SweepSpec& s) {
  if (!s.compare.empty()) return;
  for (std::size_t i = 1; i < s.points.size(); ++i) s.compare.emplace_back(0, i);
}

void throw_if(Sink& sink) {
  if (!sink.out.empty()) throw InputError(std::move(sink.out));
}

}  // namespace

SweepSpec sweep_from_text(const std::string& text, const std::string& source) {
  SweepSpec out;
  SweepParser parser(source);
  const auto root = detail::parse_document(text, source, parser.sink);
  if (!root || !root->IsMap() || !(*root)["sweep"]) return out;  // the scenario loader reports a bad file
  const YAML::Node block = (*root)["sweep"];
  Location where{source, 1, 1};
  for (const auto& kv : *root)
    if (kv.first.Scalar() == "sweep") where = parser.at(kv.first, where);
  if (!block.IsMap()) {
    parser.sink.error(parser.at(block, where), "sweep",
                      "expected a mapping with grid: {key: [values]} or points: [...], and optionally compare:");
    throw_if(parser.sink);
  }
  const YAML::Node grid = block["grid"], points = block["points"];
  for (const auto& kv : block) {
    const std::string k = kv.first.Scalar();
    if (k != "grid" && k != "points" && k != "compare")
      parser.sink.error(parser.at(kv.first, where), "sweep." + k, "unknown key (expected grid, points, compare)");
  }
  if (grid && points) parser.sink.error(where, "sweep", "give either grid or points, not both");
  else if (grid) parser.grid(grid, where, out);
  else if (points) parser.points(points, where, out);
  else parser.sink.error(where, "sweep", "give grid: {key: [values]} or points: [{name, set}, ...]");
  parser.check_names(out, where);
  throw_if(parser.sink);
  if (const YAML::Node c = block["compare"]) parser.compare(c, where, out);
  throw_if(parser.sink);
  default_compare(out);
  return out;
}

SweepSpec sweep_from_cli(SweepSpec spec, const std::vector<std::string>& over,
                         const std::vector<std::string>& compare) {
  SweepParser parser("--over");
  const Location at{"--over", 0, 0};
  if (!over.empty()) {
    YAML::Node grid(YAML::NodeType::Map);
    for (const auto& arg : over) {
      const auto eq = arg.find('=');
      if (eq == std::string::npos || eq == 0) {
        parser.sink.error(at, "", "expected KEY=[v1, v2, ...], got '" + arg + "'");
        continue;
      }
      const std::string key = arg.substr(0, eq);
      try {
        YAML::Node v = YAML::Load(arg.substr(eq + 1));
        if (grid[key]) parser.sink.error(at, key, "swept twice");
        grid[key] = v;
      } catch (const YAML::Exception& e) {
        parser.sink.error(at, key, "cannot read the values as YAML: " + e.msg);
      }
    }
    throw_if(parser.sink);
    spec = SweepSpec{};
    parser.grid(grid, at, spec);
    for (auto& p : spec.points)
      for (auto& o : p.overrides) o.at = at;
    throw_if(parser.sink);
  }
  if (!compare.empty()) {
    if (spec.empty()) throw InputError("--compare: there is no sweep (give --over KEY=[...] or a sweep: block)");
    spec.compare.clear();
    for (const auto& arg : compare) {
      const auto comma = arg.find(',');
      if (comma == std::string::npos) {
        parser.sink.error(Location{"--compare", 0, 0}, "", "expected A,B (two point names or indices), got '" + arg + "'");
        continue;
      }
      std::size_t idx[2];
      const std::string parts[2] = {arg.substr(0, comma), arg.substr(comma + 1)};
      bool ok = true;
      for (int k = 0; k < 2; ++k) {
        idx[k] = parser.point_index(spec, parts[k]);
        if (idx[k] == spec.points.size()) {
          std::size_t n = 0;
          const auto [ptr, ec] = std::from_chars(parts[k].data(), parts[k].data() + parts[k].size(), n);
          if (ec == std::errc() && ptr == parts[k].data() + parts[k].size() && n < spec.points.size()) idx[k] = n;
        }
        if (idx[k] == spec.points.size()) {
          parser.sink.error(Location{"--compare", 0, 0}, "", parser.unknown_point(spec, parts[k]));
          ok = false;
        }
      }
      if (ok && idx[0] == idx[1]) {
        parser.sink.error(Location{"--compare", 0, 0}, "", "compares a point with itself: '" + arg + "'");
        ok = false;
      }
      if (ok) spec.compare.emplace_back(idx[0], idx[1]);
    }
    throw_if(parser.sink);
  }
  default_compare(spec);
  return spec;
}

std::string override_text(const NodeOverride& o) { return o.key + "=" + scalar_text(o.value); }

}  // namespace stampede::config
