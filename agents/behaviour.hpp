#pragma once
// A protocol's behaviour parameters as the scenario resolved them (agents.md "The behaviour
// model"), built from its declaration (agents/declaration.hpp): the keys are declared into the
// scenario schema once (defaults, ranges, `stampede list` text) and read back here. Frozen for
// the run; read once per path start, never inside a step loop.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "agents/declaration.hpp"
#include "engine/config/schema.hpp"
#include "engine/config/values.hpp"

namespace stampede::agents {

struct ActionParams {
  std::string name;
  bool exit = false;
  Distribution bias, fraction;
  std::array<double, kMaxSignals> w{};  // w_k(a)
  std::array<double, kMaxOwn> v{};      // v_j(a)
};

struct TypeParams {
  std::string name;
  double mix = 0;
  Distribution attention, sensitivity;
  double temperature = 1.0;
  bool has_exit_state = true;
  double reentry = 0.0;
  long fixed_count = -1;  // agents of this type, or -1: the mix share decides
  int actions = 0;
  unsigned exit_mask = 0;  // bit a: action a is an exit (a type may have several, k9.md §6)
  bool is_exit(int a) const { return (exit_mask >> a) & 1u; }
  std::array<ActionParams, kMaxActions> action;
};

struct Behaviour {
  int types = 0, signals = 0, own = 0;
  std::array<TypeParams, kMaxTypes> type;
  std::array<SignalDecl, kMaxSignals> signal{};
  std::array<OwnDecl, kMaxOwn> own_term{};
  int max_actions() const;
};

// Adds agents.mix.<type> (with the sum-to-1 check), agents.<type>.{attention, sensitivity,
// temperature, reentry} and agents.<type>.<action>.{bias, fraction, w.<signal>, v.<own>}.
void declare_behaviour(config::Schema& schema, const BehaviourDecl& decl);
// The resolved values of those keys (std::logic_error if the declaration exceeds the k* limits).
Behaviour read_behaviour(const config::Values& values, const BehaviourDecl& decl);

// The per-step part of every score, once per step (agents.md "The behaviour model"):
//   common[t][a]  = Σ_k w_k(a)·s_k(t) over the signals h_i scales   (s_k(t): signal k as type t sees it)
//   fixed[t][a]   = Σ_k w_k(a)·s_k(t) over the signals it does not (SignalDecl::scaled = false)
//   own_max[t][a] = Σ_j max over x_j in [lo_j, hi_j] of v_j(a)·x_j   (+inf if unbounded)
// so that score_i(a) = h_i·common + fixed + Σ_j v_j·x_ij + b_i(a).
struct StepCoefficients {
  double common[kMaxTypes][kMaxActions] = {};
  double fixed[kMaxTypes][kMaxActions] = {};
  double own_max[kMaxTypes][kMaxActions] = {};
  double inv_temp[kMaxTypes] = {};
};

// `signals[k]` for computed signals; herding signals from `exit_share[t]` (the previous step's
// exit share of each type). `own_lo/own_hi` are the own-term ranges of this step (the declared
// ones unless the protocol narrows them).
void step_coefficients(const Behaviour& b, const double* signals, const double* exit_share, const double* own_lo,
                       const double* own_hi, StepCoefficients& out);

}  // namespace stampede::agents
