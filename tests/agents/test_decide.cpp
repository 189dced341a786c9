// The decide kernel (agents/decide.hpp): choice rule, masks, exit and re-entry, SIMD vs scalar,
// empirical frequencies and independence of the block split.
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "agents/decide.hpp"
#include "agents/decide_simd.hpp"
#include "engine/core/aligned.hpp"
#include "engine/random/stream.hpp"
#include "kernels/reduce.hpp"

using namespace stampede;
using namespace stampede::agents;

namespace {

constexpr std::uint64_t kSeed = 0x5eed;
constexpr std::uint64_t kPath = 3;

double logit(double p) { return std::log(p / (1.0 - p)); }

// A population's behaviour and amount columns (SoA), filled by the test.
struct Agents {
  explicit Agents(std::size_t n)
      : h(n), rho(n), x0(n), x1(n), exited(n), allowed(n), action(n), reentered(n), f1(n), hold0(n), hold1(n) {
    for (auto& b : bias) b.resize(n);
  }
  AlignedArray<float> h, rho, x0, x1;
  std::array<AlignedArray<float>, kMaxActions> bias;
  AlignedArray<std::uint8_t> exited, allowed, action, reentered;
  AlignedArray<float> f1;
  AlignedArray<double> hold0, hold1;

  DecideColumns columns() {
    DecideColumns c;
    c.behaviour.sensitivity = h.data();
    c.behaviour.attention = rho.data();
    for (std::size_t a = 0; a < kMaxActions; ++a) c.behaviour.bias[a] = bias[a].data();
    c.behaviour.own = {x0.data(), x1.data(), nullptr, nullptr};
    c.behaviour.exited = exited.data();
    c.amounts.holding = {hold0.data(), hold1.data(), hold1.data(), nullptr};
    c.amounts.fraction = {nullptr, f1.data(), nullptr, nullptr};
    c.amounts.fraction_constant = {1.0, 1.0, 0.5, 1.0};
    c.allowed = allowed.data();
    c.action = action.data();
    c.reentered = reentered.data();
    return c;
  }
};

TypeBehaviour three_actions() {
  TypeBehaviour t;
  t.actions = 3;
  t.exit_action = 0;
  t.temperature = 1.3;
  t.reentry = 0.2;
  t.signals = 2;
  t.w[0] = {-2.0, 3.0};
  t.w[1] = {1.0, -1.0};
  t.w[2] = {0.5, 0.5};
  t.own_terms = 2;
  t.v[0] = {-2.0, 0.5};
  t.v[1] = {1.0, 0.0};
  t.v[2] = {0.0, -1.0};
  t.own_zero_on_reentry = 0b01;
  return t;
}

// Heterogeneous random agents; biases near the spec's calibrated range but livelier.
void randomise(Agents& g, std::uint64_t seed) {
  std::mt19937_64 gen(seed);
  std::lognormal_distribution<float> h(0.0f, 0.5f);
  std::uniform_real_distribution<float> rho(0.05f, 0.9f), x(-1.0f, 1.0f), f(0.1f, 0.5f);
  std::normal_distribution<float> b(-1.5f, 1.0f);
  std::uniform_real_distribution<double> hold(0.0, 1000.0);
  std::uniform_int_distribution<int> bits(0, 7), coin(0, 9);
  for (std::size_t i = 0; i < g.h.size(); ++i) {
    g.h[i] = h(gen);
    g.rho[i] = rho(gen);
    g.x0[i] = x(gen);
    g.x1[i] = x(gen);
    for (auto& col : g.bias) col[i] = b(gen);
    g.exited[i] = coin(gen) < 2 ? 1 : 0;
    g.allowed[i] = static_cast<std::uint8_t>(coin(gen) < 7 ? 0x7 : bits(gen));
    g.f1[i] = f(gen);
    g.hold0[i] = hold(gen);
    g.hold1[i] = hold(gen);
  }
}

DecideStep step_of(const TypeBehaviour& t, std::uint64_t step) {
  DecideStep s;
  s.seed = kSeed;
  s.path = kPath;
  s.step = step;
  const std::array<double, 2> signals{0.3, -0.2};
  s.common = common_part(t, signals);
  s.offset = {0.1, 0.0, -0.2, 0.0};
  return s;
}

// The rule written out independently of the library (agents.md), per agent: the cumulative
// thresholds it compares u against, and its action.
struct Expected {
  std::uint8_t code;
  bool reentered;
  double u;
  std::array<double, kMaxActions> thresholds;  // cumulative, after scaling
};
Expected expected(const TypeBehaviour& t, const DecideStep& s, Agents& g, std::size_t i) {
  const rng::Stream stream(s.seed, s.path, rng::Purpose::decide, s.step);
  Expected e{};
  double u = stream.uniform(static_cast<std::uint32_t>(i), 0);
  const bool was_exited = g.exited[i] != 0;
  e.reentered = was_exited && u < t.reentry;
  if (e.reentered) u /= t.reentry;
  e.u = u;
  std::array<double, kMaxActions> p{};
  double sum = 0.0;
  for (std::size_t a = 0; a < t.actions; ++a) {
    const double x0 = e.reentered && (t.own_zero_on_reentry & 1) ? 0.0 : g.x0[i];
    const double score = g.h[i] * s.common[a] + s.offset[a] + t.v[a][0] * x0 + t.v[a][1] * g.x1[i] + g.bias[a][i];
    const bool masked = !((g.allowed[i] >> a) & 1) || (was_exited && !e.reentered);
    p[a] = masked ? 0.0 : g.rho[i] / (1.0 + std::exp(-score / t.temperature));
    sum += p[a];
  }
  double cum = 0.0;
  e.code = 0;
  for (std::size_t a = 0; a < t.actions; ++a) {
    cum += sum > 1.0 ? p[a] / sum : p[a];
    e.thresholds[a] = cum;
    if (e.code == 0 && u < cum) e.code = static_cast<std::uint8_t>(a + 1);
  }
  return e;
}
bool near_threshold(const Expected& e, std::size_t m, double tol = 1e-12) {
  for (std::size_t a = 0; a < m; ++a)
    if (std::fabs(e.u - e.thresholds[a]) <= tol) return true;
  return false;
}

}  // namespace

