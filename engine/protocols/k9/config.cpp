// K9's keys (k9.md §3, §8) and their reading into K9Params.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>

#include "engine/core/duration.hpp"
#include "engine/market/market_config.hpp"
#include "engine/protocols/k9/k9.hpp"
#include "engine/protocols/k9/path.hpp"

namespace stampede::k9 {
namespace {

using config::Bounds;
using config::DistSpec;
using config::Field;

constexpr const char* kTypeNames[kNumTypes] = {"vester", "staker", "trader"};
constexpr const char* kSettingNames[] = {"backing_ratio", "vesting_ratio", "vesting_period", "locked_only"};

std::string key(std::string_view a, std::string_view b) { return std::string(a) + "." + std::string(b); }

// An admin change's value for its key (N1): a ratio in the key's own range, a vesting period, or
// a boolean. Empty optional and `why` set when it is not one.
std::optional<double> setting_value(SettingKey k, const std::string& text, std::string& why) {
  if (k == SettingKey::locked_only) {
    if (text == "true") return 1.0;
    if (text == "false") return 0.0;
    why = "locked_only takes true or false, got '" + text + "'";
    return std::nullopt;
  }
  if (k == SettingKey::vesting_period) {
    const auto s = parse_duration(text);
    if (!s || *s < kSecondsPerDay || *s > 730 * kSecondsPerDay) {
      why = "vesting_period takes a duration in [1d, 730d], got '" + text + "'";
      return std::nullopt;
    }
    return static_cast<double>(*s);
  }
  char* end = nullptr;
  const double x = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(x)) {
    why = "expected a number, got '" + text + "'";
    return std::nullopt;
  }
  if (k == SettingKey::backing_ratio && !(x >= 0.01 && x <= 100)) {
    why = "backing_ratio must be in [0.01, 100], got " + text;
    return std::nullopt;
  }
  if (k == SettingKey::vesting_ratio && !(x > 0 && x <= 10)) {
    why = "vesting_ratio must be in (0, 10], got " + text;
    return std::nullopt;
  }
  return x;
}

SettingKey setting_key(const std::string& name) {
  for (int k = 0; k < 4; ++k)
    if (name == kSettingNames[k]) return static_cast<SettingKey>(k);
  return SettingKey::backing_ratio;  // the schema's choice list admits no other name
}

void declare_agent_extras(config::Schema& s) {
  const K9AgentParams d;
  const char* splits[3] = {"staked", "liquid", "weth"};
  const std::array<double, kK9Types>* defaults[3] = {&d.split_staked, &d.split_liquid, &d.split_weth};
  for (int k = 0; k < 3; ++k)
    for (int t = 0; t < kNumTypes; ++t) {
      if (k == 0 && t == trader) continue;  // traders hold no RYS stake (§6)
      s.real("agents.split." + std::string(splits[k]) + "." + kTypeNames[t], (*defaults[k])[static_cast<std::size_t>(t)],
             Bounds::closed(0, 1))
          .doc(std::string("share of k9.initial.") + splits[k] + " held by this type (pro rata to wealth)");
    }
  s.check([splits](const config::Values& v, config::Reporter& r) {
    for (const char* sp : splits) {
      double sum = 0;
      for (const char* t : kTypeNames)
        if (std::string(sp) != "staked" || std::string(t) != "trader") sum += v.real("agents.split." + std::string(sp) + "." + t);
      if (std::abs(sum - 1.0) > 1e-9)
        r.error("agents.split." + std::string(sp) + ".vester", "the shares must sum to 1, got " + config::format_number(sum));
    }
  });
  s.distribution("agents.vester.farm_weight", d.farm_weight, {Bounds::above(0)}).doc("fw_i, the vester's share of farming (N3)");
  s.real("agents.vester.unstake_sell_frac", d.vester_unstake_sell_frac, Bounds::closed(0, 1))
      .doc("share of the unstaked KNINE sold in the same step (N5)");
  s.real("agents.staker.unstake_sell_frac", d.staker_unstake_sell_frac, Bounds::closed(0, 1))
      .doc("share of the unstaked KNINE sold in the same step (N5)");
  s.real("agents.vester.lock_exit_sell_frac", d.lock_exit_sell_frac, Bounds::closed(0, 1))
      .doc("share of a withdrawn lock sold in the same step (N6)");
}

}  // namespace

