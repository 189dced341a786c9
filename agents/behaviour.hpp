#pragma once
// The common behaviour (discrete-choice) model of agents.md "The behaviour model":
//   score_i(a) = h_i·c(a) + k(a) + Σ_j v_j(a)·x_ij + b_i(a),   c(a) = Σ_k w_k(a)·s_k
//   P_i(a)     = ρ_i·σ(score_i(a)/T),  0 where the protocol masks a
// Per type: the actions in choice order, mean weights, temperature, re-entry, which action is the
// exit (params, frozen for the run). Per agent: h_i, ρ_i, b_i(a) as float columns and the
// exited flag (state, SoA). The kernel is in agents/decide.hpp.
//
// k(a) is an optional per-step term added WITHOUT the h_i scaling, for signals a protocol spec
// puts among the own terms (e.g. ksn.md's bond term (d − d_req_i)·100: k = 100·d, x = d_req_i,
// v = −100).
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace stampede::agents {

inline constexpr std::size_t kMaxActions = 4;
inline constexpr std::size_t kMaxSignals = 16;
inline constexpr std::size_t kMaxOwnTerms = 4;

// Action codes written per agent: 0 = hold, action index a (choice order) -> a + 1.
inline constexpr std::uint8_t kHold = 0;
constexpr std::uint8_t action_code(std::size_t a) { return static_cast<std::uint8_t>(a + 1); }

struct TypeBehaviour {
  std::size_t actions = 0;  // m <= kMaxActions, in the protocol table's order
  int exit_action = -1;     // index of the type's exit action; -1: the type has none
  double temperature = 1.0; // T > 0
  double reentry = 0.0;     // per-step re-entry probability of an exited agent, in [0, 1]
  std::size_t signals = 0;  // number of common signals s_k used
  std::array<std::array<double, kMaxSignals>, kMaxActions> w{};   // w[a][k]
  std::size_t own_terms = 0;                                      // number of own terms x_ij
  std::array<std::array<double, kMaxOwnTerms>, kMaxActions> v{};  // v[a][j]
  // Bit j set: own term j is 0 in a re-entry decision (agents.md: the cost basis is reset on
  // re-entry, so pnl_i = 0 in that decision). The protocol resets the stored basis itself.
  std::uint8_t own_zero_on_reentry = 0;

  // Throws InputError naming the first bad field.
  void validate() const;
};

// c(a) = Σ_k w_k(a)·s_k for a < actions (k in increasing order); 0 beyond. Once per step.
std::array<double, kMaxActions> common_part(const TypeBehaviour& type, std::span<const double> signals);

// Per-agent behaviour columns, indexed by the agent's index in the path.
struct BehaviourColumns {
  const float* sensitivity = nullptr;                  // h_i
  const float* attention = nullptr;                    // ρ_i
  std::array<const float*, kMaxActions> bias{};        // b_i(a); may alias (one bias per type)
  std::array<const float*, kMaxOwnTerms> own{};        // x_ij (pnl, claimable, ...)
  std::uint8_t* exited = nullptr;                      // 0/1; decide updates it
};

}  // namespace stampede::agents
