#include "agents/behaviour.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace stampede::agents {
namespace {

using config::Bounds;

std::string key(std::string_view a, std::string_view b) { return std::string(a) + "." + std::string(b); }

void check_limits(const BehaviourDecl& d) {
  if (d.types.empty() || d.types.size() > kMaxTypes || d.signals.size() > kMaxSignals || d.own.size() > kMaxOwn)
    throw std::logic_error("behaviour declaration exceeds the engine's limits (types, signals, own terms)");
  for (const auto& t : d.types) {
    if (t.actions.empty() || t.actions.size() > kMaxActions)
      throw std::logic_error("behaviour declaration: type " + std::string(t.name) + " needs 1 to " +
                             std::to_string(kMaxActions) + " actions");
  }
}

std::string signal_doc(const SignalDecl& s) {
  return "mean weight of the common signal `" + std::string(s.name) + "` (" + std::string(s.doc) + ")";
}

}  // namespace

int Behaviour::max_actions() const {
  int m = 0;
  for (int t = 0; t < types; ++t) m = std::max(m, type[static_cast<std::size_t>(t)].actions);
  return m;
}

void declare_behaviour(config::Schema& s, const BehaviourDecl& d) {
  check_limits(d);
  std::vector<std::string> mix_keys;
  for (const auto& t : d.types) {
    if (t.fixed_count >= 0) {
      s.integer(key("agents", t.name) + ".count", t.fixed_count, Bounds::closed(0, 1e6)).doc("agents of this type (a fixed number)");
      continue;
    }
    s.real(key("agents.mix", t.name), t.mix, Bounds::closed(0, 1)).doc("fraction of the other agents of this type");
    mix_keys.push_back(key("agents.mix", t.name));
  }
  s.check([mix_keys](const config::Values& v, config::Reporter& r) {
    double sum = 0;
    for (const auto& k : mix_keys) sum += v.real(k);
    if (!mix_keys.empty() && std::abs(sum - 1.0) > 1e-9)
      r.error(mix_keys.front(), "agents.mix: the type fractions must sum to 1, got " + config::format_number(sum));
  });
  for (const auto& t : d.types) {
    const std::string base = key("agents", t.name);
    s.distribution(base + ".attention", t.attention, {Bounds::closed(0, 1)}).doc("ρ_i: probability of looking each step");
    s.distribution(base + ".sensitivity", t.sensitivity, {Bounds::at_least(0)})
        .doc("h_i: scales the common-signal weights (w_ik = h_i·w_k)");
    s.real(base + ".temperature", t.temperature, Bounds::above(0)).doc("logit temperature T");
    if (t.has_exit_state)
      s.real(base + ".reentry", t.reentry, Bounds::closed(0, 1)).unit("per step").doc("re-entry probability of an exited agent");
    for (const auto& a : t.actions) {
      const std::string ab = base + "." + std::string(a.name);
      const double sd = a.bias_sd < 0 ? d.bias_sd : a.bias_sd;
      s.distribution(ab + ".bias", sd > 0 ? Distribution::normal(a.bias_mean, sd) : Distribution::constant(a.bias_mean))
          .doc("b_i(a), the agent's own bias for `" + std::string(a.name) + "`: " + std::string(a.doc));
      if (!a.whole)
        s.distribution(ab + ".fraction", a.fraction, {Bounds::closed(0, 1)}).doc("f_i(a): fraction of the holding acted on");
      for (std::size_t k = 0; k < d.signals.size(); ++k) {
        double w = 0;
        for (auto [sig, x] : a.w)
          if (sig == static_cast<int>(k)) w = x;
        s.real(ab + ".w." + std::string(d.signals[k].name), w).doc(signal_doc(d.signals[k]));
      }
      for (int j : t.own) {
        double v = 0;
        for (auto [o, x] : a.v)
          if (o == j) v = x;
        const auto& od = d.own[static_cast<std::size_t>(j)];
        s.real(ab + ".v." + std::string(od.name), v).doc("own-term weight of `" + std::string(od.name) + "` (" + std::string(od.doc) + ")");
      }
    }
  }
}