void K9::declare(config::Schema& s) {
  const K9Params p;
  s.real("k9.backing_ratio", p.settings.backing_ratio, Bounds::closed(0.01, 100)).doc("b: KNINE of collateral per esKNINE vesting");
  s.real("k9.vesting_ratio", p.settings.vesting_ratio, Bounds::open_closed(0, 10)).unit("KNINE/esKNINE").doc("v");
  s.duration("k9.vesting_period", "180d").set_bounds(Bounds::closed(86400, 730 * 86400)).doc("T, the vesting period of a new deposit");
  s.boolean("k9.locked_only", p.settings.locked_only).doc("only locked RYS counts as collateral (N9)");
  s.choice("k9.recalc_rule", "seed", {"seed", "uncovered"}).doc("N5: exclude X/b (seed) or only what the lock does not cover");
  s.duration("k9.min_lock", "180d").set_bounds(Bounds::closed(30 * 86400, 360 * 86400)).doc("a deposit needs a lock of at least this many months (N8)");
  s.records("k9.admin_changes",
            {Field::duration("at").must().describe("when the setter is called"),
             Field::choice("key", {kSettingNames[0], kSettingNames[1], kSettingNames[2], kSettingNames[3]})
                 .must()
                 .describe("the setting"),
             Field::text("value").must().describe("the new value (a ratio, a duration or true/false)")})
      .doc("settings changes (N1); they apply to new deposits only");
  s.param("k9.admin_changes").field("at").bounds = Bounds::at_least(0);
  s.duration("k9.emergency_stop.at", "").nullable().doc("time of the emergency stop (N2); null: none");
  s.real("k9.emergency_stop.on_drawdown", 0.5, Bounds::open_closed(0, 1))
      .nullable()
      .doc("stop when P ≤ (1 − x)·its running max (N2); null: off");
  s.real("k9.vesting_stock", 0.0, Bounds::at_least(0)).nullable().unit("KNINE").doc("KNINE for payouts; null: unlimited (N4)");
  s.real("k9.rys.max_lock_multiplier", p.rys.max_lock_multiplier, Bounds::closed(1, 10)).doc("m at a 12-month lock (N7)");
  s.real("k9.rys.reward_usd_per_day", p.rys.reward_usd_per_day, Bounds::at_least(0)).unit("USD/day").doc("RYS rewards (N14)");
  s.distribution("k9.rys.new_lock_months", p.rys.new_lock_months, DistSpec{Bounds::closed(1, 12), false, true})
      .doc("k of a new lock, months");
  s.real("k9.farming.esknine_per_day", p.farming_per_day, Bounds::at_least(0)).unit("esKNINE/day").doc("N3");
  s.choice("k9.pool.quote", "weth", {"weth", "usdc"}).doc("the pool's quote asset");
  s.real("k9.pool.fee", p.pool.fee, Bounds::closed(0, 0.1)).doc("on the input");
  s.real("k9.pool.knine", p.pool.knine, Bounds::above(0)).unit("KNINE").doc("x0");
  s.real("k9.pool.quote_reserve", p.pool.quote_reserve, Bounds::above(0)).unit("quote").doc("y0");
  s.real("k9.pool.quote_usd", p.pool.quote_usd, Bounds::above(0)).unit("USD").doc("USD per quote unit at t0 (weth)");
  const auto& in = p.initial;
  s.real("k9.initial.locked", in.locked, Bounds::at_least(0)).unit("KNINE").doc("locked in RYS by vesters");
  s.distribution("k9.initial.lock_remaining", in.lock_remaining, DistSpec{Bounds::above(0), true, false})
      .doc("time left on each initial lock");
  s.real("k9.initial.staked", in.staked, Bounds::at_least(0)).unit("KNINE").doc("non-locked RYS");
  s.real("k9.initial.liquid", in.liquid, Bounds::at_least(0)).unit("KNINE");
  s.real("k9.initial.weth", in.weth, Bounds::at_least(0)).unit("quote");
  s.real("k9.initial.es_wallet", in.es_wallet, Bounds::at_least(0)).unit("esKNINE").doc("in vesters' wallets");
  s.real("k9.initial.vesting", in.vesting, Bounds::at_least(0)).unit("esKNINE").doc("in vesting (N15)");
  s.real("k9.initial.external", in.external, Bounds::at_least(0)).unit("KNINE").doc("ext_knine");
  s.real("metrics.k9.unlock_drawdown.drop", p.metrics.drop, Bounds::open(0, 1)).doc("drawdown from the trailing max");
  s.real("metrics.k9.unlock_drawdown.share", p.metrics.share, Bounds::closed(0, 1)).doc("unlock-origin share of sells");
  s.duration("metrics.k9.unlock_drawdown.window", "7d", "step").doc("trailing window of both");
  s.check([](const config::Values& v, config::Reporter& r) {
    const auto& changes = v.records("k9.admin_changes");
    std::int64_t last = -1;
    for (std::size_t k = 0; k < changes.size(); ++k) {
      const std::string at = "k9.admin_changes[" + std::to_string(k) + "]";
      std::string why;
      const SettingKey sk = setting_key(changes[k].text("key"));
      if (!setting_value(sk, changes[k].text("value"), why)) r.error_at(changes[k].where("value"), at + ".value", why);
      const std::int64_t when = changes[k].duration_s("at");
      if (when < last) r.error_at(changes[k].where("at"), at + ".at", "the changes must be in time order");
      last = when;
    }
  });
  declare_agent_extras(s);
  // K9's calibrated market (§3, §7): demand in WETH per hour on a 200-WETH pool.
  s.param("market.demand.mean").set_default(0.0);
  s.param("market.demand.mean_per_circ").set_default(2e-10);
  s.param("market.demand.elasticity").set_default(0.02);
  s.param("market.demand.theta").set_default(0.05);
  s.param("market.demand.sd").set_default(0.5);
  s.param("market.demand.ref").set_choices({"ma7d"}).set_default("ma7d");
  s.param("market.shocks").field("kind").choices = {"crash", "demand", "whale_exit", "liquidity_drain"};
  market::refuse_shock_targets(s, "k9");  // one outside demand: no shock targets
}

