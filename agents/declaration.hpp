#pragma once
// What a protocol declares about its agents (framework: "a declaration of its agent types, each
// type's actions, signals and own terms"): the engine builds the behaviour keys, their defaults
// and `stampede list` text, the per-agent parameter columns and the decision from it.
//
// The behaviour model (agents.md "The behaviour model"):
//   score_i(a) = h_i·Σ_k w_k(a)·s_k + Σ_j v_j(a)·x_ij + b_i(a)
//   P_i(a)     = ρ_i·σ(score_i(a)/T),   0 where the protocol masks a
// s_k are the common signals of the step (one value per type: herding signals differ by type),
// x_ij the agent's own terms, w, v, T, the bias and fraction distributions come from the
// declaration's defaults and the scenario (`agents.<type>.<action>.w.<signal>` ...).
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/core/distribution.hpp"

namespace stampede::agents {

inline constexpr std::size_t kMaxTypes = 8;
// An action code is 3 bits of the status byte (agents/population.hpp), 0 = hold: 7 actions at most.
inline constexpr std::size_t kMaxActions = 7;
inline constexpr std::size_t kMaxSignals = 16;
inline constexpr std::size_t kMaxOwn = 8;

// How the engine fills a signal. `computed`: the protocol computes it each step. The herding
// signals (agents.md: exit_frac = the previous step's share of the type's agents that chose the
// type's exit action) are filled by the engine: `own_exit` is the deciding agent's own type's
// share (KAI's exit_frac), `exit_of` the share of one named type (KSN's exit_staker, ...).
enum class SignalKind : std::uint8_t { computed, own_exit, exit_of };

struct SignalDecl {
  std::string_view name;
  std::string_view doc;
  SignalKind kind = SignalKind::computed;
  int type = -1;  // for exit_of: the type whose exit share this is
  // The agent's sensitivity h_i scales w_k·s_k unless this is false (a protocol spec may leave a
  // signal, e.g. Klima 2.0's herding `exit_prev`, outside h_i's reach: then it acts like an own term).
  bool scaled = true;
};

// An own term x_ij with the range its values stay in. The range makes the decision's exact skip
// possible (an upper bound of Σ_a P_i(a) from h_i, ρ_i and b_i alone): it must hold for every
// agent, every step (the engine checks it whenever it evaluates the term).
struct OwnDecl {
  std::string_view name;
  std::string_view doc;
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
};

struct ActionDecl {
  std::string_view name;
  std::string_view doc;   // what the action does ("sell f_i of kai")
  bool exit = false;      // an exit action of the type (counted in its exit share; sets the exited state)
  double bias_mean = 0;   // b_i(a) ~ normal(bias_mean, BehaviourDecl::bias_sd) unless the scenario says otherwise
  Distribution fraction = Distribution::constant(1.0);  // f_i(a)
  std::vector<std::pair<int, double>> w;  // default common-signal weights (signal index, weight)
  std::vector<std::pair<int, double>> v;  // default own-term weights (own index, weight)
  // The action always takes the whole holding (a contract call without an amount, e.g. K9's claim
  // or RYS withdraw(false)): no `.fraction` key, f_i(a) = 1.
  bool whole = false;
  // The spread of b_i(a): < 0 takes BehaviourDecl::bias_sd; 0 gives every agent the mean (a
  // constant, e.g. hokusai's single owner).
  double bias_sd = -1;
};

struct TypeDecl {
  std::string_view name;
  double mix = 0;                                            // default agents.mix.<type>
  Distribution attention = Distribution::uniform(0.05, 0.25);  // ρ_i
  Distribution sensitivity = Distribution::lognormal(0.0, 0.5);  // h_i
  double temperature = 1.0;
  // agents.md "Exit and re-entry": an agent that chose the exit action holds until it re-enters
  // with this per-step probability. A protocol whose types have no exited state (ksn.md §6) says
  // has_exit_state = false: there is then no `reentry` key and the exit only counts for herding.
  bool has_exit_state = true;
  double reentry = 0.0;
  std::vector<ActionDecl> actions;  // choice order
  std::vector<int> own;             // own terms this type has keys for (`.v.<own>`)
  // A type with a fixed number of agents (hokusai's one model owner): `agents.<type>.count`
  // instead of a mix share; -1 = a share of the population (`agents.mix.<type>`).
  long fixed_count = -1;
};

struct BehaviourDecl {
  double bias_sd = 1.0;  // the default spread of every b_i(a) (the protocol spec's calibration)
  std::vector<SignalDecl> signals;
  std::vector<OwnDecl> own;
  std::vector<TypeDecl> types;  // storage order: agents of type k are contiguous, types in this order
};

}  // namespace stampede::agents
