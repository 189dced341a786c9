#pragma once
// Population layout and initial per-agent columns (agents.md "Population").
//
// Agents of one type are stored contiguously, types in the protocol's order, so a kernel runs
// over a type's range without branching on type. Per-agent columns are drawn from the path's
// `agent_init` stream: agent i's draws for column c come from
//   rng::Sequence(seed, path, Purpose::agent_init, /*step=*/c, /*lane=*/i)
// with i the agent's index in the path and c a fixed per-column constant (ColumnId), so adding a
// column, a type or changing the mix never shifts another column's draws of the same agent.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "agents/behaviour.hpp"
#include "engine/core/aligned.hpp"
#include "engine/core/distribution.hpp"
#include "engine/random/stream.hpp"

namespace stampede::agents {

// Agents [begin, end) of the path.
struct TypeRange {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::size_t size() const noexcept { return end - begin; }
  bool empty() const noexcept { return end == begin; }
};

// The contiguous ranges of the types of one population.
class TypeRanges {
 public:
  TypeRanges() = default;
  // Type k gets floor(mix[k]·n) agents; the remainder (n − Σ floors, fewer than the number of
  // types) goes to the FIRST type, so counts sum to n exactly and every type but the first gets
  // exactly its floor. mix must be non-negative with sum 1 (within 1e-9); InputError otherwise.
  static TypeRanges from_mix(std::span<const double> mix, std::size_t n);
  // From explicit counts, in order.
  static TypeRanges from_counts(std::span<const std::size_t> counts);

  std::size_t types() const noexcept { return ranges_.size(); }
  std::size_t total() const noexcept { return ranges_.empty() ? 0 : ranges_.back().end; }
  const TypeRange& operator[](std::size_t k) const noexcept { return ranges_[k]; }
  std::span<const TypeRange> all() const noexcept { return ranges_; }

 private:
  std::vector<TypeRange> ranges_;
};

// Per-column constants of the agent_init stream (the `step` word). Fixed forever: a new column
// takes a new number. Protocol-specific columns use protocol_base + k.
struct ColumnId {
  static constexpr std::uint32_t wealth = 1;
  static constexpr std::uint32_t sensitivity = 2;  // h_i
  static constexpr std::uint32_t attention = 3;    // rho_i
  static constexpr std::uint32_t bias(std::uint32_t action) { return 16 + action; }      // b_i(a)
  static constexpr std::uint32_t fraction(std::uint32_t action) { return 32 + action; }  // f_i(a)
  static constexpr std::uint32_t protocol_base = 256;
};

// Draws out[i] ~ d for the agents i in `range` (out is indexed by agent, i.e. out[range.begin] is
// the first written). Truncation bounds of d are honoured by the sampler
// (engine/random/distributions.hpp). Call at path start only.
void sample_column(const Distribution& d, const rng::PathKey& key, std::uint32_t column, TypeRange range, double* out);
void sample_column(const Distribution& d, const rng::PathKey& key, std::uint32_t column, TypeRange range, float* out);

// Scales x[range] (non-negative) so that its fixed-order sum (agents/fixed_sum.hpp) equals
// `total`: x_i <- x_i·(total/Σx), then the rounding residual total − Σx' is added to the largest
// element, so the sum after scaling equals total within 1e-12 relative (in practice to a few
// ulps). If Σx = 0 the total is split equally. Requires total >= 0 and x_i >= 0 (InputError).
void scale_to_total(double* x, TypeRange range, double total);

// out_i = total·w_i/Σw over the range, with the same residual correction as scale_to_total
// (so Σ out = total within 1e-12 relative). Σw = 0 splits equally. w_i >= 0 (InputError).
void split_pro_rata(const double* weights, TypeRange range, double total, double* out);

// The status byte every agent carries (one uint8 column): the action chosen in the last
// decision (code = index + 1 in the type's choice order, 0 = hold) until it is settled, the
// exited state (agents.md "Exit and re-entry") and four bits a protocol may use for its own flags.
inline constexpr std::uint8_t kActionCodeMask = 0x07;
inline constexpr std::uint8_t kExitedBit = 0x80;
inline constexpr std::uint8_t kProtocolFlagShift = 3;  // bits 3..6
inline constexpr std::uint64_t kActionCodes8 = 0x0707070707070707ull;  // the code bits of 8 status bytes
inline constexpr std::uint64_t kExited8 = 0x8080808080808080ull;

// Where f_i(a) lives: the non-constant fractions of a type share float columns 0, 1, ... (a
// population stores the most any type needs, not one per action); constant ones are scalars.
struct FractionLayout {
  int column[kMaxTypes][kMaxActions];  // -1: constant
  double constant[kMaxTypes][kMaxActions];
  int columns = 0;                     // the most any type uses
  int type_columns[kMaxTypes] = {};    // how many type t uses
};

// The per-agent behaviour columns of one path (agents.md "Heterogeneity in compact form"): h_i,
// ρ_i, a bias b_i(a) per action slot, the random fractions, and the status byte. The protocol's
// own holdings live in its own SoA struct, indexed the same way.
// A slot column (bias of action slot a, fraction column c) covers agents [0, end of the last type
// that uses it) and no more: types with fewer actions than the most cost no memory for the slots
// they lack when they come last (a protocol orders its types so, e.g. K9's vesters first).
struct Population {
  TypeRanges ranges;
  FractionLayout layout{};
  AlignedArray<float> sensitivity, attention;          // h_i, ρ_i
  std::array<AlignedArray<float>, kMaxActions> bias;    // b_i(a) for action slot a of the agent's type
  std::array<AlignedArray<float>, kMaxActions> frac;    // shared random-fraction columns (layout)
  AlignedArray<std::uint8_t> status;

  Population() = default;
  // n agents split by the behaviour's mix; every column drawn from the agent_init stream of `key`.
  Population(const Behaviour& b, std::size_t n, const rng::PathKey& key);

  std::size_t size() const { return status.size(); }
  double fraction(int type, int action, std::size_t i) const {
    const int c = layout.column[type][action];
    return c < 0 ? layout.constant[type][action] : static_cast<double>(frac[static_cast<std::size_t>(c)][i]);
  }
  // Bytes per agent of these columns for a behaviour at its declared mix (the memory estimate made
  // before a run), rounded up.
  static std::size_t bytes_per_agent(const Behaviour& b);
};

// The fraction layout of a behaviour: each type's random fractions take columns 0, 1, ...
FractionLayout fraction_layout(const Behaviour& b);

}  // namespace stampede::agents