TEST_CASE("choice rule on hand-made probabilities (scalar and SIMD)") {
  using A = xsimd::default_arch;
  using B = xsimd::batch<double, A>;
  struct Case {
    std::array<double, kMaxActions> p;
    std::size_t m;
    double u;
    std::uint8_t code;
  };
  const Case cases[] = {
      {{0.2, 0.3}, 2, 0.1, 1}, {{0.2, 0.3}, 2, 0.4, 2}, {{0.2, 0.3}, 2, 0.6, 0},
      // ΣP = 1.6 > 1: scaled to 0.5, 0.5; no hold left.
      {{0.8, 0.8}, 2, 0.49, 1}, {{0.8, 0.8}, 2, 0.51, 2}, {{0.8, 0.8}, 2, 0.999, 2},
      // One action: act iff u < P.
      {{0.25}, 1, 0.24, 1}, {{0.25}, 1, 0.26, 0},
      // A masked (0) action between two others is never chosen.
      {{0.1, 0.0, 0.2}, 3, 0.1, 3}, {{0.1, 0.0, 0.2}, 3, 0.05, 1}, {{0.1, 0.0, 0.2}, 3, 0.31, 0},
  };
  for (const Case& c : cases) {
    CHECK(detail::choose(c.p, c.m, c.u) == c.code);
    std::array<B, kMaxActions> pb;
    for (std::size_t a = 0; a < kMaxActions; ++a) pb[a] = B(a < c.m ? c.p[a] : 0.0);  // pad with P = 0
    const simd::Choice<A, kMaxActions> ch = simd::choose<A, kMaxActions>(pb, B(c.u));
    alignas(64) std::int64_t codes[B::size];
    ch.code.store_aligned(codes);
    for (std::size_t l = 0; l < B::size; ++l) CHECK(codes[l] == c.code);
  }
}