// K9Agents' columns: every agent 2 doubles and a float; vesters and stakers one double; vesters
// 5 doubles and 8 floats.
std::size_t K9::bytes_per_agent(const Params& sc) {
  const double holders = sc.mix[vester] + sc.mix[staker];
  const double bytes = 2 * 8 + 4 + holders * 8 + sc.mix[vester] * (5 * 8 + 8 * 4);
  return static_cast<std::size_t>(std::ceil(bytes - 1e-9));
}

K9::Params K9::read(const Scenario& scenario, const agents::Behaviour& behaviour) {
  const config::Values& v = *scenario.values;
  K9Scenario sc;
  K9Params& p = sc.params;
  p.settings.backing_ratio = v.real("k9.backing_ratio");
  p.settings.vesting_ratio = v.real("k9.vesting_ratio");
  p.settings.vesting_period = static_cast<double>(v.duration_s("k9.vesting_period"));
  p.settings.locked_only = v.boolean("k9.locked_only");
  p.recalc_rule = v.text("k9.recalc_rule") == "uncovered" ? RecalcRule::uncovered : RecalcRule::seed;
  p.min_lock = v.duration_s("k9.min_lock");
  for (const auto& rec : v.records("k9.admin_changes")) {
    AdminChange c;
    c.at = rec.duration_s("at");
    c.key = setting_key(rec.text("key"));
    std::string why;
    c.value = setting_value(c.key, rec.text("value"), why).value_or(0.0);  // validated by the schema check
    p.admin_changes.push_back(c);
  }
  p.stop.at = v.is_set("k9.emergency_stop.at") ? v.duration_s("k9.emergency_stop.at") : -1;
  p.stop.on_drawdown = v.optional_real("k9.emergency_stop.on_drawdown").value_or(-1.0);
  p.vesting_stock = v.optional_real("k9.vesting_stock").value_or(std::numeric_limits<double>::infinity());
  p.rys.max_lock_multiplier = v.real("k9.rys.max_lock_multiplier");
  p.rys.reward_usd_per_day = v.real("k9.rys.reward_usd_per_day");
  p.rys.new_lock_months = v.distribution("k9.rys.new_lock_months");
  p.farming_per_day = v.real("k9.farming.esknine_per_day");
  p.pool.quote_is_weth = v.text("k9.pool.quote") == "weth";
  p.pool.fee = v.real("k9.pool.fee");
  p.pool.knine = v.real("k9.pool.knine");
  p.pool.quote_reserve = v.real("k9.pool.quote_reserve");
  p.pool.quote_usd = v.real("k9.pool.quote_usd");
  auto& in = p.initial;
  in.locked = v.real("k9.initial.locked");
  in.lock_remaining = v.distribution("k9.initial.lock_remaining");
  in.staked = v.real("k9.initial.staked");
  in.liquid = v.real("k9.initial.liquid");
  in.weth = v.real("k9.initial.weth");
  in.es_wallet = v.real("k9.initial.es_wallet");
  in.vesting = v.real("k9.initial.vesting");
  in.external = v.real("k9.initial.external");
  p.metrics.drop = v.real("metrics.k9.unlock_drawdown.drop");
  p.metrics.share = v.real("metrics.k9.unlock_drawdown.share");
  p.metrics.window = v.duration_s("metrics.k9.unlock_drawdown.window");
  auto& ag = p.agents;
  ag.wealth = v.distribution("agents.init.wealth");
  for (int t = 0; t < kNumTypes; ++t) {
    const auto ut = static_cast<std::size_t>(t);
    ag.split_staked[ut] = t == trader ? 0.0 : v.real(key("agents.split.staked", kTypeNames[t]));
    ag.split_liquid[ut] = v.real(key("agents.split.liquid", kTypeNames[t]));
    ag.split_weth[ut] = v.real(key("agents.split.weth", kTypeNames[t]));
  }
  ag.farm_weight = v.distribution("agents.vester.farm_weight");
  ag.vester_unstake_sell_frac = v.real("agents.vester.unstake_sell_frac");
  ag.staker_unstake_sell_frac = v.real("agents.staker.unstake_sell_frac");
  ag.lock_exit_sell_frac = v.real("agents.vester.lock_exit_sell_frac");
  sc.market = market::read_market(v);
  for (int t = 0; t < kNumTypes; ++t) sc.mix[static_cast<std::size_t>(t)] = behaviour.type[static_cast<std::size_t>(t)].mix;
  return sc;
}

}  // namespace stampede::k9
