// Streams: counter layout, the decision uniform's scalar/SIMD bit-identity, separation of purposes/steps/paths/agents,
// and the moments of the uniforms.
#include <doctest/doctest.h>

#include <Random123/philox.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <set>
#include <vector>

#include "engine/random/stream.hpp"
#include "engine/random/stream_simd.hpp"

using namespace stampede::rng;

namespace {
template <class T>
bool same_bits(T a, T b) {
  return std::memcmp(&a, &b, sizeof(T)) == 0;
}
}  // namespace

TEST_CASE("Stream counter layout follows stream.hpp") {
  const std::uint64_t seed = 0x0123456789ABCDEFull;
  const Stream s(seed, 7, Purpose::market, 42);
  r123::Philox4x32 ref;
  // counter = {(purpose << 24) | block, agent, step, path}, key = {seed lo, seed hi}
  const auto expect = ref({{(3u << 24) | 5u, 11u, 42u, 7u}}, {{0x89ABCDEFu, 0x01234567u}});
  const Words got = s.block(11, 5);
  for (int i = 0; i < 4; ++i) CHECK(got[i] == expect[i]);

  // k-th double = block k/2, words 2(k%2), 2(k%2)+1.
  const double u3 = s.uniform(11, 11);  // block 5, words 2, 3
  const std::uint64_t x = ((static_cast<std::uint64_t>(expect[3]) << 32) | expect[2]) >> 11;
  CHECK(u3 == (static_cast<double>(x) + 0.5) / 9007199254740992.0);
}

TEST_CASE("uniform conversions stay strictly inside (0, 1)") {
  CHECK(u01_from_words(0, 0) == 0x1.0p-54);
  // (2^53 - 1 + 0.5)·2^-53 would round to 1; the cap gives the largest double below 1.
  CHECK(u01_from_words(0xffffffffu, 0xffffffffu) == 1.0 - 0x1.0p-53);
  // x = 2^53 - 2 and 2^53 - 3: x + 0.5 is a tie between neighbours, both round to even 2^53 - 2.
  CHECK(u01_from_words(0xfffff7ffu, 0xffffffffu) == 1.0 - 0x1.0p-52);
  CHECK(u01_from_words(0xffffefffu, 0xffffffffu) == 1.0 - 0x1.0p-52);
  CHECK(u01_from_word32(0) == 0x1.0p-33);
  CHECK(u01_from_word32(0xffffffffu) == 1.0 - 0x1.0p-33);
}

TEST_CASE("the portable 32x32->64 multiply agrees with the intrinsic one and with scalar") {
  using A = xsimd::default_arch;
  using B = philox::U64<A>;
  std::uint64_t state = 99;
  auto next = [&] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return state;
  };
  for (int i = 0; i < 1000; ++i) {
    alignas(64) std::uint64_t a[B::size], m[B::size], fast[B::size], slow[B::size];
    for (std::size_t j = 0; j < B::size; ++j) {
      a[j] = next();  // garbage in the high half must be ignored
      m[j] = next();
    }
    philox::mul_lo32_wide<A>(B::load_aligned(a), B::load_aligned(m)).store_aligned(fast);
    philox::mul_lo32_wide_generic<A>(B::load_aligned(a), B::load_aligned(m)).store_aligned(slow);
    for (std::size_t j = 0; j < B::size; ++j) {
      const std::uint64_t expect = (a[j] & 0xFFFFFFFFull) * (m[j] & 0xFFFFFFFFull);
      REQUIRE(fast[j] == expect);
      REQUIRE(slow[j] == expect);
    }
  }
}

TEST_CASE("distinct purposes, steps, paths, agents and seeds give different draws") {
  std::set<double> seen;
  const std::uint64_t seeds[] = {1, 2, 1ull << 32};
  int count = 0;
  for (std::uint64_t seed : seeds)
    for (std::uint64_t path : {0, 1, 1000})
      for (Purpose p : {Purpose::agent_init, Purpose::decide, Purpose::market, Purpose::shocks})
        for (std::uint64_t step : {0, 1, 2})
          for (std::uint32_t agent : {0u, 1u, 2u})
            for (std::uint32_t k : {0u, 1u, 2u}) {
              seen.insert(Stream(seed, path, p, step).uniform(agent, k));
              ++count;
            }
  CHECK(seen.size() == static_cast<std::size_t>(count));  // a collision of 53-bit values: ~1e-12
}

