#include "engine/config/sensitivity_spec.hpp"

#include <cmath>

#include <fmt/format.h>

#include <string_view>

#include "engine/config/detail.hpp"

namespace stampede::config {

bool glob_match(const std::string& pattern, const std::string& text) {
  // Iterative matcher with one backtrack point (the last `*`).
  std::size_t p = 0, t = 0, star = std::string::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool is_behaviour_parameter(const Param& p) {
  const std::string& k = p.path();
  const bool real = p.kind() == Kind::real && !p.is_nullable();
  const bool dist = p.kind() == Kind::distribution && !p.dist().time && !p.dist().integer;
  return (real || dist) && k.rfind("agents.", 0) == 0 && k.rfind("agents.init.", 0) != 0;
}

namespace {

struct DistField {
  const char* name;
  double value;
};

// The movable fields of a distribution, in its syntax's names (lognormal by its median e^mu, so
// that a relative step scales the draws rather than moving mu by a fraction of itself). Empty for
// uniform_int.
std::vector<DistField> dist_fields(const Distribution& d) {
  switch (d.kind) {
    case DistKind::constant: return {{"value", d.a}};
    case DistKind::uniform: return {{"low", d.a}, {"high", d.b}};
    case DistKind::uniform_int: return {};
    case DistKind::normal: return {{"mean", d.a}, {"sd", d.b}};
    case DistKind::lognormal: return {{"median", std::exp(d.a)}, {"sigma", d.b}};
    case DistKind::beta: return {{"a", d.a}, {"b", d.b}};
    case DistKind::pareto: return {{"alpha", d.a}, {"scale", d.b}};
  }
  return {};
}

// Shortest text that reads back as the same double.
std::string number_text(double x) { return fmt::format("{}", x); }

}  // namespace

std::vector<BehaviourParam> behaviour_params(const Values& v) {
  std::vector<BehaviourParam> out;
  for (const auto& param : v.schema().params()) {
    if (!is_behaviour_parameter(*param)) continue;
    const std::string& key = param->path();
    if (param->kind() == Kind::real) {
      out.push_back(BehaviourParam{key, key, "", v.real(key)});
      continue;
    }
    for (const DistField& f : dist_fields(v.distribution(key)))
      out.push_back(BehaviourParam{key + "." + f.name, key, f.name, f.value});
  }
  return out;
}

std::string moved_value_text(const Values& v, const BehaviourParam& p, double x) {
  if (p.field.empty()) return number_text(x);
  const Distribution& d = v.distribution(p.key);
  std::string s = std::string("{dist: ") + to_string(d.kind);
  for (const DistField& f : dist_fields(d)) {
    const bool moved = f.name == p.field;
    // An unmoved lognormal location is written as its mu, exactly as resolved.
    if (d.kind == DistKind::lognormal && !moved && std::string_view(f.name) == "median") s += ", mu: " + number_text(d.a);
    else s += std::string(", ") + f.name + ": " + number_text(moved ? x : f.value);
  }
  if (std::isfinite(d.min)) s += ", min: " + number_text(d.min);
  if (std::isfinite(d.max)) s += ", max: " + number_text(d.max);
  return s + "}";
}

std::optional<std::pair<double, double>> sensitivity_values(const SensitivitySpec& s, double value) {
  if (value == 0.0 && s.abs_step == 0.0) return std::nullopt;
  const double h = value == 0.0 ? s.abs_step : s.step * std::fabs(value);
  return std::pair{value - h, value + h};
}

namespace {

std::vector<std::string> text_list(const YAML::Node& n, const std::string& key, const detail::Origin& origin,
                                   const Location& where, detail::Sink& sink) {
  std::vector<std::string> out;
  if (n.IsScalar()) {
    out.push_back(n.Scalar());
    return out;
  }
  if (!n.IsSequence()) {
    sink.error(origin.at(n, where), key, "expected a list of names, got " + detail::describe_node(n));
    return out;
  }
  for (const auto& item : n) {
    if (!item.IsScalar()) sink.error(origin.at(item, where), key, "expected a name, got " + detail::describe_node(item));
    else out.push_back(item.Scalar());
  }
  return out;
}

void check_steps(const SensitivitySpec& s, const Location& at, detail::Sink& sink) {
  if (!(s.step > 0 && s.step <= 1)) sink.error(at, "sensitivity.step", "must be in (0, 1] (a relative step)");
  if (!(s.abs_step >= 0) || !std::isfinite(s.abs_step))
    sink.error(at, "sensitivity.abs_step", "must be 0 (zero-valued parameters stay) or a positive number");
}

}  // namespace

SensitivitySpec sensitivity_from_text(const std::string& text, const std::string& source) {
  SensitivitySpec s;
  detail::Sink sink;
  const auto root = detail::parse_document(text, source, sink);
  if (!root || !root->IsMap() || !(*root)["sensitivity"]) return s;
  const detail::Origin origin{source, true};
  Location where{source, 1, 1};
  for (const auto& kv : *root)
    if (kv.first.Scalar() == "sensitivity") where = origin.at(kv.first, where);
  s.present = true;
  s.at = where;
  const YAML::Node block = (*root)["sensitivity"];
  if (!block.IsNull() && !block.IsMap()) {
    sink.error(origin.at(block, where), "sensitivity", "expected a mapping (params, step, abs_step, finals)");
    throw InputError(std::move(sink.out));
  }
  if (block.IsMap())
    for (const auto& kv : block) {
      const std::string k = kv.first.Scalar();
      const Location at = origin.at(kv.second, origin.at(kv.first, where));
      std::string why;
      if (k == "params") {
        s.patterns = text_list(kv.second, "sensitivity.params", origin, where, sink);
      } else if (k == "finals") {
        s.finals = text_list(kv.second, "sensitivity.finals", origin, where, sink);
      } else if (k == "step" || k == "abs_step") {
        const auto v = detail::read_real(kv.second, why);
        if (!v) sink.error(at, "sensitivity." + k, why);
        else (k == "step" ? s.step : s.abs_step) = *v;
      } else {
        sink.error(origin.at(kv.first, where), "sensitivity." + k,
                   "unknown key (expected params, step, abs_step, finals)");
      }
    }
  check_steps(s, where, sink);
  if (!sink.out.empty()) throw InputError(std::move(sink.out));
  return s;
}

SensitivitySpec sensitivity_from_cli(SensitivitySpec s, const std::vector<std::string>& params,
                                     const std::optional<double>& step, const std::optional<double>& abs_step,
                                     const std::vector<std::string>& finals) {
  if (!s.present) s.at = Location{"--params", 0, 0};
  s.present = true;
  if (!params.empty()) s.patterns = params;
  if (step) s.step = *step;
  if (abs_step) s.abs_step = *abs_step;
  if (!finals.empty()) s.finals = finals;
  detail::Sink sink;
  check_steps(s, Location{"--step", 0, 0}, sink);
  if (!sink.out.empty()) throw InputError(std::move(sink.out));
  return s;
}

}  // namespace stampede::config
