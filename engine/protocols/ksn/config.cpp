#include "engine/protocols/ksn/ksn.hpp"

#include <cmath>
#include <string>

#include "engine/core/duration.hpp"
#include "engine/market/market_config.hpp"

namespace stampede::ksn {
namespace {

using config::Bounds;
using config::DistSpec;

std::string key(std::string_view a, std::string_view b) { return std::string(a) + "." + std::string(b); }

constexpr const char* kTypeNames[kNumTypes] = {"staker", "bonder", "trader", "lp"};

// Agent-side keys that are not behaviour weights (ksn.md §3, §6).
void declare_agent_extras(config::Schema& s) {
  const KsnAgentParams d;
  for (int t = 0; t < kNumTypes; ++t) {
    s.real(key("agents.init.liquid_share", kTypeNames[t]), d.liquid_share[t], Bounds::closed(0, 1))
        .doc("share of ksn.initial.agent_liquid held by this type (pro rata to wealth)");
    s.real(key("agents.init.usdc_share", kTypeNames[t]), d.usdc_share[t], Bounds::closed(0, 1))
        .doc("share of ksn.initial.agent_usdc held by this type (pro rata to wealth)");
  }
  s.check([](const config::Values& v, config::Reporter& r) {
    double liquid = 0, usdc = 0;
    for (int t = 0; t < kNumTypes; ++t) {
      liquid += v.real(key("agents.init.liquid_share", kTypeNames[t]));
      usdc += v.real(key("agents.init.usdc_share", kTypeNames[t]));
    }
    if (std::abs(liquid - 1.0) > 1e-9)
      r.error("agents.init.liquid_share.staker", "the shares must sum to 1, got " + config::format_number(liquid));
    if (std::abs(usdc - 1.0) > 1e-9)
      r.error("agents.init.usdc_share.staker", "the shares must sum to 1, got " + config::format_number(usdc));
  });
  s.distribution("agents.bonder.required_discount", d.bonder_required_discount, {Bounds::closed(0, 0.5)})
      .doc("d_req_i: the bond discount a bonder asks for");
  s.real("agents.lp.sell_on_withdraw", d.lp_sell_on_withdraw, Bounds::closed(0, 1)).doc("share of the KSN leg sold");
}

}  // namespace

void Ksn::declare(config::Schema& s) {
  market::refuse_shock_targets(s, "ksn");  // one outside demand: no shock targets
  const KsnParams p;
  const auto& in = p.initial;
  s.real("ksn.initial.pool_ksn", in.pool_ksn, Bounds::above(0)).unit("KSN").doc("x0");
  s.real("ksn.initial.pool_usdc", in.pool_usdc, Bounds::above(0)).unit("USDC").doc("y0");
  s.real("ksn.initial.treasury_usdc", in.treasury_usdc, Bounds::at_least(0)).unit("USDC");
  s.real("ksn.initial.treasury_lp_share", in.treasury_lp_share, Bounds::closed(0, 1)).doc("POL share of L0");
  s.real("ksn.initial.treasury_cert", in.treasury_cert, Bounds::at_least(0)).unit("USD").doc("certificates, p_c0 = 1");
  s.real("ksn.initial.staked", in.staked, Bounds::at_least(0)).unit("KSN");
  s.real("ksn.initial.agent_liquid", in.agent_liquid, Bounds::at_least(0)).unit("KSN");
  s.real("ksn.initial.external_ksn", in.external_ksn, Bounds::at_least(0)).unit("KSN").doc("H_ext");
  s.real("ksn.initial.dcp", in.dcp, Bounds::at_least(0)).unit("KSN").doc("DCP0");
  s.real("ksn.initial.agent_usdc", in.agent_usdc, Bounds::at_least(0)).unit("USDC");
  s.distribution("ksn.initial.stake_age", Distribution::uniform(0.0, 60.0 * kSecondsPerDay),
                 DistSpec{Bounds::at_least(0), true, false}).doc("stake age at t0 (since_i = −age)");
  s.distribution("ksn.initial.loyalty", in.loyalty, {Bounds::closed(0, 1)}).doc("L_i at t0");
  s.real("ksn.pool.fee", p.pool.fee, Bounds::closed_open(0, 0.1)).doc("pool fee on the input");
  s.real("ksn.treasury.cert_haircut", p.treasury.cert_haircut, Bounds::closed(0, 1)).doc("h, KS1");
  s.real("ksn.treasury.cert_beta", p.treasury.cert_beta, Bounds::closed(0, 3)).doc("β_c, KS1");
  s.duration("ksn.rebase.period", "12h", "step").doc("rebase period (seed)");
  s.real("ksn.rebase.r_min", p.rebase.r_min, Bounds::open_closed(0, 0.05)).unit("per rebase");
  s.real("ksn.rebase.r_max", p.rebase.r_max, Bounds::open_closed(0, 0.05)).unit("per rebase");
  s.choice("ksn.policy.kind", "sigmoid", {"sigmoid", "constant"}).doc("KS5 policy");
  s.real("ksn.policy.r_const", p.policy.r_const, Bounds::closed(0, 0.05)).unit("per rebase").doc("constant policy");
  s.real("ksn.policy.c0", p.policy.c0).doc("KS5");
  s.real("ksn.policy.c_vol", p.policy.c_vol).doc("KS5");
  s.real("ksn.policy.c_tvl", p.policy.c_tvl).doc("KS5");
  s.real("ksn.policy.c_collab", p.policy.c_collab).doc("KS5");
  s.duration("ksn.policy.window", "7d", "ksn.rebase.period").doc("KS5/KS6 look-back");
  s.real("ksn.policy.vol_ref", p.policy.vol_ref, Bounds::at_least(0)).doc("v with no history");
  s.choice("ksn.funding.mode", "dcp_plus_surplus_mint", {"dcp_only", "dcp_plus_surplus_mint"}).doc("KS7");
  s.real("ksn.funding.surplus_fraction", p.funding.surplus_fraction, Bounds::closed(0, 1)).doc("φ, KS7");
  s.real("ksn.dcp.penalty_max", p.dcp.penalty_max, Bounds::closed(0, 0.5)).doc("p_max, KS11");
  s.duration("ksn.dcp.penalty_period", "30d", "step").doc("T_pen, KS11");
  s.real("ksn.dcp.penalty_dcp_share", p.dcp.penalty_dcp_share, Bounds::closed(0, 1)).doc("s_p; rest burned");
  s.real("ksn.dcp.sell_tax", p.dcp.sell_tax, Bounds::closed(0, 0.1)).doc("τ_s, KS12");
  s.real("ksn.dcp.sell_tax_dcp_share", p.dcp.sell_tax_dcp_share, Bounds::closed(0, 1)).doc("s_τ; rest burned");
  s.real("ksn.potp.lambda", p.potp.lambda, Bounds::closed(0, 1)).doc("KS10");
  s.real("ksn.potp.mu", p.potp.mu, Bounds::closed(0, 1)).doc("KS10");
  s.real("ksn.potp.nu", p.potp.nu, Bounds::closed(0, 1)).doc("KS10");
  s.duration("ksn.potp.time_scale", "10d").doc("t_s, KS10");
  s.real("ksn.potp.m_cap", p.potp.m_cap, Bounds::closed(1, 10)).doc("KS10");
  s.duration("ksn.potp.loyalty_tau", "30d").doc("τ_L, KS10");
  s.duration("ksn.potp.update_period", "24h", "step").doc("policy weight update period");
  s.choice("ksn.potp.weights_policy", "fixed", {"fixed"});
  s.distribution("ksn.potp.gov_participation", p.potp.gov_participation, {Bounds::closed(0, 1)}).doc("G_i");
  s.choice("ksn.bond.type_policy", "auto", {"auto", "reserve_only", "lp_only"}).doc("KS14");
  s.real("ksn.bond.stable_target", p.bond.stable_target, Bounds::closed(0, 1)).doc("σ*, KS14");
  s.real("ksn.bond.bcv", p.bond.bcv, Bounds::at_least(0)).doc("KS13");
  s.real("ksn.bond.zero_debt_discount", p.bond.zero_debt_discount, Bounds::closed(0, 0.5)).doc("d0, KS13");
  s.real("ksn.bond.min_price", p.bond.min_price, Bounds::above(0)).unit("USDC").doc("p_min, KS13");
  s.real("ksn.bond.max_payout", p.bond.max_payout, Bounds::open_closed(0, 0.01)).unit("of S").doc("π_max, KS14");
  s.real("ksn.bond.max_debt", p.bond.max_debt, Bounds::open_closed(0, 1)).unit("of S").doc("D_max, KS14");
  s.duration("ksn.bond.vesting", "5d", "step").doc("T_v");
  s.duration("ksn.bond.claim_period", "24h", "step").doc("KS20");
  s.check([](const config::Values& v, config::Reporter& r) {
    if (v.real("ksn.rebase.r_min") > v.real("ksn.rebase.r_max"))
      r.error("ksn.rebase.r_min", "must be <= ksn.rebase.r_max (" + config::format_number(v.real("ksn.rebase.r_max")) + ")");
    const double rc = v.real("ksn.policy.r_const");
    if (rc < v.real("ksn.rebase.r_min") || rc > v.real("ksn.rebase.r_max"))
      r.error("ksn.policy.r_const", "must lie in [ksn.rebase.r_min, ksn.rebase.r_max]");
  });
  s.real("metrics.ksn.bank_run.fraction", 0.25, Bounds::open_closed(0, 1)).doc("bank_run threshold");
  s.duration("metrics.ksn.bank_run.window", "72h", "step").doc("bank_run window");
  s.duration("metrics.ksn.below_backing.duration", "24h", "step").doc("below_backing run length");
  s.integer("metrics.ksn.rebase_default.consecutive", 2, Bounds::closed(1, 1000)).doc("rebase_default streak");
  declare_agent_extras(s);
  // KSN's calibrated market (ksn.md §3, §7). No outside LPs exist, so liquidity_drain is refused.
  s.param("market.demand.mean_per_circ").set_default(1e-3);
  s.param("market.demand.elasticity").set_default(0.002);
  s.param("market.demand.sd").set_default(1e4);
  s.param("market.demand.ref").set_choices({"ma7d", "backing"}).set_default("ma7d");
  s.param("market.shocks").field("kind").choices = {"crash", "demand", "whale_exit", "reserve_depeg"};
}

Ksn::Params Ksn::read(const Scenario& scenario, const agents::Behaviour& behaviour) {
  (void)behaviour;
  const config::Values& v = *scenario.values;
  KsnScenario sc;
  KsnParams& p = sc.params;
  auto& in = p.initial;
  in.pool_ksn = v.real("ksn.initial.pool_ksn");
  in.pool_usdc = v.real("ksn.initial.pool_usdc");
  in.treasury_usdc = v.real("ksn.initial.treasury_usdc");
  in.treasury_lp_share = v.real("ksn.initial.treasury_lp_share");
  in.treasury_cert = v.real("ksn.initial.treasury_cert");
  in.staked = v.real("ksn.initial.staked");
  in.agent_liquid = v.real("ksn.initial.agent_liquid");
  in.external_ksn = v.real("ksn.initial.external_ksn");
  in.dcp = v.real("ksn.initial.dcp");
  in.agent_usdc = v.real("ksn.initial.agent_usdc");
  in.stake_age = v.distribution("ksn.initial.stake_age");
  in.loyalty = v.distribution("ksn.initial.loyalty");
  p.pool.fee = v.real("ksn.pool.fee");
  p.treasury.cert_haircut = v.real("ksn.treasury.cert_haircut");
  p.treasury.cert_beta = v.real("ksn.treasury.cert_beta");
  p.rebase.period = v.duration_s("ksn.rebase.period");
  p.rebase.r_min = v.real("ksn.rebase.r_min");
  p.rebase.r_max = v.real("ksn.rebase.r_max");
  p.policy.kind = v.text("ksn.policy.kind") == "constant" ? PolicyKind::constant : PolicyKind::sigmoid;
  p.policy.r_const = v.real("ksn.policy.r_const");
  p.policy.c0 = v.real("ksn.policy.c0");
  p.policy.c_vol = v.real("ksn.policy.c_vol");
  p.policy.c_tvl = v.real("ksn.policy.c_tvl");
  p.policy.c_collab = v.real("ksn.policy.c_collab");
  p.policy.window = v.duration_s("ksn.policy.window");
  p.policy.vol_ref = v.real("ksn.policy.vol_ref");
  p.funding.mode = v.text("ksn.funding.mode") == "dcp_only" ? FundingMode::dcp_only : FundingMode::dcp_plus_surplus_mint;
  p.funding.surplus_fraction = v.real("ksn.funding.surplus_fraction");
  p.dcp.penalty_max = v.real("ksn.dcp.penalty_max");
  p.dcp.penalty_period = v.duration_s("ksn.dcp.penalty_period");
  p.dcp.penalty_dcp_share = v.real("ksn.dcp.penalty_dcp_share");
  p.dcp.sell_tax = v.real("ksn.dcp.sell_tax");
  p.dcp.sell_tax_dcp_share = v.real("ksn.dcp.sell_tax_dcp_share");
  p.potp.lambda = v.real("ksn.potp.lambda");
  p.potp.mu = v.real("ksn.potp.mu");
  p.potp.nu = v.real("ksn.potp.nu");
  p.potp.time_scale = v.duration_s("ksn.potp.time_scale");
  p.potp.m_cap = v.real("ksn.potp.m_cap");
  p.potp.loyalty_tau = v.duration_s("ksn.potp.loyalty_tau");
  p.potp.update_period = v.duration_s("ksn.potp.update_period");
  p.potp.gov_participation = v.distribution("ksn.potp.gov_participation");
  const std::string& tp = v.text("ksn.bond.type_policy");
  p.bond.type_policy = tp == "reserve_only" ? BondTypePolicy::reserve_only
                       : tp == "lp_only"    ? BondTypePolicy::lp_only
                                            : BondTypePolicy::automatic;
  p.bond.stable_target = v.real("ksn.bond.stable_target");
  p.bond.bcv = v.real("ksn.bond.bcv");
  p.bond.zero_debt_discount = v.real("ksn.bond.zero_debt_discount");
  p.bond.min_price = v.real("ksn.bond.min_price");
  p.bond.max_payout = v.real("ksn.bond.max_payout");
  p.bond.max_debt = v.real("ksn.bond.max_debt");
  p.bond.vesting = v.duration_s("ksn.bond.vesting");
  p.bond.claim_period = v.duration_s("ksn.bond.claim_period");
  p.metrics.bank_run_fraction = v.real("metrics.ksn.bank_run.fraction");
  p.metrics.bank_run_window = v.duration_s("metrics.ksn.bank_run.window");
  p.metrics.below_backing_duration = v.duration_s("metrics.ksn.below_backing.duration");
  p.metrics.rebase_default_consecutive = static_cast<int>(v.integer("metrics.ksn.rebase_default.consecutive"));
  p.market.demand_mean_per_circ = v.real("market.demand.mean_per_circ");
  p.market.demand_elasticity = v.real("market.demand.elasticity");
  p.market.demand_ref = v.text("market.demand.ref") == "backing" ? DemandRef::backing : DemandRef::ma7d;
  p.market.demand_theta = v.real("market.demand.theta");
  p.market.demand_sd = v.real("market.demand.sd");

  for (int t = 0; t < kNumTypes; ++t) {
    p.agents.liquid_share[t] = v.real(key("agents.init.liquid_share", kTypeNames[t]));
    p.agents.usdc_share[t] = v.real(key("agents.init.usdc_share", kTypeNames[t]));
  }
  p.agents.bonder_required_discount = v.distribution("agents.bonder.required_discount");
  p.agents.lp_sell_on_withdraw = v.real("agents.lp.sell_on_withdraw");
  p.agents.wealth = v.distribution("agents.init.wealth");
  sc.market = market::read_market(v);
  return sc;
}

}  // namespace stampede::ksn