TEST_CASE("decide: scalar reference follows the rule as written in agents.md") {
  const TypeBehaviour t = three_actions();
  const std::size_t n = 5000;
  Agents g(n);
  randomise(g, 1);
  const DecideStep s = step_of(t, 17);
  std::vector<Expected> e(n);
  std::vector<std::uint8_t> exited_before(g.exited.begin(), g.exited.end());
  for (std::size_t i = 0; i < n; ++i) e[i] = expected(t, s, g, i);
  DecideTotals totals;
  decide_reference(t, s, g.columns(), {0, n}, totals);
  std::size_t mismatches = 0, near = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (near_threshold(e[i], t.actions, 1e-9)) {  // the test's own rounding may differ there
      ++near;
      continue;
    }
    if (g.action[i] != e[i].code || (g.reentered[i] != 0) != e[i].reentered) ++mismatches;
    const bool now_exited = e[i].code == 1 || (exited_before[i] && !e[i].reentered);
    if ((g.exited[i] != 0) != now_exited) ++mismatches;
  }
  CHECK(mismatches == 0);
  CHECK(near < 3);
}

TEST_CASE("decide: masks give P = 0") {
  TypeBehaviour t;
  t.actions = 2;
  t.exit_action = -1;
  const std::size_t n = 1000;
  Agents g(n);
  for (std::size_t i = 0; i < n; ++i) {
    g.h[i] = 1.0f;
    g.rho[i] = 1.0f;
    g.bias[0][i] = 60.0f;  // σ(60) rounds to 1: action 0 certain unless masked
    g.bias[1][i] = 60.0f;
    g.allowed[i] = (i % 3 == 0) ? 0b10 : (i % 3 == 1 ? 0b00 : 0b11);
  }
  DecideStep s;
  s.seed = kSeed;
  s.step = 2;
  DecideTotals simd_totals, ref_totals;
  decide(t, s, g.columns(), {0, n}, simd_totals);
  std::vector<std::uint8_t> simd_actions(g.action.begin(), g.action.end());
  decide_reference(t, s, g.columns(), {0, n}, ref_totals);
  for (std::size_t i = 0; i < n; ++i) {
    // ΣP = 2 scaled to 1, 1 (u < 0.5 -> a1, else a2) when both allowed.
    const std::uint8_t want = i % 3 == 0 ? 2 : (i % 3 == 1 ? 0 : 0xFF);
    if (want != 0xFF) {
      REQUIRE(g.action[i] == want);
      REQUIRE(simd_actions[i] == want);
    } else {
      REQUIRE(g.action[i] != 0);
    }
  }
  std::uint64_t acting = 0;  // every agent with an allowed action acts (P sums to 1)
  for (std::size_t i = 0; i < n; ++i) acting += i % 3 != 1;
  CHECK(ref_totals.count[0] + ref_totals.count[1] == acting);
  CHECK(simd_totals.count[1] >= n / 3);
}

