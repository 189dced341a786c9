// klima2.md §9 on the settled state: A, G, carbon by class and USDC conserved, and the bounds.
// Rewards paid per share but not yet credited to an agent (the rps increments of this step's
// after_settle) are counted where they are owed.
#include <cmath>
#include <numeric>
#include <string>

#include "engine/protocols/klima2/path.hpp"

namespace stampede::klima2 {

// The supply identities (minted − burned, issued and vested G, tonnes by flow) hold to 1e-12 of
// the supply; the sums over holders to 1e-11 (rewards owed are units·(rps − snapshot) of
// cumulative rps values, whose differences lose a few digits over years of a path).
constexpr double kHeld = 1e-11;

void Klima2Path::check(const framework::Invariants& inv) const {
  const BondBook& b = s_.bonds;
  double agent_a = 0, agent_g = 0, agent_q = 0;
  SlotArray units = SlotArray::Zero();
  for (int type = 0; type < kNumTypes; ++type) {
    const agents::TypeRange r = pop_->ranges[static_cast<std::size_t>(type)];
    for (std::size_t i = r.begin; i < r.end; ++i) {
      agent_a += a_.a_liq[i];
      agent_g += a_.g_liq[i];
      agent_q += a_.q[i];
      if (a_.a_liq[i] < 0 || a_.g_liq[i] < 0 || a_.q[i] < 0 || a_.units[i] < 0 || a_.tonnes[i] < 0)
        inv.fail("negative balance of agent " + std::to_string(i));
      const std::int32_t k = a_.pos[i];
      if (type == g_staker) agent_g += a_.units[i] + a_.units[i] * (s_.rps_g_g - a_.snap_g[i]), agent_a += a_.units[i] * (s_.rps_g_a - a_.snap_a[i]);
      if (k < 0) continue;
      if (k <= b.r) inv.fail("agent " + std::to_string(i) + " holds a bond or lock of a matured bucket");
      const int sl = BondBook::slot(k);
      if (type == bond_staker) {
        units[sl] += a_.units[i];
        agent_g += a_.units[i] * (b.rps_g[sl] - a_.snap_g[i]);
        agent_a += a_.units[i] * (b.rps_a[sl] - a_.snap_a[i]);
      } else if (type == lp) {
        agent_a += a_.units[i] * (b.rps_lp_a[a_.cls[i]][sl] - a_.snap_a[i]);
        agent_g += a_.units[i] * (b.rps_lp_g[a_.cls[i]][sl] - a_.snap_g[i]);
      }
    }
  }
  double proto_a = s_.protocol_a, proto_g = 0;
  if (s_.proto_ag_pos >= 0) {
    const int sl = BondBook::slot(s_.proto_ag_pos);
    proto_a += s_.proto_ag_shares * (b.rps_lp_a[pool_ag][sl] - s_.proto_snap_a);
    proto_g += s_.proto_ag_shares * (b.rps_lp_g[pool_ag][sl] - s_.proto_snap_g);
  }
  double bonds_a = 0, pending_sales = 0;
  for (int t = 1; t <= kPositions; ++t) bonds_a += b.units[b.slot_at(t)] * b.index[b.slot_at(t)];
  for (const auto& [agent, a] : seller_sales_next_) pending_sales += a;
  const double scale = std::max(1.0, s_.n_a);
  inv.within("A: N_A − a_supply vs minted − burned", s_.n_a - p_.initial.a_supply,
             s_.minted_yield + s_.minted_premium + s_.minted_purchase - s_.burned, 1e-12 * scale);
  inv.within("A: N_A vs agents + bonds + pools + protocol + outside", s_.n_a,
             agent_a + pending_sales + bonds_a + aq_.token_reserve() + ag_.quote_reserve() + proto_a + s_.outside_a,
             kHeld * scale);
  for (int t = 1; t <= kPositions; ++t)
    inv.within("bonds: bucket units vs Σ agents' units", b.units[b.slot_at(t)], units[b.slot_at(t)], 1e-9 * scale);
  const double ngc = n_gc();
  inv.within("G: supply vs unissued + unvested + N_Gc", p_.g.supply, s_.g.unissued + s_.g.unvested_h + s_.g.unvested_o + ngc,
             1e-12 * p_.g.supply);
  inv.within("G: N_Gc vs agents + AG + Treasury + other", ngc, agent_g + ag_.token_reserve() + s_.g.treasury + proto_g + s_.g.other,
             kHeld * p_.g.supply);
  inv.at_most("G: issued ≤ incentive_pool", s_.g.issued, p_.g.incentive_pool, 1e-9 * p_.g.incentive_pool);
  for (int c = 0; c < n_cls_; ++c) {
    const auto k = static_cast<std::size_t>(c);
    const double held = s_.carbon.liquid[k] + b.c_fwd.col(c).sum();
    const double flows = s_.carbon.initial[k] + s_.carbon.bought[k] - s_.carbon.retired[k] - s_.carbon.yielded[k] -
                         s_.carbon.defaulted[k] - s_.carbon.liquidated[k];
    inv.within("C: class " + std::to_string(c + 1) + " held vs initial + bought − retired − yielded − defaulted − liquidated", held,
               flows, 1e-11 * std::max(1.0, s_.carbon.initial[k] + s_.carbon.bought[k]));
    inv.at_least("C: liquid tonnes non-negative", s_.carbon.liquid[k], 0.0, 1e-9);
  }
  inv.within("USDC: AQ + agents vs launch + in − out", aq_.quote_reserve() + agent_q, usdc0_ + s_.usdc_in - s_.usdc_out,
             1e-11 * std::max(1.0, usdc0_ + s_.usdc_in));
  // Bounds.
  const double S = s_.curve.S;
  inv.holds("0 ≤ A_cls ≤ S ≤ 1", s_.a_cls >= -1e-12 && s_.a_cls <= S + 1e-12 && S <= 1 + 1e-12);
  const double staked_cls = std::accumulate(s_.g.staked_cls.begin(), s_.g.staked_cls.end(), 0.0);
  inv.at_most("Σ g_cls ≤ g_st", staked_cls, s_.g.staked, 1e-9 * p_.g.supply);
  if (S > 0) {
    inv.within("Γ_40 = 1", s_.curve.Gamma[kPositions - 1], 1.0, 1e-12);
    for (int t = 0; t < kPositions; ++t) {
      inv.holds("Z_t ≥ 0", s_.curve.Z[t] >= 0);
      inv.holds("B_t in (0, 1]", s_.curve.B[t] > 0 && s_.curve.B[t] <= 1);
      if (t > 0) inv.holds("B_t non-increasing", s_.curve.B[t] <= s_.curve.B[t - 1]);
    }
  }
  inv.holds("λ_GG in [0, 1]", s_.lambda_gg >= 0 && s_.lambda_gg <= 1);
  inv.holds("I_T in [0, 1]", s_.incent_treasury >= 0 && s_.incent_treasury <= 1);
  inv.holds("pool reserves positive",
            aq_.token_reserve() > 0 && aq_.quote_reserve() > 0 && ag_.token_reserve() > 0 && ag_.quote_reserve() > 0);
  inv.holds("outside A non-negative", s_.outside_a >= 0);
}

}  // namespace stampede::klima2