Behaviour read_behaviour(const config::Values& v, const BehaviourDecl& d) {
  check_limits(d);
  Behaviour b;
  b.types = static_cast<int>(d.types.size());
  b.signals = static_cast<int>(d.signals.size());
  b.own = static_cast<int>(d.own.size());
  for (std::size_t k = 0; k < d.signals.size(); ++k) b.signal[k] = d.signals[k];
  for (std::size_t j = 0; j < d.own.size(); ++j) b.own_term[j] = d.own[j];
  for (std::size_t ti = 0; ti < d.types.size(); ++ti) {
    const TypeDecl& td = d.types[ti];
    TypeParams& t = b.type[ti];
    const std::string base = key("agents", td.name);
    t.name = std::string(td.name);
    t.fixed_count = td.fixed_count >= 0 ? static_cast<long>(v.integer(base + ".count")) : -1;
    t.mix = td.fixed_count >= 0 ? 0.0 : v.real(key("agents.mix", td.name));
    t.attention = v.distribution(base + ".attention");
    t.sensitivity = v.distribution(base + ".sensitivity");
    t.temperature = v.real(base + ".temperature");
    t.has_exit_state = td.has_exit_state;
    t.reentry = td.has_exit_state ? v.real(base + ".reentry") : 1.0;
    t.actions = static_cast<int>(td.actions.size());
    for (std::size_t ai = 0; ai < td.actions.size(); ++ai) {
      const ActionDecl& ad = td.actions[ai];
      ActionParams& a = t.action[ai];
      const std::string ab = base + "." + std::string(ad.name);
      a.name = std::string(ad.name);
      a.exit = ad.exit;
      if (ad.exit) t.exit_mask |= 1u << ai;
      a.bias = v.distribution(ab + ".bias");
      a.fraction = ad.whole ? Distribution::constant(1.0) : v.distribution(ab + ".fraction");
      for (std::size_t k = 0; k < d.signals.size(); ++k) a.w[k] = v.real(ab + ".w." + std::string(d.signals[k].name));
      for (int j : td.own) a.v[static_cast<std::size_t>(j)] = v.real(ab + ".v." + std::string(d.own[static_cast<std::size_t>(j)].name));
    }
  }
  return b;
}

void step_coefficients(const Behaviour& b, const double* signals, const double* exit_share, const double* own_lo,
                       const double* own_hi, StepCoefficients& out) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  for (int ti = 0; ti < b.types; ++ti) {
    const TypeParams& t = b.type[static_cast<std::size_t>(ti)];
    out.inv_temp[ti] = 1.0 / t.temperature;
    for (int ai = 0; ai < t.actions; ++ai) {
      const ActionParams& a = t.action[static_cast<std::size_t>(ai)];
      double c = 0.0, f = 0.0;
      for (int k = 0; k < b.signals; ++k) {
        const SignalDecl& sd = b.signal[static_cast<std::size_t>(k)];
        const double s = sd.kind == SignalKind::computed ? signals[k]
                         : sd.kind == SignalKind::own_exit ? exit_share[ti]
                                                           : exit_share[sd.type];
        // agents.md Σ_k w_k(a)·s_k, k in increasing order
        (sd.scaled ? c : f) += a.w[static_cast<std::size_t>(k)] * s;
      }
      out.common[ti][ai] = c;
      out.fixed[ti][ai] = f;
      double m = 0.0;
      for (int j = 0; j < b.own; ++j) {
        const double vj = a.v[static_cast<std::size_t>(j)];
        if (vj == 0.0) continue;
        const double bound = vj > 0 ? vj * own_hi[j] : vj * own_lo[j];  // max of v·x over [lo, hi]
        m += std::isnan(bound) ? inf : bound;
      }
      out.own_max[ti][ai] = m;
    }
  }
}

}  // namespace stampede::agents
