#pragma once
// Population layout and initial per-agent columns (agents.md "Population").
//
// Agents of one type are stored contiguously, types in the protocol's order, so a kernel runs
// over a type's range without branching on type. Per-agent columns are drawn from the path's
// `agent_init` stream: agent i's draws for column c come from
//   rng::Sequence(seed, path, Purpose::agent_init, /*step=*/c, /*lane=*/i)
// with i the agent's index in the path and c a fixed per-column constant (ColumnId), so adding a
// column, a type or changing the mix never shifts another column's draws of the same agent.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "engine/core/distribution.hpp"

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
void sample_column(const Distribution& d, std::uint64_t seed, std::uint64_t path,
                   std::uint32_t column, TypeRange range, double* out);
void sample_column(const Distribution& d, std::uint64_t seed, std::uint64_t path,
                   std::uint32_t column, TypeRange range, float* out);

// Scales x[range] (non-negative) so that its fixed-order sum (agents/fixed_sum.hpp) equals
// `total`: x_i <- x_i·(total/Σx), then the rounding residual total − Σx' is added to the largest
// element, so the sum after scaling equals total within 1e-12 relative (in practice to a few
// ulps). If Σx = 0 the total is split equally. Requires total >= 0 and x_i >= 0 (InputError).
void scale_to_total(double* x, TypeRange range, double total);

// out_i = total·w_i/Σw over the range, with the same residual correction as scale_to_total
// (so Σ out = total within 1e-12 relative). Σw = 0 splits equally. w_i >= 0 (InputError).
void split_pro_rata(const double* weights, TypeRange range, double total, double* out);

}  // namespace stampede::agents
