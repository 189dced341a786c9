#pragma once
// The SIMD `decide` kernel, written once for every xsimd architecture (agents/decide.hpp states
// the rule), and its per-batch building blocks so a protocol can fuse the decision into its own
// settle pass (performance.md "one fused pass"): load columns -> score -> probability ->
// choose -> accumulate intents.
//
// Lane layout: a batch holds W = batch<double, Arch>::size consecutive agents. The fixed-order
// sums use 8 lanes, lane = agent index mod 8 (agents/fixed_sum.hpp, kernels/reduce.hpp), so 8/W
// batches make one group of 8 agents starting at an index ≡ 0 (mod 8); an unaligned head and the
// tail (< 8 agents) go through the scalar rule (detail::decide_agent), which adds to the same lanes.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include <xsimd/xsimd.hpp>
#if XSIMD_WITH_SSE2
#include <immintrin.h>
#endif

#include "agents/decide.hpp"
#include "kernels/simd.hpp"
#include "engine/random/stream.hpp"

namespace stampede::agents::simd {

template <class A> using dbatch = xsimd::batch<double, A>;
template <class A> using ibatch = xsimd::batch<std::int64_t, A>;
template <class A> using dmask = xsimd::batch_bool<double, A>;

template <class A> inline constexpr bool is_avx512 = std::is_base_of_v<xsimd::avx512f, A>;
template <class A> inline constexpr bool is_avx2 = std::is_base_of_v<xsimd::avx2, A>;

// W floats -> W doubles (behaviour columns are float; the rule is evaluated in double).
template <class A>
inline dbatch<A> load_float(const float* p) noexcept {
  return kernels::load_widened<A>(p);
}

// W bytes -> W int64 (flags and action masks).
template <class A>
inline ibatch<A> load_u8(const std::uint8_t* p) noexcept {
  constexpr std::size_t W = ibatch<A>::size;
#if XSIMD_WITH_AVX512F
  if constexpr (is_avx512<A> && W == 8) {
    long long bytes;
    std::memcpy(&bytes, p, 8);
    return ibatch<A>(_mm512_maskz_cvtepu8_epi64(0xFF, _mm_cvtsi64_si128(bytes)));  // maskz: see load_widened
  }
#endif
#if XSIMD_WITH_AVX2
  if constexpr (!is_avx512<A> && is_avx2<A> && W == 4) {
    int bytes;
    std::memcpy(&bytes, p, 4);
    return ibatch<A>(_mm256_cvtepu8_epi64(_mm_cvtsi32_si128(bytes)));
  }
#endif
  alignas(64) std::int64_t tmp[W];
  for (std::size_t l = 0; l < W; ++l) tmp[l] = p[l];
  return ibatch<A>::load_aligned(tmp);
}

// W int64 in [0, 255] -> W bytes.
template <class A>
inline void store_u8(std::uint8_t* p, const ibatch<A>& v) noexcept {
  constexpr std::size_t W = ibatch<A>::size;
#if XSIMD_WITH_AVX512F
  if constexpr (is_avx512<A> && W == 8) {
    _mm_storel_epi64(reinterpret_cast<__m128i*>(p), _mm512_maskz_cvtepi64_epi8(0xFF, v));
    return;
  }
#endif
#if XSIMD_WITH_AVX2
  if constexpr (!is_avx512<A> && is_avx2<A> && W == 4) {
    // byte 0 of each 64-bit lane -> bytes 0..1 of each 128-bit half, then join the halves.
    const __m256i pick = _mm256_setr_epi8(0, 8, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
                                          0, 8, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
    const __m256i s = _mm256_shuffle_epi8(v, pick);
    const std::uint32_t lo = static_cast<std::uint32_t>(_mm_cvtsi128_si32(_mm256_castsi256_si128(s))) & 0xFFFFu;
    const std::uint32_t hi = static_cast<std::uint32_t>(_mm_cvtsi128_si32(_mm256_extracti128_si256(s, 1))) & 0xFFFFu;
    const std::uint32_t word = lo | (hi << 16);
    std::memcpy(p, &word, 4);
    return;
  }
#endif
  alignas(64) std::int64_t tmp[W];
  v.store_aligned(tmp);
  for (std::size_t l = 0; l < W; ++l) p[l] = static_cast<std::uint8_t>(tmp[l]);
}

template <class A>
inline dmask<A> to_dmask(const xsimd::batch_bool<std::int64_t, A>& m) noexcept {
  return xsimd::bool_cast(m);
}
template <class A>
inline ibatch<A> as_01(const dmask<A>& m) noexcept {
  return xsimd::select(xsimd::bool_cast(m), ibatch<A>(1), ibatch<A>(0));
}

// ρ·σ(score/T) = ρ/(1 + exp(−score/T)), inv_temperature = 1/T (agents.md P_i(a)); the scalar
// rule (detail::decide_agent) evaluates the same expression.
template <class A>
inline dbatch<A> probability(const dbatch<A>& score, const dbatch<A>& rho, const dbatch<A>& inv_temperature) noexcept {
  return rho / (dbatch<A>(1.0) + xsimd::exp(-(score * inv_temperature)));
}

// The choice rule on masked probabilities p[0..M): scale if ΣP > 1, then the first a with
// u < P(a_1)+…+P(a). hit[a] is the lane mask of agents choosing a; code = a + 1 or 0 (hold).
template <class A, std::size_t M>
struct Choice {
  std::array<dmask<A>, M> hit{};
  ibatch<A> code = ibatch<A>(0);
};
template <class A, std::size_t M>
inline Choice<A, M> choose(std::array<dbatch<A>, M> p, const dbatch<A>& u) noexcept {
  dbatch<A> sum(0.0);
  for (std::size_t a = 0; a < M; ++a) sum = sum + p[a];
  const auto over = sum > dbatch<A>(1.0);
  // Dividing by 1 is exact, so only batches with a lane over 1 pay for the divisions.
  if (xsimd::any(over)) {
    const dbatch<A> scale = xsimd::select(over, sum, dbatch<A>(1.0));
    for (std::size_t a = 0; a < M; ++a) p[a] = p[a] / scale;
  }
  Choice<A, M> c;
  dbatch<A> cum(0.0);
  dmask<A> found(false);
  for (std::size_t a = 0; a < M; ++a) {
    cum = cum + p[a];
    c.hit[a] = (u < cum) & ~found;
    found = found | c.hit[a];
    c.code = xsimd::select(xsimd::bool_cast(c.hit[a]), ibatch<A>(static_cast<std::int64_t>(a + 1)), c.code);
  }
  return c;
}

// Everything one step's decision of a type needs, hoisted out of the agent loop: broadcast
// constants and column pointers held by value, so the byte stores of the loop (which may alias
// anything) do not force the compiler to reload them for every batch. Build once per step.
template <class A, std::size_t M, std::size_t J>
struct BatchParams {
  std::array<dbatch<A>, M> common, offset, fraction_constant;
  std::array<std::array<dbatch<A>, J>, M> v;
  dbatch<A> reentry, inv_temperature;
  unsigned own_zero_on_reentry;
  int exit_action;
  const float* sensitivity;
  const float* attention;
  std::array<const float*, M> bias;
  std::array<const float*, J> own;
  std::array<const double*, M> holding;
  std::array<const float*, M> fraction;
  std::uint8_t* exited;
  const std::uint8_t* allowed;
  std::uint8_t* action;
  std::uint8_t* reentered;

  static BatchParams make(const TypeBehaviour& type, const DecideStep& step, const DecideColumns& cols) noexcept {
    BatchParams k;
    for (std::size_t a = 0; a < M; ++a) {
      k.common[a] = dbatch<A>(step.common[a]);
      k.offset[a] = dbatch<A>(step.offset[a]);
      k.fraction_constant[a] = dbatch<A>(cols.amounts.fraction_constant[a]);
      for (std::size_t j = 0; j < J; ++j) k.v[a][j] = dbatch<A>(type.v[a][j]);
      k.bias[a] = cols.behaviour.bias[a];
      k.holding[a] = cols.amounts.holding[a];
      k.fraction[a] = cols.amounts.fraction[a];
    }
    for (std::size_t j = 0; j < J; ++j) k.own[j] = cols.behaviour.own[j];
    k.reentry = dbatch<A>(type.reentry);
    k.inv_temperature = dbatch<A>(1.0 / type.temperature);
    k.own_zero_on_reentry = type.own_zero_on_reentry;
    k.exit_action = type.exit_action;
    k.sensitivity = cols.behaviour.sensitivity;
    k.attention = cols.behaviour.attention;
    k.exited = cols.behaviour.exited;
    k.allowed = cols.allowed;
    k.action = cols.action;
    k.reentered = cols.reentered;
    return k;
  }
};

// One batch of W agents starting at agent i with uniforms u, for a type with M actions and J own
// terms (compile time, so everything stays in registers): the whole per-agent rule, writing
// action/exited/reentered. Returns the hits and, per action, the amount of the agents that chose
// it (0 in the other lanes), for the caller to accumulate.
template <class A, std::size_t M>
struct BatchDecision {
  Choice<A, M> choice;
  std::array<dbatch<A>, M> amount{};
  dmask<A> reentered = dmask<A>(false);
};
template <class A, std::size_t M, std::size_t J>
inline BatchDecision<A, M> decide_batch(const BatchParams<A, M, J>& k, std::size_t i, dbatch<A> u) noexcept {
  const dmask<A> was_exited = to_dmask<A>(load_u8<A>(k.exited + i) != ibatch<A>(0));
  const dmask<A> reenter = was_exited & (u < k.reentry);
  if (xsimd::any(reenter)) u = xsimd::select(reenter, u / k.reentry, u);  // agents.md: u <- u/reentry
  const dmask<A> active = ~was_exited | reenter;
  const ibatch<A> allowed = k.allowed ? load_u8<A>(k.allowed + i) : ibatch<A>(0xFF);

  const dbatch<A> h = load_float<A>(k.sensitivity + i);
  const dbatch<A> rho = load_float<A>(k.attention + i);
  std::array<dbatch<A>, J> x{};
  for (std::size_t j = 0; j < J; ++j) {
    x[j] = load_float<A>(k.own[j] + i);
    if ((k.own_zero_on_reentry >> j) & 1u) x[j] = xsimd::select(reenter, dbatch<A>(0.0), x[j]);
  }
  std::array<dbatch<A>, M> p{};
  for (std::size_t a = 0; a < M; ++a) {
    dbatch<A> s = h * k.common[a] + k.offset[a];  // score_i(a), agents.md
    for (std::size_t j = 0; j < J; ++j) s = s + k.v[a][j] * x[j];
    s = s + load_float<A>(k.bias[a] + i);
    const dmask<A> ok = active & to_dmask<A>((allowed & ibatch<A>(std::int64_t{1} << a)) != ibatch<A>(0));
    p[a] = xsimd::select(ok, probability<A>(s, rho, k.inv_temperature), dbatch<A>(0.0));
  }
  BatchDecision<A, M> d;
  d.choice = choose<A, M>(p, u);
  d.reentered = reenter;

  dmask<A> chose_exit(false);
  for (std::size_t a = 0; a < M; ++a) {
    if (static_cast<int>(a) == k.exit_action) chose_exit = d.choice.hit[a];
    if (k.holding[a]) {
      const dbatch<A> f = k.fraction[a] ? load_float<A>(k.fraction[a] + i) : k.fraction_constant[a];
      const dbatch<A> held = dbatch<A>::load_unaligned(k.holding[a] + i);
      d.amount[a] = xsimd::select(d.choice.hit[a], f * held, dbatch<A>(0.0));
    } else {
      d.amount[a] = dbatch<A>(0.0);
    }
  }
  store_u8<A>(k.exited + i, as_01<A>(chose_exit | (was_exited & ~reenter)));
  store_u8<A>(k.action + i, d.choice.code);
  if (k.reentered) store_u8<A>(k.reentered + i, as_01<A>(reenter));
  return d;
}

// The kernel body for M actions and J own terms over agents [i, body_end), both multiples of 8.
template <class A, std::size_t M, std::size_t J>
void decide_body(const TypeBehaviour& type, const DecideStep& step, const DecideColumns& cols,
                 const rng::Stream& stream, std::size_t i, std::size_t body_end, DecideTotals& totals) {
  constexpr std::size_t W = dbatch<A>::size;
  static_assert(kSumLanes % W == 0, "a group of 8 sum lanes must be whole batches");
  constexpr std::size_t G = kSumLanes / W;    // batches per group of 8 agents
  constexpr std::size_t kUniformBlock = 512;  // uniforms drawn per stack buffer fill
  const BatchParams<A, M, J> params = BatchParams<A, M, J>::make(type, step, cols);

  std::array<std::array<dbatch<A>, G>, M> lanes{};
  std::array<dbatch<A>, M> counts{};
  dbatch<A> reentries(0.0);
  auto load_lanes = [&] {
    for (std::size_t a = 0; a < M; ++a)
      for (std::size_t g = 0; g < G; ++g) lanes[a][g] = dbatch<A>::load_unaligned(totals.amount[a].lanes + g * W);
  };
  auto store_lanes = [&] {
    for (std::size_t a = 0; a < M; ++a)
      for (std::size_t g = 0; g < G; ++g) lanes[a][g].store_unaligned(totals.amount[a].lanes + g * W);
  };
  for (std::size_t a = 0; a < M; ++a) totals.amount[a].advance_to_block(i / kSumBlock);
  load_lanes();
  alignas(64) double u[kUniformBlock];
  while (i < body_end) {
    const std::size_t n = std::min(kUniformBlock, body_end - i);
    stream.uniform_doubles(static_cast<std::uint32_t>(i), n, 0, u);
    for (std::size_t k = 0; k < n; k += kSumLanes, i += kSumLanes) {
      const std::size_t block = i / kSumBlock;
      if (block != totals.amount[0].block) {  // a fixed 4096-agent block ends: close it in order
        store_lanes();
        for (std::size_t a = 0; a < M; ++a) totals.amount[a].advance_to_block(block);
        load_lanes();
      }
      for (std::size_t g = 0; g < G; ++g) {
        const BatchDecision<A, M> d = decide_batch<A, M, J>(params, i + g * W, dbatch<A>::load_aligned(u + k + g * W));
        for (std::size_t a = 0; a < M; ++a) {
          lanes[a][g] = lanes[a][g] + d.amount[a];
          counts[a] = counts[a] + xsimd::select(d.choice.hit[a], dbatch<A>(1.0), dbatch<A>(0.0));
        }
        reentries = reentries + xsimd::select(d.reentered, dbatch<A>(1.0), dbatch<A>(0.0));
      }
    }
  }
  store_lanes();
  // Counts are whole numbers below 2^53: exact in double lanes.
  for (std::size_t a = 0; a < M; ++a) totals.count[a] += static_cast<std::uint64_t>(xsimd::hadd(counts[a]));
  totals.reentries += static_cast<std::uint64_t>(xsimd::hadd(reentries));
}

template <class A, std::size_t M>
void decide_body_m(const TypeBehaviour& type, const DecideStep& step, const DecideColumns& cols,
                   const rng::Stream& stream, std::size_t i, std::size_t body_end, DecideTotals& totals) {
  switch (type.own_terms) {
    case 0: return decide_body<A, M, 0>(type, step, cols, stream, i, body_end, totals);
    case 1: return decide_body<A, M, 1>(type, step, cols, stream, i, body_end, totals);
    case 2: return decide_body<A, M, 2>(type, step, cols, stream, i, body_end, totals);
    case 3: return decide_body<A, M, 3>(type, step, cols, stream, i, body_end, totals);
    default: return decide_body<A, M, kMaxOwnTerms>(type, step, cols, stream, i, body_end, totals);
  }
}

// The kernel over agents `chunk` of one type (a type's range may come in consecutive chunks,
// in increasing order, all with the same totals).
template <class A>
void decide_simd(const TypeBehaviour& type, const DecideStep& step, const DecideColumns& cols,
                 TypeRange chunk, DecideTotals& totals) {
  static_assert(kMaxActions == 4 && kMaxOwnTerms == 4, "the dispatch below lists every M and J");
  const double inv_temperature = 1.0 / type.temperature;
  const rng::Stream stream(step.seed, step.path, rng::Purpose::decide, step.step);

  std::size_t i = chunk.begin;
  // Unaligned head: scalar until the index is a multiple of 8.
  while (i < chunk.end && i % kSumLanes != 0) {
    detail::decide_agent(type, step, cols, i, stream.uniform(static_cast<std::uint32_t>(i), 0), totals,
                         inv_temperature);
    ++i;
  }
  const std::size_t body_end = i + (chunk.end - i) / kSumLanes * kSumLanes;
  if (i < body_end) {
    switch (type.actions) {
      case 1: decide_body_m<A, 1>(type, step, cols, stream, i, body_end, totals); break;
      case 2: decide_body_m<A, 2>(type, step, cols, stream, i, body_end, totals); break;
      case 3: decide_body_m<A, 3>(type, step, cols, stream, i, body_end, totals); break;
      default: decide_body_m<A, kMaxActions>(type, step, cols, stream, i, body_end, totals); break;
    }
    i = body_end;
  }
  for (; i < chunk.end; ++i)
    detail::decide_agent(type, step, cols, i, stream.uniform(static_cast<std::uint32_t>(i), 0), totals,
                         inv_temperature);
}

}  // namespace stampede::agents::simd