TEST_CASE("decide: exit and re-entry (u < reentry re-enters, then u <- u/reentry)") {
  TypeBehaviour t;
  t.actions = 1;
  t.exit_action = 0;
  t.reentry = 0.3;
  t.own_terms = 1;
  t.v[0][0] = 1.0;
  t.own_zero_on_reentry = 0b1;  // like pnl: 0 in a re-entry decision
  const std::size_t n = 40000;
  Agents g(n);
  for (std::size_t i = 0; i < n; ++i) {
    g.h[i] = 1.0f;
    g.rho[i] = 1.0f;
    g.bias[0][i] = 0.0f;                 // P = σ(0) = 0.5 when the own term is 0
    g.x0[i] = -100.0f;                   // active agents that did not re-enter: P ≈ 0
    g.exited[i] = i % 2 == 0 ? 1 : 0;
    g.allowed[i] = 1;
  }
  DecideStep s;
  s.seed = kSeed;
  s.path = 9;
  s.step = 5;
  const rng::Stream stream(s.seed, s.path, rng::Purpose::decide, s.step);
  DecideTotals totals;
  decide(t, s, g.columns(), {0, n}, totals);
  std::size_t reentered = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double u = stream.uniform(static_cast<std::uint32_t>(i), 0);
    if (i % 2 == 0) {
      // Exited: re-enters iff u < 0.3, then acts iff u/0.3 < 0.5, i.e. u < 0.15.
      REQUIRE((g.reentered[i] != 0) == (u < 0.3));
      REQUIRE(g.action[i] == (u < 0.15 ? 1 : 0));
      // Still exited unless it re-entered and did not choose the exit again.
      REQUIRE((g.exited[i] != 0) == (u >= 0.3 || u < 0.15));
      reentered += u < 0.3;
    } else {
      REQUIRE(g.reentered[i] == 0);
      REQUIRE(g.action[i] == 0);  // σ(−100) ≈ 4e−44
      REQUIRE(g.exited[i] == 0);
    }
  }
  CHECK(totals.reentries == reentered);
  CHECK(totals.exits(t) == totals.count[0]);
  // About 0.3 of the exited half re-enter (5 standard errors).
  const double half = n / 2.0;
  CHECK(std::fabs(reentered / half - 0.3) < 5.0 * std::sqrt(0.3 * 0.7 / half));
}

TEST_CASE("decide: SIMD agrees with the scalar reference (lengths 0, 1, 7, 4097, 10007)") {
  const TypeBehaviour t = three_actions();
  for (std::size_t len : {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{4097}, std::size_t{10007}}) {
    for (std::size_t begin : {std::size_t{0}, std::size_t{3}}) {
      CAPTURE(len);
      CAPTURE(begin);
      const std::size_t n = begin + len;
      Agents ref(n), vec(n), avx2(n);
      randomise(ref, 100 + len);
      randomise(vec, 100 + len);
      randomise(avx2, 100 + len);
      const DecideStep s = step_of(t, 42);
      std::vector<Expected> e(n);
      for (std::size_t i = begin; i < n; ++i) e[i] = expected(t, s, ref, i);
      DecideTotals tr, tv, t2;
      decide_reference(t, s, ref.columns(), {begin, n}, tr);
      decide(t, s, vec.columns(), {begin, n}, tv);
      decide_avx2(t, s, avx2.columns(), {begin, n}, t2);
      bool all_agree = true;
      for (std::size_t i = begin; i < n; ++i) {
        const bool same = ref.action[i] == vec.action[i] && ref.exited[i] == vec.exited[i] &&
                          ref.reentered[i] == vec.reentered[i];
        if (!same) {
          all_agree = false;
          REQUIRE(near_threshold(e[i], t.actions));  // the stated tolerance: u within 1e-12
        }
        // Two SIMD widths: the same arithmetic, bit for bit.
        REQUIRE(avx2.action[i] == vec.action[i]);
        REQUIRE(avx2.exited[i] == vec.exited[i]);
      }
      for (std::size_t a = 0; a < t.actions; ++a) {
        CHECK(t2.count[a] == tv.count[a]);
        CHECK(t2.amount_sum(a) == tv.amount_sum(a));  // bitwise across widths
        if (all_agree) {
          CHECK(tr.count[a] == tv.count[a]);
          CHECK(tr.amount_sum(a) == tv.amount_sum(a));  // bitwise when the actions agree
        }
      }
      CHECK(tr.reentries == tv.reentries);
    }
  }
}

