#pragma once
// Order-fixed reductions over agents: the sum a kernel returns must not depend on the SIMD width
// or on how agents are split between threads (style.md "Sums ... that depend on execution order").
//
// The order, fixed once for every kernel (scalar or SIMD, any width):
//   * agents are grouped in blocks of kReduceBlock = 4096 consecutive indices counted from the
//     column base (block b = [4096·b, 4096·(b+1))), so a block never depends on the range asked;
//   * inside a block, agent i adds its term to lane i mod 8, in increasing i;
//   * the 8 lanes of a block are combined in one fixed tree: ((l0+l1)+(l2+l3))+((l4+l5)+(l6+l7));
//   * block partials are combined in block order: ((p_0 + p_1) + p_2) + ...
// Threads that split a range at multiples of 4096 may hand their block partials (BlockPartials)
// to one fold in block order and reproduce the single-thread sum bit for bit.
//
// A double batch holds 8 (AVX-512), 4 (AVX2) or 2 (SSE2) lanes; kLaneBatches<A> batches cover
// the 8 lanes, so one accumulator per batch position keeps lane i mod 8 exactly.
#include <algorithm>
#include <array>
#include <cstddef>
#include <span>

#include "kernels/simd.hpp"

namespace stampede::kernels {

inline constexpr std::size_t kReduceLanes = 8;
inline constexpr std::size_t kReduceBlock = 4096;
static_assert(kReduceBlock % kReduceLanes == 0);

inline double fold_lanes(const double (&lane)[kReduceLanes]) {
  return ((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7]));
}

// Index of the block holding agent i, and the number of blocks [begin, end) touches.
constexpr std::size_t block_of(std::size_t i) { return i / kReduceBlock; }
constexpr std::size_t blocks_touched(std::size_t begin, std::size_t end) {
  return end > begin ? block_of(end - 1) - block_of(begin) + 1 : 0;
}

// Sink that folds block partials in block order (the kernels' default).
struct OrderedSum {
  double total = 0.0;
  void operator()(std::size_t /*block*/, double partial) { total += partial; }
};

// Sink that keeps each block's partial, for a thread split: out[block - first_block].
struct BlockPartials {
  std::span<double> out;
  std::size_t first_block = 0;
  void operator()(std::size_t block, double partial) { out[block - first_block] = partial; }
};

// The block-order fold of partials collected by BlockPartials (same result as OrderedSum).
inline double fold_blocks(std::span<const double> partials) {
  double total = 0.0;
  for (double p : partials) total += p;
  return total;
}

// Scalar reference of the order: element(i) updates agent i and returns its term.
template <class Element, class Sink>
void reduce_blocks_scalar(std::size_t begin, std::size_t end, Element&& element, Sink&& sink) {
  while (begin < end) {
    const std::size_t block = block_of(begin);
    const std::size_t stop = std::min(end, (block + 1) * kReduceBlock);
    double lane[kReduceLanes] = {};
    for (std::size_t i = begin; i < stop; ++i) lane[i % kReduceLanes] += element(i);
    sink(block, fold_lanes(lane));
    begin = stop;
  }
}

template <class A>
inline constexpr std::size_t kLaneBatches = kReduceLanes / DoubleBatch<A>::size;

// SIMD form of the same order. element(i) is the scalar twin used for the head (up to the next
// lane-0 agent) and the tail; batch(i) updates agents [i, i + W) and returns their W terms.
// The lane accumulators continue from the head's scalar lanes, so each lane sums in index order.
template <class A, class Element, class Batch, class Sink>
void reduce_blocks_simd(std::size_t begin, std::size_t end, Element&& element, Batch&& batch,
                        Sink&& sink) {
  using B = DoubleBatch<A>;
  constexpr std::size_t W = B::size;
  constexpr std::size_t N = kLaneBatches<A>;
  static_assert(kReduceLanes % W == 0, "a batch must tile the 8 reduction lanes");
  while (begin < end) {
    const std::size_t block = block_of(begin);
    const std::size_t stop = std::min(end, (block + 1) * kReduceBlock);
    alignas(64) double lane[kReduceLanes] = {};
    std::size_t i = begin;
    const std::size_t head_end = std::min(stop, (begin + kReduceLanes - 1) / kReduceLanes * kReduceLanes);
    for (; i < head_end; ++i) lane[i % kReduceLanes] += element(i);
    const std::size_t body_end = i + (stop - i) / kReduceLanes * kReduceLanes;
    if (i < body_end) {
      B acc[N];
      for (std::size_t j = 0; j < N; ++j) acc[j] = B::load_aligned(lane + j * W);
      for (; i < body_end; i += kReduceLanes) {
        for (std::size_t j = 0; j < N; ++j) acc[j] += batch(i + j * W);
      }
      for (std::size_t j = 0; j < N; ++j) acc[j].store_aligned(lane + j * W);
    }
    for (; i < stop; ++i) lane[i % kReduceLanes] += element(i);
    sink(block, fold_lanes(lane));
    begin = stop;
  }
}

