// ksn.md §10 case 8 (DCP exhaustion, both funding modes) and §9 invariants 4 and 6 for the
// rebase budget (r_eff ≤ r_t, M ≤ φ·max(0, E), a mint never makes E < 0).
#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "engine/market/pool.hpp"
#include "engine/protocols/ksn/observers.hpp"
#include "engine/protocols/ksn/potp.hpp"
#include "engine/protocols/ksn/rebase.hpp"
#include "engine/protocols/ksn/rebase_policy.hpp"
#include "engine/protocols/ksn/treasury.hpp"
#include "tests/ksn/digits.hpp"

using namespace stampede::ksn;
using ksn_test::check_digits;

namespace {

struct RebaseRecord {
  double R, r_eff, mint, dcp_after, excess_after;
  int streak;
  bool default_now;
};

struct Case8Result {
  std::vector<RebaseRecord> rebases;
  double default_hours = -1.0;  // time of the first rebase_default, h
  double runway0 = 0.0;         // runway_rebases at t = 0
};

// Case 8: constant policy r = 0.003, Q0 = 3e6 all staked (one position is enough: all m = 1),
// DCP0 = 20000, E0 = 5000, no trades or inflows, λ = μ = ν = 0. The state is built so that
// KS3 gives E0 = 5000: a pool holding 1 KSN and 1 USDC (no POL), T_usdc = S + 5000.
Case8Result run_case8(FundingMode mode, int rebases) {
  KsnParams p;
  p.policy.kind = PolicyKind::constant;
  p.policy.r_const = 0.003;
  p.funding.mode = mode;
  p.potp.lambda = p.potp.mu = p.potp.nu = 0.0;
  const RebasePolicy policy(p.policy, p.rebase, p.potp);

  KsnState s;
  s.pool = stampede::market::ConstantProductPool(1.0, 1.0, 0.003);  // L = 1
  s.DCP = 20000.0;
  double stake = 3000000.0;
  s.S = stake + s.DCP + s.pool.token_reserve();
  s.T_usdc = s.S + 5000.0;
  REQUIRE(value_treasury(s, p.treasury, stake).excess == 5000.0);

  RebaseDefaultObserver observer(p.metrics.rebase_default_consecutive, p.rebase.r_min);
  Case8Result out;
  out.runway0 = runway_rebases(s.DCP, policy.rate({}), stake);
  const PotpWeights w = policy.potp_weights({});
  for (int k = 1; k <= rebases; ++k) {
    const double m = potp_multiplier(86400.0 * k, 0.5, 0.5, w, 864000.0, p.potp.m_cap);
    const double Q = stake, W = stake * m;
    const double E = value_treasury(s, p.treasury, Q).excess;
    const RebaseBudget b = plan_rebase(s, p.funding, policy.rate({}), Q, W, E);
    const double reward = rebase_reward(b.g, m, stake);
    stake += reward;
    pay_rebase(s, reward);
    const bool fired = observer.record(b.R, Q);
    if (fired && out.default_hours < 0.0) out.default_hours = 12.0 * k;
    out.rebases.push_back(
        {b.R, b.r_eff, b.mint, s.DCP, value_treasury(s, p.treasury, stake).excess, observer.streak(), fired});
  }
  return out;
}

}  // namespace

TEST_CASE("ksn case 8: DCP exhaustion with dcp_only defaults at 48h") {
  const Case8Result r = run_case8(FundingMode::dcp_only, 5);
  check_digits(r.runway0, 2.222, 3);
  const auto& x = r.rebases;
  check_digits(x[0].R, 9000.0, 0);
  check_digits(x[0].dcp_after, 11000.0, 0);
  check_digits(x[1].R, 9027.0, 0);
  check_digits(x[1].dcp_after, 1973.0, 0);
  check_digits(x[2].R, 1973.0, 0);
  check_digits(x[2].r_eff, 0.00065374, 8);
  CHECK(x[0].streak == 0);
  CHECK(x[1].streak == 0);
  CHECK(x[2].streak == 1);
  CHECK_FALSE(x[2].default_now);
  CHECK(x[3].R == 0.0);
  CHECK(x[3].streak == 2);
  CHECK(x[3].default_now);
  CHECK(r.default_hours == 48.0);
  for (const RebaseRecord& rec : x) CHECK(rec.mint == 0.0);
}

TEST_CASE("ksn case 8: with dcp_plus_surplus_mint and E0 = 5000, rebase 3 mints and default is at 60h") {
  const Case8Result r = run_case8(FundingMode::dcp_plus_surplus_mint, 6);
  const auto& x = r.rebases;
  CHECK(x[0].mint == 0.0);  // the DCP covers r·Q: no mint
  CHECK(x[1].mint == 0.0);
  check_digits(x[0].R, 9000.0, 0);
  check_digits(x[1].R, 9027.0, 0);
  check_digits(x[2].mint, 5000.0, 0);
  check_digits(x[2].R, 6973.0, 0);
  check_digits(x[2].r_eff, 0.00231045, 8);
  check_digits(x[2].excess_after, 0.0, 6);  // E = 0
  CHECK(x[2].streak == 0);
  CHECK(x[3].R == 0.0);
  CHECK(x[3].streak == 1);
  CHECK(x[4].R == 0.0);
  CHECK(x[4].streak == 2);
  CHECK(r.default_hours == 60.0);
}

TEST_CASE("ksn invariants 4 and 6: 0 <= r_eff <= r_t, M <= phi·max(0, E), E stays >= 0 after a mint") {
  std::mt19937_64 gen(2026);
  std::uniform_real_distribution<double> u01(0.0, 1.0);
  for (int k = 0; k < 2000; ++k) {
    KsnFundingParams f;
    f.mode = k % 3 == 0 ? FundingMode::dcp_only : FundingMode::dcp_plus_surplus_mint;
    f.surplus_fraction = u01(gen);
    const double r_t = 0.001 + 0.009 * u01(gen);
    const double Q = k % 17 == 0 ? 0.0 : 1e7 * u01(gen);
    const double W = Q * (1.0 + u01(gen));
    const double E = 2e5 * (u01(gen) - 0.3);
    KsnState s;
    s.DCP = 3e4 * u01(gen) * (k % 5 == 0 ? 0.0 : 1.0);
    s.S = 1e7;
    const double S_before = s.S;
    const RebaseBudget b = plan_rebase(s, f, r_t, Q, W, E);
    CHECK(b.r_eff >= 0.0);
    CHECK(b.r_eff <= r_t);
    CHECK(b.mint >= 0.0);
    CHECK(b.mint <= f.surplus_fraction * std::max(0.0, E));
    CHECK(E - b.mint >= std::min(0.0, E));  // a mint never takes E below 0 (or lower if negative)
    CHECK(s.S - S_before == doctest::Approx(b.mint).epsilon(1e-9).scale(1e-6));
    CHECK(b.R <= s.DCP);
    if (f.mode == FundingMode::dcp_only) CHECK(b.mint == 0.0);
  }
}
