// `{dist: constant|uniform|uniform_int|normal|lognormal|beta|pareto, ..., min, max}` (engine.md
// "Configuration") -> Distribution. A bare number (or, for time-valued keys, a duration) is a
// constant. Location and scale parameters of time-valued keys are durations ("60d").
#include <algorithm>
#include <cmath>
#include <limits>

#include "engine/config/detail.hpp"
#include "engine/config/suggest.hpp"

namespace stampede::config::detail {

namespace {

struct ParamSpec {
  const char* name;
  bool required;
  bool timed;    // a duration when the key is time-valued
  bool integer;  // whole numbers (uniform_int bounds)
};

struct KindSpec {
  const char* name;
  DistKind kind;
  std::vector<ParamSpec> params;  // min and max are allowed for every kind
};

const std::vector<KindSpec>& kinds() {
  static const std::vector<KindSpec> k = {
      {"constant", DistKind::constant, {{"value", true, true, false}}},
      {"uniform", DistKind::uniform, {{"low", true, true, false}, {"high", true, true, false}}},
      {"uniform_int", DistKind::uniform_int, {{"low", true, false, true}, {"high", true, false, true}}},
      {"normal", DistKind::normal, {{"mean", true, true, false}, {"sd", true, true, false}}},
      // mu of ln X (default 0) or the median e^mu; sigma of ln X.
      {"lognormal", DistKind::lognormal, {{"mu", false, false, false}, {"median", false, true, false},
                                           {"sigma", true, false, false}}},
      {"beta", DistKind::beta, {{"a", true, false, false}, {"b", true, false, false}}},
      {"pareto", DistKind::pareto, {{"alpha", true, false, false}, {"scale", true, true, false}}},
  };
  return k;
}

std::vector<std::string> kind_names() {
  std::vector<std::string> out;
  for (const auto& k : kinds()) out.emplace_back(k.name);
  return out;
}

std::string join(const std::vector<std::string>& xs) {
  std::string s;
  for (std::size_t i = 0; i < xs.size(); ++i) s += (i ? ", " : "") + xs[i];
  return s;
}

double inf() { return std::numeric_limits<double>::infinity(); }

// Smallest and largest draw (after truncation), with whether each end is excluded.
struct Support {
  double lo, hi;
  bool lo_open, hi_open;
};

Support natural_support(const Distribution& d) {
  switch (d.kind) {
    case DistKind::constant: return {d.a, d.a, false, false};
    case DistKind::uniform:
    case DistKind::uniform_int: return {d.a, d.b, false, false};
    case DistKind::normal: return d.b == 0 ? Support{d.a, d.a, false, false} : Support{-inf(), inf(), true, true};
    case DistKind::lognormal: return {0.0, inf(), true, true};
    case DistKind::beta: return {0.0, 1.0, false, false};
    case DistKind::pareto: return {d.b, inf(), false, true};
  }
  return {-inf(), inf(), true, true};
}

}  // namespace

bool convert_distribution(const Param& p, const YAML::Node& node, const Origin& origin, const Location& key_loc,
                          Value& out, Sink& sink) {
  const DistSpec& spec = p.dist();
  const Location at = origin.at(node, key_loc);
  const std::string& path = p.path();
  Distribution d;
  std::string why;

  // A value that is itself a number (or duration): read one parameter.
  auto read = [&](const YAML::Node& n, bool timed, bool integer) -> std::optional<double> {
    if (timed && spec.time) {
      const auto s = read_duration(n, why, 0);
      return s ? std::optional<double>(static_cast<double>(*s)) : std::nullopt;
    }
    if (integer) {
      const auto i = read_integer(n, why);
      return i ? std::optional<double>(static_cast<double>(*i)) : std::nullopt;
    }
    return read_real(n, why);
  };

  if (node.IsScalar() && !node.IsNull()) {
    const auto v = read(node, true, false);
    if (!v) {
      sink.error(at, path, why + " (or a distribution {dist: ...})");
      return false;
    }
    d = Distribution::constant(*v);
  } else if (node.IsMap()) {
    const YAML::Node dn = node["dist"];
    if (!dn.IsDefined()) {
      sink.error(at, path, "missing 'dist' (one of " + join(kind_names()) + ")");
      return false;
    }
    const KindSpec* ks = nullptr;
    for (const auto& k : kinds())
      if (dn.IsScalar() && dn.Scalar() == k.name) ks = &k;
    if (!ks) {
      std::string msg = "unknown distribution " + describe_node(dn) + " (one of " + join(kind_names()) + ")";
      if (dn.IsScalar())
        if (const auto c = closest(dn.Scalar(), kind_names())) msg += "; did you mean '" + *c + "'?";
      sink.error(origin.at(dn, at), path + ".dist", msg);
      return false;
    }
    d.kind = ks->kind;
    std::vector<std::string> allowed;
    for (const auto& ps : ks->params) allowed.emplace_back(ps.name);
    allowed.emplace_back("min");
    allowed.emplace_back("max");
    bool ok = true;
    std::vector<std::string> seen;
    for (const auto& kv : node) {
      const std::string name = kv.first.IsScalar() ? kv.first.Scalar() : std::string("?");
      const Location kat = origin.at(kv.first, at);
      if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
        sink.error(kat, path + "." + name, "duplicate key");
        ok = false;
      } else if (name != "dist" && std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
        std::string msg = "unknown parameter for " + std::string(ks->name) + " (expected " + join(allowed) + ")";
        if (const auto c = closest(name, allowed)) msg += "; did you mean '" + *c + "'?";
        sink.error(kat, path + "." + name, msg);
        ok = false;
      }
      seen.push_back(name);
    }
    // Read the parameters into a by-name table.
    auto param = [&](const char* name, bool timed, bool integer, bool required) -> std::optional<double> {
      const YAML::Node n = node[name];
      if (!n.IsDefined()) {
        if (required) {
          sink.error(at, path + "." + name, std::string("missing parameter for ") + ks->name);
          ok = false;
        }
        return std::nullopt;
      }
      const auto v = read(n, timed, integer);
      if (!v) {
        sink.error(origin.at(n, at), path + "." + name, why);
        ok = false;
      }
      return v;
    };
    std::optional<double> vals[3];
    for (std::size_t i = 0; i < ks->params.size(); ++i) {
      const auto& ps = ks->params[i];
      vals[i] = param(ps.name, ps.timed, ps.integer, ps.required);
    }
    const auto lo = param("min", true, false, false);
    const auto hi = param("max", true, false, false);
    if (!ok) return false;
    auto bad = [&](const char* name, const std::string& msg) {
      const YAML::Node n = node[name];
      sink.error(n.IsDefined() ? origin.at(n, at) : at, path + "." + name, msg);
      ok = false;
    };
    switch (d.kind) {
      case DistKind::lognormal:
        if (vals[0] && vals[1]) bad("median", "give mu or median, not both");
        else if (vals[1] && !(*vals[1] > 0)) bad("median", "must be > 0, got " + format_number(*vals[1]));
        d.a = vals[1] ? std::log(*vals[1]) : vals[0].value_or(0.0);
        d.b = *vals[2];
        if (d.b < 0) bad("sigma", "must be >= 0, got " + format_number(d.b));
        break;
      default:
        d.a = vals[0].value_or(0.0);
        d.b = vals[1].value_or(0.0);
    }
    switch (d.kind) {
      case DistKind::uniform:
      case DistKind::uniform_int:
        if (d.a > d.b) bad("high", "must be >= low, got low " + format_number(d.a) + " > high " + format_number(d.b));
        break;
      case DistKind::normal:
        if (d.b < 0) bad("sd", "must be >= 0, got " + format_number(d.b));
        break;
      case DistKind::beta:
        if (!(d.a > 0)) bad("a", "must be > 0, got " + format_number(d.a));
        if (!(d.b > 0)) bad("b", "must be > 0, got " + format_number(d.b));
        break;
      case DistKind::pareto:
        if (!(d.a > 0)) bad("alpha", "must be > 0, got " + format_number(d.a));
        if (!(d.b > 0)) bad("scale", "must be > 0, got " + format_number(d.b));
        break;
      default: break;
    }
    if (lo) d.min = *lo;
    if (hi) d.max = *hi;
    if (lo && hi && *lo > *hi) bad("max", "must be >= min, got min " + format_number(*lo) + " > max " + format_number(*hi));
    if (!ok) return false;
  } else {
    sink.error(at, path, "expected a distribution {dist: " + join(kind_names()) + ", ...} or a number, got " +
                             describe_node(node));
    return false;
  }

