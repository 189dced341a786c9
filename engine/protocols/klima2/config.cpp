// Klima 2.0's keys (klima2.md §3, §8) and their reading into Klima2Params.
#include <cmath>
#include <string>

#include "engine/core/errors.hpp"
#include "engine/market/market_config.hpp"
#include "engine/protocols/klima2/klima2.hpp"
#include "engine/protocols/klima2/path.hpp"

namespace stampede::klima2 {
namespace {

using config::Bounds;
using config::DistSpec;
using config::Table;
using config::TableSpec;

Table column(const std::vector<double>& v) {
  Table t;
  for (double x : v) t.push_back({x});
  return t;
}

// A per-class list: one entry applies to every class, else exactly n_classes entries.
std::vector<double> per_class(const config::Values& v, const std::string& key, int n) {
  const Table& t = v.table(key);
  std::vector<double> out;
  if (t.empty()) return out;
  if (t.size() == 1) return std::vector<double>(static_cast<std::size_t>(n), t[0][0]);
  if (t.size() != static_cast<std::size_t>(n))
    throw InputError(key + ": give one value (every class) or klima2.n_classes = " + std::to_string(n) + " values, got " +
                     std::to_string(t.size()));
  for (const auto& row : t) out.push_back(row[0]);
  return out;
}

double months(std::int64_t seconds) { return static_cast<double>(seconds) / (kHoursPerMonth * 3600.0); }

}  // namespace

void Klima2::declare(config::Schema& s) {
  const Klima2Params p;
  const TableSpec list{{"value"}, {Bounds::at_least(0)}, false, 1};
  const TableSpec list0{{"value"}, {Bounds::above(0)}, false, 0};
  s.integer("klima2.n_classes", p.n_classes, Bounds::closed(1, 64)).doc("carbon classes");
  s.duration("klima2.start_at", "", "step")
      .nullable()
      .doc("start the paths this long after launch: each path is simulated from launch that long first (a warm-up), "
           "then the horizon, its events, records and finals begin (null: at launch)");
  s.table("klima2.class_pref", column(p.class_pref), list).doc("class-preference weights (seed Table 2's A_i row): one per class, or one for every class");
  s.real("klima2.initial.a_supply", p.initial.a_supply, Bounds::above(0)).doc("N_A at launch");
  s.table("klima2.initial.tonnes_liquid", column({5e6}), list).doc("C_i0 per class, t (one value: every class)");
  s.table("klima2.initial.tonnes_forward", column({0.0}), list).doc("forward tonnes per class, t, even over positions 1..40");
  s.real("klima2.initial.bonded_fraction", p.initial.bonded_fraction, Bounds::closed(0, 0.875)).doc("of N_A, even over positions");
  s.real("klima2.initial.class_stake_fraction", p.initial.class_stake_fraction, Bounds::closed(0, 0.875))
      .doc("of N_A: bonded A that selects a class, split by class_pref");
  s.real("klima2.initial.a_price", p.initial.a_price, Bounds::above(0)).unit("USDC").doc("AQ's initial price");
  s.real("klima2.initial.aq_a", p.initial.aq_a, Bounds::above(0)).doc("A in AQ at launch");
  s.real("klima2.initial.ag_a", p.initial.ag_a, Bounds::above(0)).doc("A in AG at launch");
  s.real("klima2.initial.ag_g", p.initial.ag_g, Bounds::above(0)).doc("G in AG at launch");
  s.integer("klima2.initial.ag_lock_position", p.initial.ag_lock_position, Bounds::closed(1, 40))
      .doc("the launch AG shares (Treasury, 01X) locked at this position");
  s.duration("klima2.bond.roll_period", "90d", "step").doc("bucket roll (5.5)");
  s.real("klima2.bond.years_per_position", p.years_per_position, Bounds::open_closed(0, 1)).doc("E_t = this·t");
  s.choice("klima2.bond.expiry_mode", "label", {"label", "exact"}).doc("E_t: the fixed label, or the true time to expiry");
  s.duration("klima2.trade_period", "1d", "step").doc("portfolio manager period (5.3)");
  s.real("klima2.portfolio.max_retire_fraction", p.max_retire_fraction, Bounds::open(0, 1)).doc("cap of tonnes/C_i0 per class and period");
  s.table("klima2.carbon.price0", Table{}, list0).doc("USD/t per class at t = 0; empty: aam_mid, ½(bid + ask)·P_A");
  s.real("klima2.carbon.vol", p.carbon_vol, Bounds::at_least(0)).unit("per year").doc("σ of the carbon GBM (5.1)");
  s.real("klima2.carbon.market_corr", p.market_corr, Bounds::closed(-1, 1)).doc("c, correlation with the market factor");
  s.real("klima2.forward.default_rate", p.default_rate, Bounds::closed(0, 1)).doc("forward tonnes never delivered");
  s.real("klima2.carbon_yield.resell_fraction", p.resell_fraction, Bounds::closed(0, 1))
      .doc("yielded tonnes sold back to the AAM next period (A to the bonds)");
  s.real("klima2.pools.ag_fee", p.ag_fee, Bounds::closed(0, 0.05)).doc("AG fee");
  s.real("klima2.pools.aq_fee", p.aq_fee, Bounds::closed(0, 0.05)).doc("AQ fee");
  s.real("klima2.g.supply", p.g.supply, Bounds::above(0)).doc("G supply (fixed)");
  s.real("klima2.g.incentive_pool", p.g.incentive_pool, Bounds::above(0)).doc("G issued by the incentive curve");
  s.real("klima2.g.p0", p.g.p0, Bounds::open(0, 0.5)).doc("P_0 of KL32");
  s.duration("klima2.g.t_half", "730d").doc("T of KL33 (months of 730h)");
  s.duration("klima2.g.incentive_period", "1d", "step").doc("G incentives and vesting period (5.6)");
  s.real("klima2.g.holder_vesting", p.g.holder_vesting, Bounds::at_least(0)).doc("G vested to holder types by initial A");
  s.real("klima2.g.other_vesting", p.g.other_vesting, Bounds::at_least(0)).doc("G vested to the passive `other` account");
  s.duration("klima2.g.vest_start", "2190h").doc("τ_s of KL45");
  s.duration("klima2.g.vest_end", "35040h").doc("τ_e of KL45");
  s.real("agents.lp.aq_share", p.lp_aq_share, Bounds::closed(0, 1)).doc("LPs in AQ (else AG)");
  s.real("agents.lp.lock_prob", p.lp_lock_prob, Bounds::closed(0, 1)).doc("chance an add is locked (KL46 position)");
  s.real("agents.bond_staker.class_select_prob", p.class_select_prob, Bounds::closed(0, 1)).doc("a new bond selects a class");
  s.real("agents.bond_staker.reselect_rate", p.reselect_rate, Bounds::at_least(0)).unit("per day").doc("class re-selection hazard");
  s.real("agents.init.usdc_per_a", p.usdc_per_a, Bounds::at_least(0)).doc("USDC per A held at launch (liquid_holder, bond_staker, g_staker)");
  s.real("klima2.aq_min_shares", p.aq_min_shares, Bounds::closed_open(0, 1)).doc("protocol-held AQ shares, never removed");
  s.real("klima2.offset.max_pool_fraction", p.offset_max_pool_fraction, Bounds::open(0, 1)).doc("cap of a period's offset buys / x_aq");
  s.distribution("klima2.bucket_tilt", p.bucket_tilt, DistSpec{Bounds::at_least(0)}).doc("κ_i of KL46");
  s.table("agents.carbon_seller.rate", column(p.seller.rate), list).doc("orders/day per class");
  s.distribution("agents.carbon_seller.size", p.seller.size, DistSpec{Bounds::above(0)}).doc("tonnes per order");
  s.real("agents.carbon_seller.spot_prob", p.seller.spot_prob, Bounds::closed(0, 1)).doc("spot order (else forward)");
  s.integer("agents.carbon_seller.forward_min", p.seller.forward_min, Bounds::closed(1, 40)).doc("forward position, lowest");
  s.integer("agents.carbon_seller.forward_max", p.seller.forward_max, Bounds::closed(1, 40)).doc("forward position, highest");
  s.real("agents.carbon_seller.discount_rate", p.seller.discount_rate, Bounds::at_least(0)).unit("per year").doc("ρ of gap");
  s.distribution("agents.carbon_seller.sell_fraction", p.seller.sell_fraction, DistSpec{Bounds::closed(0, 1)})
      .doc("share of minted A sold on AQ the next step");
  s.table("agents.offset_buyer.rate", column(p.buyer.rate), list).doc("orders/day per class");
  s.distribution("agents.offset_buyer.size", p.buyer.size, DistSpec{Bounds::above(0)}).doc("tonnes per order");
  s.real("metrics.klima2.run_fraction", p.metrics.run_fraction, Bounds::open_closed(0, 1)).doc("liquid_run");
  s.duration("metrics.klima2.run_window", "7d", "step").doc("liquid_run");
  s.real("metrics.klima2.lp_flight_fraction", p.metrics.lp_flight_fraction, Bounds::open_closed(0, 1)).doc("lp_flight_*");
  s.duration("metrics.klima2.lp_flight_window", "7d", "step").doc("lp_flight_*");
  s.real("metrics.klima2.backing_floor", p.metrics.backing_floor, Bounds::above(0)).doc("backing_breach: PV t/A");
  s.real("metrics.klima2.price_floor", p.metrics.price_floor, Bounds::open(0, 1)).doc("price_drawdown: × initial price");
  s.check([](const config::Values& v, config::Reporter& r) {
    const double bonded = v.real("klima2.initial.bonded_fraction");
    if (v.real("klima2.initial.class_stake_fraction") > bonded)
      r.error("klima2.initial.class_stake_fraction", "must not exceed klima2.initial.bonded_fraction");
    if (bonded > 0.875 - v.real("klima2.initial.aq_a") / v.real("klima2.initial.a_supply"))
      r.error("klima2.initial.bonded_fraction",
              "bonded A and AQ's A must fit in the holders' 87.5% of a_supply (bonded_fraction ≤ 0.875 − aq_a/a_supply)");
    if (v.real("klima2.initial.ag_a") > 0.125 * v.real("klima2.initial.a_supply"))
      r.error("klima2.initial.ag_a", "AG's A comes out of the Treasury's 12.5% of klima2.initial.a_supply: at most " +
                                         config::format_number(0.125 * v.real("klima2.initial.a_supply")));
    if (v.real("klima2.g.incentive_pool") + v.real("klima2.g.holder_vesting") + v.real("klima2.g.other_vesting") +
            v.real("klima2.initial.ag_g") > v.real("klima2.g.supply"))
      r.error("klima2.g.supply", "must cover klima2.g.incentive_pool + holder_vesting + other_vesting + initial.ag_g");
    if (v.integer("agents.carbon_seller.forward_min") > v.integer("agents.carbon_seller.forward_max"))
      r.error("agents.carbon_seller.forward_min", "must not exceed agents.carbon_seller.forward_max");
    if (v.duration_s("klima2.g.vest_start") >= v.duration_s("klima2.g.vest_end"))
      r.error("klima2.g.vest_start", "must be before klima2.g.vest_end");
    if (v.duration_s("klima2.trade_period") > v.duration_s("klima2.bond.roll_period"))
      r.error("klima2.trade_period", "must not exceed klima2.bond.roll_period");
    if (86400 % v.duration_s("step") != 0) r.error("step", "klima2's yield day is 1d: the step must divide it (§4)");
    if (v.duration_s("klima2.bond.roll_period") % 86400 != 0)
      r.error("klima2.bond.roll_period", "must be a whole number of days (§4)");
    double pref = 0;
    for (const auto& row : v.table("klima2.class_pref")) pref += row[0];
    if (!(pref > 0)) r.error("klima2.class_pref", "the weights must sum to more than 0");
    const auto n = static_cast<std::size_t>(v.integer("klima2.n_classes"));
    for (const char* key : {"klima2.class_pref", "klima2.initial.tonnes_liquid", "klima2.initial.tonnes_forward", "klima2.carbon.price0",
                            "agents.carbon_seller.rate", "agents.offset_buyer.rate"}) {
      const std::size_t rows = v.table(key).size();
      if (rows > 1 && rows != n)
        r.error(key, "give one value (every class) or one per class (klima2.n_classes = " + std::to_string(n) + ")");
    }
    const auto& shocks = v.records("market.shocks");
    for (std::size_t k = 0; k < shocks.size(); ++k) {
      if (!shocks[k].has("target")) continue;
      const std::string at = "market.shocks[" + std::to_string(k) + "]";
      const std::string kind = shocks[k].text("kind"), target = shocks[k].text("target");
      if (kind == "liquidity_drain") {
        if (target != "aq" && target != "ag")
          r.error_at(shocks[k].where("target"), at + ".target", "a liquidity_drain's target is `aq` or `ag`");
      } else if (kind == "carbon_crash") {
        if (target.empty()) continue;
        std::size_t pos = 0;
        while (pos <= target.size()) {
          const std::size_t comma = std::min(target.find(',', pos), target.size());
          const std::string item = target.substr(pos, comma - pos);
          char* end = nullptr;
          const long c = std::strtol(item.c_str(), &end, 10);
          if (item.empty() || *end != '\0' || c < 1 || c > static_cast<long>(n))
            r.error_at(shocks[k].where("target"), at + ".target",
                       "a carbon_crash target is a list of classes 1.." + std::to_string(n) + " like \"1,3\", got '" +
                           target + "'");
          pos = comma + 1;
        }
      } else {
        r.error_at(shocks[k].where("target"), at + ".target", "only liquidity_drain and carbon_crash shocks take a target");
      }
    }
  });
  // klima2-scale outside demand (§7): OU noise of 30 USDC/h, reference the 7-day mean of P_A.
  s.param("market.demand.sd").set_default(30.0);
  s.param("market.demand.ref").set_choices({"ma7d"}).set_default("ma7d");
  s.param("market.shocks").field("kind").choices = {"crash", "demand", "liquidity_drain", "carbon_crash"};
}

// Klima2Agents' columns (path.hpp): 8 doubles, 2 floats, an int32 and a byte per agent.
std::size_t Klima2::bytes_per_agent(const Params&) { return 8 * 8 + 2 * 4 + 4 + 1; }

Klima2::Params Klima2::read(const Scenario& scenario, const agents::Behaviour& behaviour) {
  const config::Values& v = *scenario.values;
  Klima2Scenario sc;
  Klima2Params& p = sc.params;
  p.start_at = v.is_set("klima2.start_at") ? v.duration_s("klima2.start_at") : 0;
  p.n_classes = static_cast<int>(v.integer("klima2.n_classes"));
  p.class_pref = per_class(v, "klima2.class_pref", p.n_classes);
  auto& in = p.initial;
  in.a_supply = v.real("klima2.initial.a_supply");
  in.tonnes_liquid = per_class(v, "klima2.initial.tonnes_liquid", p.n_classes);
  in.tonnes_forward = per_class(v, "klima2.initial.tonnes_forward", p.n_classes);
  in.bonded_fraction = v.real("klima2.initial.bonded_fraction");
  in.class_stake_fraction = v.real("klima2.initial.class_stake_fraction");
  in.a_price = v.real("klima2.initial.a_price");
  in.aq_a = v.real("klima2.initial.aq_a");
  in.ag_a = v.real("klima2.initial.ag_a");
  in.ag_g = v.real("klima2.initial.ag_g");
  in.ag_lock_position = static_cast<int>(v.integer("klima2.initial.ag_lock_position"));
  p.roll_period = v.duration_s("klima2.bond.roll_period");
  p.years_per_position = v.real("klima2.bond.years_per_position");
  p.expiry_exact = v.text("klima2.bond.expiry_mode") == "exact";
  p.trade_period = v.duration_s("klima2.trade_period");
  p.max_retire_fraction = v.real("klima2.portfolio.max_retire_fraction");
  p.price0 = per_class(v, "klima2.carbon.price0", p.n_classes);
  p.carbon_vol = v.real("klima2.carbon.vol");
  p.market_corr = v.real("klima2.carbon.market_corr");
  p.default_rate = v.real("klima2.forward.default_rate");
  p.resell_fraction = v.real("klima2.carbon_yield.resell_fraction");
  p.ag_fee = v.real("klima2.pools.ag_fee");
  p.aq_fee = v.real("klima2.pools.aq_fee");
  p.g.supply = v.real("klima2.g.supply");
  p.g.incentive_pool = v.real("klima2.g.incentive_pool");
  p.g.p0 = v.real("klima2.g.p0");
  p.g.t_half_months = months(v.duration_s("klima2.g.t_half"));
  p.g.incentive_period = v.duration_s("klima2.g.incentive_period");
  p.g.holder_vesting = v.real("klima2.g.holder_vesting");
  p.g.other_vesting = v.real("klima2.g.other_vesting");
  p.g.vest_start_months = months(v.duration_s("klima2.g.vest_start"));
  p.g.vest_end_months = months(v.duration_s("klima2.g.vest_end"));
  if (p.g.incentive_pool + p.g.holder_vesting + p.g.other_vesting + in.ag_g > p.g.supply)
    throw InputError("klima2.g.supply: the incentive pool, the vesting and AG's G exceed the G supply");
  p.lp_aq_share = v.real("agents.lp.aq_share");
  p.lp_lock_prob = v.real("agents.lp.lock_prob");
  p.class_select_prob = v.real("agents.bond_staker.class_select_prob");
  p.reselect_rate = v.real("agents.bond_staker.reselect_rate");
  p.usdc_per_a = v.real("agents.init.usdc_per_a");
  p.aq_min_shares = v.real("klima2.aq_min_shares");
  p.offset_max_pool_fraction = v.real("klima2.offset.max_pool_fraction");
  p.bucket_tilt = v.distribution("klima2.bucket_tilt");
  p.seller.rate = per_class(v, "agents.carbon_seller.rate", p.n_classes);
  p.seller.size = v.distribution("agents.carbon_seller.size");
  p.seller.spot_prob = v.real("agents.carbon_seller.spot_prob");
  p.seller.forward_min = static_cast<int>(v.integer("agents.carbon_seller.forward_min"));
  p.seller.forward_max = static_cast<int>(v.integer("agents.carbon_seller.forward_max"));
  p.seller.discount_rate = v.real("agents.carbon_seller.discount_rate");
  p.seller.sell_fraction = v.distribution("agents.carbon_seller.sell_fraction");
  p.buyer.rate = per_class(v, "agents.offset_buyer.rate", p.n_classes);
  p.buyer.size = v.distribution("agents.offset_buyer.size");
  p.metrics.run_fraction = v.real("metrics.klima2.run_fraction");
  p.metrics.run_window = v.duration_s("metrics.klima2.run_window");
  p.metrics.lp_flight_fraction = v.real("metrics.klima2.lp_flight_fraction");
  p.metrics.lp_flight_window = v.duration_s("metrics.klima2.lp_flight_window");
  p.metrics.backing_floor = v.real("metrics.klima2.backing_floor");
  p.metrics.price_floor = v.real("metrics.klima2.price_floor");
  p.wealth = v.distribution("agents.init.wealth");
  sc.market = market::read_market(v);
  // Scheduled shocks count from the start of the horizon, after a warm-up (klima2.start_at).
  for (auto& sh : sc.market.shocks)
    if (sh.scheduled) sh.at_seconds += p.start_at;
  for (int t = 0; t < kNumTypes; ++t) sc.mix[static_cast<std::size_t>(t)] = behaviour.type[static_cast<std::size_t>(t)].mix;
  return sc;
}

}  // namespace stampede::klima2