TEST_CASE("decide: amounts are f_i(a)·holding summed in kernels/reduce.hpp's fixed order") {
  const TypeBehaviour t = three_actions();
  const std::size_t n = 3 * 4096 + 11;
  Agents g(n);
  randomise(g, 5);
  const DecideStep s = step_of(t, 8);
  DecideTotals totals;
  const TypeRange range{2, n};
  decide(t, s, g.columns(), range, totals);
  // amount(a) per agent from the outputs: a0 all of hold0, a1 f1·hold1, a2 0.5·hold1.
  auto amount = [&](std::size_t a, std::size_t i) {
    if (g.action[i] != a + 1) return 0.0;
    if (a == 0) return g.hold0[i];
    if (a == 1) return static_cast<double>(g.f1[i]) * g.hold1[i];
    return 0.5 * g.hold1[i];
  };
  for (std::size_t a = 0; a < t.actions; ++a) {
    kernels::OrderedSum sum;
    kernels::reduce_blocks_scalar(range.begin, range.end, [&](std::size_t i) { return amount(a, i); }, sum);
    CHECK(totals.amount_sum(a) == sum.total);
    std::uint64_t count = 0;
    long double plain = 0.0L;
    for (std::size_t i = range.begin; i < range.end; ++i) {
      count += g.action[i] == a + 1;
      plain += amount(a, i);
    }
    CHECK(totals.count[a] == count);
    CHECK(totals.amount_sum(a) == doctest::Approx(static_cast<double>(plain)).epsilon(1e-12));
    CHECK(count > 100);  // the test exercises every action
  }
}

TEST_CASE("decide: empirical action frequencies match P within 5 standard errors") {
  // Identical agents: ρ = 1 and scores logit(0.5), logit(0.4), logit(0.3): ΣP = 1.2 > 1, so
  // P = 0.5/1.2, 0.4/1.2, 0.3/1.2 and no hold. Then ρ = 0.5: P = 0.25, 0.2, 0.15, hold 0.4.
  TypeBehaviour t;
  t.actions = 3;
  const std::size_t n = 200000;
  for (float rho : {1.0f, 0.5f}) {
    Agents g(n);
    for (std::size_t i = 0; i < n; ++i) {
      g.h[i] = 1.0f;
      g.rho[i] = rho;
      g.allowed[i] = 0x7;
    }
    DecideStep s;
    s.seed = 77;
    s.step = 1;
    const std::array<double, 3> p{0.5, 0.4, 0.3};
    for (std::size_t a = 0; a < 3; ++a) s.offset[a] = logit(p[a]);  // bias 0, h·c = 0
    DecideTotals totals;
    decide(t, s, g.columns(), {0, n}, totals);
    double sum = 0.0;
    for (double v : p) sum += rho * v;
    for (std::size_t a = 0; a < 3; ++a) {
      const double want = sum > 1.0 ? rho * p[a] / sum : rho * p[a];
      const double got = static_cast<double>(totals.count[a]) / n;
      const double se = std::sqrt(want * (1.0 - want) / n);
      CAPTURE(a);
      CAPTURE(rho);
      CHECK(std::fabs(got - want) < 5.0 * se);
    }
  }
}

TEST_CASE("decide: same seed, same actions and totals whatever the block split") {
  const TypeBehaviour t = three_actions();
  const std::size_t n = 3 * 4096 + 501;
  const TypeRange range{5, n};
  const DecideStep s = step_of(t, 11);
  Agents whole(n), split(n), other_step(n);
  randomise(whole, 21);
  randomise(split, 21);
  randomise(other_step, 21);
  DecideTotals tw, ts, to;
  decide(t, s, whole.columns(), range, tw);
  // Chunks at odd places: inside a group of 8, across a 4096 block, single agents.
  const std::size_t cuts[] = {range.begin, 6, 13, 14, 4095, 4100, 8192 + 3, 9000, n - 1, n};
  for (std::size_t k = 0; k + 1 < std::size(cuts); ++k) decide(t, s, split.columns(), {cuts[k], cuts[k + 1]}, ts);
  for (std::size_t i = range.begin; i < n; ++i) {
    REQUIRE(whole.action[i] == split.action[i]);
    REQUIRE(whole.exited[i] == split.exited[i]);
  }
  for (std::size_t a = 0; a < t.actions; ++a) {
    CHECK(tw.count[a] == ts.count[a]);
    CHECK(tw.amount_sum(a) == ts.amount_sum(a));
  }
  // Another step draws other uniforms.
  decide(t, step_of(t, 12), other_step.columns(), range, to);
  std::size_t differ = 0;
  for (std::size_t i = range.begin; i < n; ++i) differ += whole.action[i] != other_step.action[i];
  CHECK(differ > 100);
}