// K sums carried in one pass (e.g. decide's per-action amount and count), each in the order
// above: element(i) returns std::array<double, K>, batch(i) std::array<DoubleBatch<A>, K>, and
// sink(block, partials) receives the K block partials.
template <std::size_t K>
struct OrderedSums {
  std::array<double, K> total{};
  void operator()(std::size_t /*block*/, const std::array<double, K>& partial) {
    for (std::size_t k = 0; k < K; ++k) total[k] += partial[k];
  }
};

template <std::size_t K, class Element, class Sink>
void reduce_blocks_scalar_n(std::size_t begin, std::size_t end, Element&& element, Sink&& sink) {
  while (begin < end) {
    const std::size_t block = block_of(begin);
    const std::size_t stop = std::min(end, (block + 1) * kReduceBlock);
    double lane[K][kReduceLanes] = {};
    for (std::size_t i = begin; i < stop; ++i) {
      const std::array<double, K> t = element(i);
      for (std::size_t k = 0; k < K; ++k) lane[k][i % kReduceLanes] += t[k];
    }
    std::array<double, K> partial;
    for (std::size_t k = 0; k < K; ++k) partial[k] = fold_lanes(lane[k]);
    sink(block, partial);
    begin = stop;
  }
}

template <class A, std::size_t K, class Element, class Batch, class Sink>
void reduce_blocks_simd_n(std::size_t begin, std::size_t end, Element&& element, Batch&& batch, Sink&& sink) {
  using B = DoubleBatch<A>;
  constexpr std::size_t W = B::size;
  constexpr std::size_t N = kLaneBatches<A>;
  static_assert(kReduceLanes % W == 0, "a batch must tile the 8 reduction lanes");
  while (begin < end) {
    const std::size_t block = block_of(begin);
    const std::size_t stop = std::min(end, (block + 1) * kReduceBlock);
    alignas(64) double lane[K][kReduceLanes] = {};
    const auto scalar = [&](std::size_t i) {
      const std::array<double, K> t = element(i);
      for (std::size_t k = 0; k < K; ++k) lane[k][i % kReduceLanes] += t[k];
    };
    std::size_t i = begin;
    const std::size_t head_end = std::min(stop, (begin + kReduceLanes - 1) / kReduceLanes * kReduceLanes);
    for (; i < head_end; ++i) scalar(i);
    const std::size_t body_end = i + (stop - i) / kReduceLanes * kReduceLanes;
    if (i < body_end) {
      B acc[K][N];
      for (std::size_t k = 0; k < K; ++k)
        for (std::size_t j = 0; j < N; ++j) acc[k][j] = B::load_aligned(&lane[k][j * W]);
      for (; i < body_end; i += kReduceLanes) {
        for (std::size_t j = 0; j < N; ++j) {
          const std::array<B, K> t = batch(i + j * W);
          for (std::size_t k = 0; k < K; ++k) acc[k][j] += t[k];
        }
      }
      for (std::size_t k = 0; k < K; ++k)
        for (std::size_t j = 0; j < N; ++j) acc[k][j].store_aligned(&lane[k][j * W]);
    }
    for (; i < stop; ++i) scalar(i);
    std::array<double, K> partial;
    for (std::size_t k = 0; k < K; ++k) partial[k] = fold_lanes(lane[k]);
    sink(block, partial);
    begin = stop;
  }
}

// Element-wise kernels without a reduction: same head / body / tail split, no lanes.
template <class A, class Element, class Batch>
void for_each_simd(std::size_t begin, std::size_t end, Element&& element, Batch&& batch) {
  constexpr std::size_t W = DoubleBatch<A>::size;
  std::size_t i = begin;
  for (; i + W <= end; i += W) batch(i);
  for (; i < end; ++i) element(i);
}

}  // namespace stampede::kernels
