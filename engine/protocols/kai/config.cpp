#include <algorithm>

#include "engine/core/errors.hpp"
#include "engine/protocols/kai/kai.hpp"

#include <cmath>
#include <string>

#include "engine/core/duration.hpp"
#include "engine/market/market_config.hpp"

namespace stampede::kai {
namespace {

using config::Bounds;

std::string key(std::string_view a, std::string_view b) { return std::string(a) + "." + std::string(b); }

// Agent-side keys that are not behaviour weights (kai.md §3 initial state, §6 *_frac, K18).
void declare_agent_extras(config::Schema& s) {
  const KaiAgentParams d;
  const char* types[] = {"holder", "staker", "bond_buyer", "lp"};
  for (int t = 0; t < kNumTypes; ++t)
    s.real(key("agents.init.kai_share", types[t]), d.kai_share[t], Bounds::closed(0, 1))
        .doc("share of an agent's initial wealth held as KAI (rest KUSDT)");
  s.real("agents.staker.claim_sell_frac", d.claim_sell_frac, Bounds::closed(0, 1)).doc("share of claimed KAI sold");
  s.real("agents.staker.exit_sell_frac", d.exit_sell_frac, Bounds::closed(0, 1)).doc("share of KAI claimed on withdraw that is sold");
  s.real("agents.bond_buyer.redeem_sell_frac", d.redeem_sell_frac, Bounds::closed(0, 1)).doc("share of redeemed KAI sold");
  s.real("agents.lp.lp_sell_kai_frac", d.lp_sell_kai_frac, Bounds::closed(0, 1)).doc("share of the KAI leg of removed liquidity sold");
  const ArbitrageurParams arb;
  s.real("agents.arbitrageur.band", arb.band, Bounds::closed(0, 0.1)).unit("KUSDT").doc("K18: trades when |p − peg| > band");
  s.real("agents.arbitrageur.capital_kusdt", arb.capital_kusdt, Bounds::at_least(0)).unit("KUSDT").doc("K18 stock");
  s.real("agents.arbitrageur.capital_kai", arb.capital_kai, Bounds::at_least(0)).unit("KAI").doc("K18 stock, out of ext_kai");
}

}  // namespace

void Kai::declare(config::Schema& s) {
  market::refuse_shock_targets(s, "kai");  // one outside demand: no shock targets
  const KaiParams p;
  s.duration("kai.round", "1h", "step").doc("round period: TWAP read, expansion or contraction (seed)");
  s.real("kai.expansion_threshold", p.expansion_threshold, Bounds::open_closed(0, 2)).unit("KUSDT").doc("K3: expansion at or above");
  s.real("kai.peg", p.peg, Bounds::open_closed(0, 2)).unit("KUSDT").doc("redemption and buyback-mint reference");
  s.choice("kai.issuance_mode", "fixed", {"fixed", "tiered"}).doc("K5: round-340 fixed rate or the tier table");
  s.real("kai.fixed_rate", p.fixed_rate, Bounds::closed(0, 0.1)).unit("of C per round").doc("K5 fixed mode");
  s.real("kai.tiered.expansion_factor", p.expansion_factor, Bounds::closed(0, 2)).doc("K5 tiered mode: rate = factor·(twap − peg)");
  config::Table tiers;
  for (const auto& t : p.tiers) tiers.push_back({t.supply_from, t.cap});
  s.table("kai.tiered.tiers", tiers, {{"supply", "cap"}, {Bounds::at_least(0), Bounds::closed(0, 0.1)}, true, 1})
      .doc("K5: [supply bound, cap] rows, supply ascending");
  s.integer("kai.bootstrap_rounds", p.bootstrap_rounds, Bounds::closed(0, 1000)).doc("rounds at the bootstrap rate");
  s.real("kai.bootstrap_rate", p.bootstrap_rate, Bounds::closed(0, 0.1)).unit("of C per round");
  s.real("kai.debt_issuance_rate", p.debt_issuance_rate, Bounds::closed(0.001, 0.15)).unit("of C per round").doc("K5 debt phase");
  s.choice("kai.debt_issuance_mode", "seed", {"seed", "code"}).doc("K5: seed = the debt rate; code = min(factor·(twap − peg), rate)");
  s.real("kai.debt_board_share", p.debt_board_share, Bounds::closed(0, 1)).doc("K7: boardroom share of E in the debt phase");
  s.real("kai.team_share", p.team_share, Bounds::closed(0, 0.3)).doc("K8: team share of the boardroom allocation");
  s.real("kai.keeper_reward", p.keeper_reward, Bounds::closed(0, 100)).unit("KAI per round").doc("K10");
  s.real("kai.buyback.min_share", p.buyback.min_share, Bounds::closed(0, 1)).doc("K9: BB ≥ min_share·E");
  s.real("kai.buyback.threshold", p.buyback.threshold, Bounds::closed(1, 2)).unit("KUSDT").doc("K9");
  s.real("kai.buyback.rate", p.buyback.rate, Bounds::closed(0, 1)).doc("K9");
  s.real("kai.buyback.max_rate", p.buyback.max_rate, Bounds::closed(0, 0.1)).unit("of C").doc("K9");
  s.real("kai.buyback.sell_above", p.buyback.sell_above, Bounds::closed(1, 2)).unit("KUSDT").doc("K14");
  s.real("kai.buyback.buy_below", p.buyback.buy_below, Bounds::open_closed(0, 1)).unit("KUSDT").doc("K14");
  s.real("kai.buyback.max_sell_per_round", p.buyback.max_sell_per_round, Bounds::at_least(0)).unit("KAI").doc("K14");
  s.real("kai.buyback.max_buy_per_round", p.buyback.max_buy_per_round, Bounds::at_least(0)).unit("KUSDT").doc("K14");
  s.real("kai.buyback.trade_probability", p.buyback.trade_probability, Bounds::closed(0, 1)).doc("K14, per round");
  s.real("kai.buyback.lp_fraction", p.buyback.lp_fraction, Bounds::closed(0, 0.7)).doc("K14: share of bb_kusdt kept idle as LP");
  s.real("kai.contraction_cap", p.contraction_cap, Bounds::closed(0.001, 0.15)).unit("of S per round").doc("K11");
  s.real("kai.max_debt_ratio", p.max_debt_ratio, Bounds::closed(0.1, 1)).doc("K19: B ≤ ratio·base");
  s.choice("kai.debt_cap_base", "circulation", {"circulation", "supply"}).doc("K19 base");
  s.real("kai.redeem_penalty", p.redeem_penalty, Bounds::closed(0.9, 1)).unit("KAI per bKAI").doc("K16 below peg");
  s.integer("kai.board.withdraw_lockup_rounds", p.board.withdraw_lockup_rounds, Bounds::closed(0, 42)).doc("K15");
  s.integer("kai.board.reward_lockup_rounds", p.board.reward_lockup_rounds, Bounds::closed(0, 42)).doc("K15");
  s.real("kai.bkai_lp.slope", p.bkai_lp.slope, Bounds::at_least(0)).doc("K12 earn rate");
  s.real("kai.bkai_lp.offset", p.bkai_lp.offset, Bounds::at_least(0)).unit("%").doc("K12");
  s.real("kai.bkai_lp.min", p.bkai_lp.min, Bounds::closed(0, 100)).unit("%").doc("K12");
  s.real("kai.bkai_lp.max", p.bkai_lp.max, Bounds::closed(0, 100)).unit("%").doc("K12");
  s.integer("kai.bkai_lp.hold_rounds", p.bkai_lp.hold_rounds, Bounds::closed(0, 100)).doc("K12");
  s.check([](const config::Values& v, config::Reporter& r) {
    if (v.real("kai.bkai_lp.min") > v.real("kai.bkai_lp.max"))
      r.error("kai.bkai_lp.min", "must be <= kai.bkai_lp.max (" + config::format_number(v.real("kai.bkai_lp.max")) + ")");
  });
  s.real("kai.skai_emission_per_round", p.skai_emission_per_round, Bounds::at_least(0)).unit("sKAI").doc("K13");
  s.real("kai.skai_price", p.skai_price, Bounds::above(0)).unit("KUSDT").doc("K24, signals");
  s.real("kai.pool.fee", p.pool.fee, Bounds::closed(0, 0.1)).doc("pool fee on the input");
  s.real("kai.pool.kai", p.pool.kai, Bounds::above(0)).unit("KAI").doc("initial pool reserve");
  s.real("kai.pool.kusdt", p.pool.kusdt, Bounds::above(0)).unit("KUSDT").doc("initial pool reserve");
  const auto& in = p.initial;
  s.real("kai.initial.kai_supply", in.kai_supply, Bounds::above(0)).unit("KAI");
  s.real("kai.initial.treasury_kai", in.treasury_kai, Bounds::at_least(0)).unit("KAI");
  s.real("kai.initial.bkai_supply", in.bkai_supply, Bounds::at_least(0)).unit("bKAI");
  s.real("kai.initial.board_staked", in.board_staked, Bounds::at_least(0)).unit("sKAI");
  s.real("kai.initial.skai_supply", in.skai_supply, Bounds::at_least(0)).unit("sKAI");
  s.real("kai.initial.agent_kai", in.agent_kai, Bounds::at_least(0)).unit("KAI");
  s.real("kai.initial.agent_kusdt", in.agent_kusdt, Bounds::at_least(0)).unit("KUSDT");
  s.real("kai.initial.bb_kusdt", in.bb_kusdt, Bounds::at_least(0)).unit("KUSDT");
  s.real("kai.initial.bb_kai", in.bb_kai, Bounds::at_least(0)).unit("KAI");
  s.real("kai.initial.team_kai", in.team_kai, Bounds::at_least(0)).unit("KAI");
  s.real("kai.initial.agent_lp_share", in.agent_lp_share, Bounds::closed(0, 1)).doc("share of L_0 held by agent LPs");
  s.check([](const config::Values& v, config::Reporter& r) {
    if (v.real("kai.initial.board_staked") > v.real("kai.initial.skai_supply"))
      r.error("kai.initial.board_staked", "must be <= kai.initial.skai_supply (" +
                                              config::format_number(v.real("kai.initial.skai_supply")) + ")");
    const double ext = v.real("kai.initial.kai_supply") - v.real("kai.initial.agent_kai") - v.real("kai.pool.kai") -
                       v.real("kai.initial.treasury_kai") - v.real("kai.initial.team_kai") -
                       v.real("kai.initial.bb_kai") - v.real("agents.arbitrageur.capital_kai");
    if (ext < 0)
      r.error("kai.initial.kai_supply",
              "too small for the KAI placed elsewhere: ext_kai = S − agent_kai − pool.kai − treasury − team − "
              "bb_kai − arbitrageur.capital_kai = " + config::format_number(ext) + " < 0");
  });
  const KaiMetricParams m;
  s.real("metrics.kai.depeg_level", m.depeg_level, Bounds::open_closed(0, 2)).unit("KUSDT").doc("depeg: TWAP below this");
  s.integer("metrics.kai.depeg_rounds", m.depeg_rounds, Bounds::closed(1, 100000)).doc("depeg: for this many consecutive rounds");
  s.real("metrics.kai.bank_run_boardroom", m.bank_run_boardroom, Bounds::open_closed(0, 10)).doc("sKAI withdrawn in 24h / Σst");
  s.real("metrics.kai.bank_run_liquidity", m.bank_run_liquidity, Bounds::open_closed(0, 10)).doc("KUSDT removed in 24h / pool KUSDT");
  declare_agent_extras(s);
  // KAI's calibrated demand (kai.md §7); reserve_depeg is meaningless in a KUSDT-only model.
  s.param("market.demand.mean_per_circ").set_default(4.5e-4);
  s.param("market.demand.elasticity").set_default(0.02);
  s.param("market.shocks").field("kind").choices = {"crash", "demand", "whale_exit", "liquidity_drain"};
}

Kai::Params Kai::read(const Scenario& scenario, const agents::Behaviour& behaviour) {
  const config::Values& v = *scenario.values;
  KaiScenario sc;
  KaiParams& p = sc.params;
  p.round_seconds = static_cast<double>(v.duration_s("kai.round"));
  p.expansion_threshold = v.real("kai.expansion_threshold");
  p.peg = v.real("kai.peg");
  p.issuance_mode = v.text("kai.issuance_mode") == "tiered" ? IssuanceMode::tiered : IssuanceMode::fixed;
  p.fixed_rate = v.real("kai.fixed_rate");
  p.expansion_factor = v.real("kai.tiered.expansion_factor");
  p.tiers.clear();
  for (const auto& row : v.table("kai.tiered.tiers")) p.tiers.push_back({row[0], row[1]});
  p.bootstrap_rounds = static_cast<int>(v.integer("kai.bootstrap_rounds"));
  p.bootstrap_rate = v.real("kai.bootstrap_rate");
  p.debt_issuance_rate = v.real("kai.debt_issuance_rate");
  p.debt_issuance_mode = v.text("kai.debt_issuance_mode") == "code" ? DebtIssuanceMode::code : DebtIssuanceMode::seed;
  p.debt_board_share = v.real("kai.debt_board_share");
  p.team_share = v.real("kai.team_share");
  p.keeper_reward = v.real("kai.keeper_reward");
  auto& bb = p.buyback;
  bb.min_share = v.real("kai.buyback.min_share");
  bb.threshold = v.real("kai.buyback.threshold");
  bb.rate = v.real("kai.buyback.rate");
  bb.max_rate = v.real("kai.buyback.max_rate");
  bb.sell_above = v.real("kai.buyback.sell_above");
  bb.buy_below = v.real("kai.buyback.buy_below");
  bb.max_sell_per_round = v.real("kai.buyback.max_sell_per_round");
  bb.max_buy_per_round = v.real("kai.buyback.max_buy_per_round");
  bb.trade_probability = v.real("kai.buyback.trade_probability");
  bb.lp_fraction = v.real("kai.buyback.lp_fraction");
  p.contraction_cap = v.real("kai.contraction_cap");
  p.max_debt_ratio = v.real("kai.max_debt_ratio");
  p.debt_cap_base = v.text("kai.debt_cap_base") == "supply" ? DebtCapBase::supply : DebtCapBase::circulation;
  p.redeem_penalty = v.real("kai.redeem_penalty");
  p.board.withdraw_lockup_rounds = static_cast<int>(v.integer("kai.board.withdraw_lockup_rounds"));
  p.board.reward_lockup_rounds = static_cast<int>(v.integer("kai.board.reward_lockup_rounds"));
  p.bkai_lp.slope = v.real("kai.bkai_lp.slope");
  p.bkai_lp.offset = v.real("kai.bkai_lp.offset");
  p.bkai_lp.min = v.real("kai.bkai_lp.min");
  p.bkai_lp.max = v.real("kai.bkai_lp.max");
  p.bkai_lp.hold_rounds = static_cast<int>(v.integer("kai.bkai_lp.hold_rounds"));
  p.skai_emission_per_round = v.real("kai.skai_emission_per_round");
  p.skai_price = v.real("kai.skai_price");
  p.pool.fee = v.real("kai.pool.fee");
  p.pool.kai = v.real("kai.pool.kai");
  p.pool.kusdt = v.real("kai.pool.kusdt");
  auto& in = p.initial;
  in.kai_supply = v.real("kai.initial.kai_supply");
  in.treasury_kai = v.real("kai.initial.treasury_kai");
  in.bkai_supply = v.real("kai.initial.bkai_supply");
  in.board_staked = v.real("kai.initial.board_staked");
  in.skai_supply = v.real("kai.initial.skai_supply");
  in.agent_kai = v.real("kai.initial.agent_kai");
  in.agent_kusdt = v.real("kai.initial.agent_kusdt");
  in.bb_kusdt = v.real("kai.initial.bb_kusdt");
  in.bb_kai = v.real("kai.initial.bb_kai");
  in.team_kai = v.real("kai.initial.team_kai");
  in.agent_lp_share = v.real("kai.initial.agent_lp_share");
  p.arbitrageur.band = v.real("agents.arbitrageur.band");
  p.arbitrageur.capital_kusdt = v.real("agents.arbitrageur.capital_kusdt");
  p.arbitrageur.capital_kai = v.real("agents.arbitrageur.capital_kai");

  auto& m = sc.metrics;
  m.depeg_level = v.real("metrics.kai.depeg_level");
  m.depeg_rounds = static_cast<int>(v.integer("metrics.kai.depeg_rounds"));
  m.bank_run_boardroom = v.real("metrics.kai.bank_run_boardroom");
  m.bank_run_liquidity = v.real("metrics.kai.bank_run_liquidity");

  auto& ag = sc.agents;
  const char* types[] = {"holder", "staker", "bond_buyer", "lp"};
  for (int t = 0; t < kNumTypes; ++t) ag.kai_share[t] = v.real(key("agents.init.kai_share", types[t]));
  ag.wealth = v.distribution("agents.init.wealth");
  ag.claim_sell_frac = v.real("agents.staker.claim_sell_frac");
  ag.exit_sell_frac = v.real("agents.staker.exit_sell_frac");
  ag.redeem_sell_frac = v.real("agents.bond_buyer.redeem_sell_frac");
  ag.lp_sell_kai_frac = v.real("agents.lp.lp_sell_kai_frac");
  // Initial bKAI needs bond buyers to hold it (kai.md §3: a type with no agents leaves its share outside,
  // but bKAI outside the population is not modelled).
  if (p.initial.bkai_supply > 0 && behaviour.type[bond_buyer].mix * static_cast<double>(scenario.agents) < 1.0) {
    const auto w = v.where("kai.initial.bkai_supply");
    throw InputError({Diagnostic{w.file, w.line, w.column, "kai.initial.bkai_supply",
                                 "initial bKAI needs bond_buyer agents to hold it (agents.mix.bond_buyer × agents.count < 1)"}});
  }
  sc.market = market::read_market(v);
  return sc;
}

}  // namespace stampede::kai