TEST_CASE("uniforms have mean 1/2 and variance 1/12 within 5 standard errors") {
  const Stream s(2024, 0, Purpose::decide, 5);
  const std::size_t n = 1 << 18;
  double sd = 0, sd2 = 0, su = 0, su2 = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double d = s.uniform(static_cast<std::uint32_t>(i), 0);
    const double u = decide_uniform(s, static_cast<std::uint32_t>(i));
    REQUIRE(d > 0.0);
    REQUIRE(d < 1.0);
    REQUIRE(u > 0.0);
    REQUIRE(u < 1.0);
    sd += d;
    sd2 += (d - 0.5) * (d - 0.5);
    su += u;
    su2 += (u - 0.5) * (u - 0.5);
  }
  // se(mean) = sqrt(1/12 / n); se of mean of (u-1/2)^2 = sqrt(Var/n), Var = 1/80 - 1/144 = 1/180.
  const double se_mean = std::sqrt(1.0 / 12.0 / n), se_var = std::sqrt(1.0 / 180.0 / n);
  CHECK(std::abs(sd / n - 0.5) < 5 * se_mean);
  CHECK(std::abs(su / n - 0.5) < 5 * se_mean);
  CHECK(std::abs(sd2 / n - 1.0 / 12.0) < 5 * se_var);
  CHECK(std::abs(su2 / n - 1.0 / 12.0) < 5 * se_var);
}

TEST_CASE("Sequence reads the lane's words in order") {
  Sequence q(77, 4, Purpose::protocol, 9, 6);
  const Stream s(77, 4, Purpose::protocol, 9);
  const Words b0 = s.block(6, 0), b1 = s.block(6, 1);
  CHECK(q.next_u32() == b0[0]);
  CHECK(q.next_u32() == b0[1]);
  CHECK(q.next_u32() == b0[2]);
  CHECK(q.next_u32() == b0[3]);
  CHECK(q.next_u32() == b1[0]);
  Sequence fresh(77, 4, Purpose::protocol, 9, 6);
  for (std::uint32_t k = 0; k < 6; ++k) CHECK(same_bits(fresh.uniform(), s.uniform(6, k)));
}

TEST_CASE("Sequence::normal has mean 0, variance 1 within 5 standard errors") {
  Sequence q(11, 0, Purpose::market, 0);
  const int n = 200000;
  double s1 = 0, s2 = 0;
  for (int i = 0; i < n; ++i) {
    const double z = q.normal();
    s1 += z;
    s2 += z * z;
  }
  CHECK(std::abs(s1 / n) < 5 * std::sqrt(1.0 / n));
  CHECK(std::abs(s2 / n - 1.0) < 5 * std::sqrt(2.0 / n));  // Var(z^2) = 2
}

// --- the decision uniform (stream.hpp decide_uniform, stream_simd.hpp decide_uniform_group) ---

template <class A>
void decide_group_matches_scalar() {
  const Stream s(PathKey{12345, 7, 0}, Purpose::decide, 42);
  const philox::RoundKeys rk = philox::schedule(s.key());
  alignas(64) double u[64];
  for (std::uint32_t g : {0u, 1u, 3u, 1000u, 65535u}) {
    decide_uniform_group<A>(s, rk, g, u);
    for (std::uint32_t k = 0; k < 64; ++k) {
      REQUIRE(u[k] == decide_uniform(s, 64 * g + k));
      REQUIRE(u[k] > 0.0);
      REQUIRE(u[k] < 1.0);
    }
  }
}

TEST_CASE("decide_uniform_group equals decide_uniform agent by agent, on every SIMD width") {
  decide_group_matches_scalar<xsimd::default_arch>();
#if XSIMD_WITH_AVX2
  decide_group_matches_scalar<xsimd::avx2>();
#endif
#if XSIMD_WITH_SSE2
  decide_group_matches_scalar<xsimd::sse2>();
#endif
}

TEST_CASE("decide uniforms: distinct agents draw distinct words, and the mean is 1/2") {
  const Stream s(PathKey{1, 0, 0}, Purpose::decide, 0);
  double sum = 0;
  std::vector<double> seen;
  for (std::uint32_t i = 0; i < 100000; ++i) {
    const double u = decide_uniform(s, i);
    sum += u;
    if (i < 2000) seen.push_back(u);
  }
  CHECK(std::abs(sum / 100000 - 0.5) < 0.005);  // 5 standard errors of U(0, 1)
  std::sort(seen.begin(), seen.end());
  CHECK(std::adjacent_find(seen.begin(), seen.end()) == seen.end());
}

TEST_CASE("a path's branch changes every draw; branch 0 is the plain (seed, path) stream") {
  const Stream plain(9, 3, Purpose::decide, 5), zero(PathKey{9, 3, 0}, Purpose::decide, 5),
      other(PathKey{9, 3, 1}, Purpose::decide, 5), other2(PathKey{9, 3, 2}, Purpose::decide, 5);
  int same = 0;
  for (std::uint32_t i = 0; i < 256; ++i) {
    REQUIRE(plain.uniform(i) == zero.uniform(i));
    same += other.uniform(i) == plain.uniform(i);
    same += other.uniform(i) == other2.uniform(i);
  }
  CHECK(same == 0);
  // The key of branch b ≠ 0 depends on the seed too: two seeds never share a branch's key.
  CHECK(philox_key(9, 1) != philox_key(10, 1));
}
