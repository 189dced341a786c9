#pragma once
// A streaming accumulator for the fixed reduction order of kernels/reduce.hpp (engine.md:
// reductions over agents use a fixed block size and combine tree, so SIMD width, block splits and
// threads do not change sums). decide needs several sums per agent (one per action) from one
// pass, which reduce_blocks_simd's one-term-per-agent callback does not give, so it keeps the
// lanes here, in exactly that order:
//   block = i / 4096 and lane = i % 8 for the agent with index i in the path (column base);
//   lane l of a block adds its agents' values in increasing i;
//   a block's partial is kernels::fold_lanes: ((l0 + l1) + (l2 + l3)) + ((l4 + l5) + (l6 + l7));
//   the total adds the block partials in block order, starting from 0 (kernels::OrderedSum).
// A SIMD kernel holding the 8 lanes in registers (one 8-double batch on AVX-512, two 4-double
// batches on AVX2) does exactly the same additions as the scalar add() below, so results are
// bitwise identical; adding an exact 0.0 for a lane without a value leaves the lane unchanged.
// The state carries the open block, so a range may be fed in any number of consecutive chunks.
#include <cstddef>
#include <cstdint>

#include "kernels/reduce.hpp"

namespace stampede::agents {

inline constexpr std::size_t kSumBlock = kernels::kReduceBlock;  // 4096
inline constexpr std::size_t kSumLanes = kernels::kReduceLanes;  // 8

struct FixedSum {
  double lanes[kSumLanes] = {};            // the open block's lane sums
  std::size_t block = 0;                  // index of the open block
  double closed = 0.0;                    // sum of the blocks before `block`

  // Closes blocks up to (not including) `b`; a no-op when `b` is the open block.
  void advance_to_block(std::size_t b) noexcept {
    if (b == block) return;
    closed += kernels::fold_lanes(lanes);
    for (double& l : lanes) l = 0.0;
    block = b;
  }
  // Adds `value` for agent i (its index in the path); indices must not decrease.
  void add(std::size_t i, double value) noexcept {
    advance_to_block(i / kSumBlock);
    lanes[i % kSumLanes] += value;
  }
  // Adds the values of agents [i, i + width) (i a multiple of the width, as the fused pass's
  // batches are): the same additions, lane by lane, as `add` for each of them.
  template <class Batch>
  void add_batch(std::size_t i, Batch value) noexcept {
    advance_to_block(i / kSumBlock);
    double* lane = lanes + i % kSumLanes;
    (Batch::load_unaligned(lane) + value).store_unaligned(lane);
  }

  // The total so far (closed blocks plus the open one), without changing the state.
  double value() const noexcept { return closed + kernels::fold_lanes(lanes); }
};

// The fixed-order sum of x[i] over agents i in [begin, end) (x indexed by agent).
inline double fixed_sum(const double* x, std::size_t begin, std::size_t end) noexcept {
  kernels::OrderedSum sum;
  kernels::reduce_blocks_scalar(begin, end, [x](std::size_t i) { return x[i]; }, sum);
  return sum.total;
}

}  // namespace stampede::agents