  if (spec.integer && !(d.kind == DistKind::uniform_int ||
                        (d.kind == DistKind::constant && d.a == std::trunc(d.a)))) {
    sink.error(at, path, "must draw whole numbers: a constant integer or {dist: uniform_int, ...}");
    return false;
  }
  // Every draw, after truncation to [min, max], must be allowed (DistSpec::support).
  Support s = natural_support(d);
  if (d.min > s.lo) s = {d.min, s.hi, false, s.hi_open};
  if (d.max < s.hi) s = {s.lo, d.max, s.lo_open, false};
  if (s.lo > s.hi || (s.lo == s.hi && (s.lo_open || s.hi_open))) {
    sink.error(at, path, "min/max leave no possible value of the distribution");
    return false;
  }
  const Bounds& b = spec.support;
  const bool low_bad = b.lo && (s.lo < *b.lo || (s.lo == *b.lo && b.lo_open && !s.lo_open));
  const bool high_bad = b.hi && (s.hi > *b.hi || (s.hi == *b.hi && b.hi_open && !s.hi_open));
  if (low_bad || high_bad) {
    const std::string range = std::string(s.lo_open ? "(" : "[") + format_number(s.lo) + ", " + format_number(s.hi) +
                              (s.hi_open ? ")" : "]");
    sink.error(at, path, "draws must lie in " + b.str() + (spec.time ? " seconds" : "") + ", but this " +
                             to_string(d.kind) + " gives values in " + range +
                             (d.is_constant() ? "" : " (truncate with min/max)"));
    return false;
  }
  out = d;
  return true;
}

}  // namespace stampede::config::detail
