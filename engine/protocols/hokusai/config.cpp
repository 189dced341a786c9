// Hokusai's keys (hokusai.md §3, §8) and their reading into HokusaiParams.
#include <cmath>
#include <limits>
#include <string>

#include "engine/core/duration.hpp"
#include "engine/market/market_config.hpp"
#include "engine/protocols/hokusai/hokusai.hpp"
#include "engine/protocols/hokusai/path.hpp"

namespace stampede::hokusai {
namespace {

using config::Bounds;
using config::DistSpec;

void declare_vesting(config::Schema& s, const std::string& base, const VestingTerms& d, const char* what) {
  s.real(base + ".immediate", d.immediate, Bounds::closed(0, 1)).doc(std::string("share of a ") + what + " paid at once");
  s.duration(base + ".cliff", d.cliff > 0 ? format_duration(static_cast<std::int64_t>(d.cliff)) : "")
      .nullable()
      .doc("nothing is released before it (null: none)");
  s.duration(base + ".duration", format_duration(static_cast<std::int64_t>(d.duration))).doc("linear release from the grant");
}

VestingTerms read_vesting(const config::Values& v, const std::string& base) {
  VestingTerms t;
  t.immediate = v.real(base + ".immediate");
  t.cliff = v.is_set(base + ".cliff") ? static_cast<double>(v.duration_s(base + ".cliff")) : 0.0;
  t.duration = static_cast<double>(v.duration_s(base + ".duration"));
  return t;
}

}  // namespace

void Hokusai::declare(config::Schema& s) {
  const HokusaiParams p;
  s.real("hokusai.curve.crr", p.curve.crr, Bounds::closed(0.05, 1)).doc("w, the reserve ratio (H2)");
  s.real("hokusai.curve.trade_fee", p.curve.trade_fee, Bounds::closed(0, 0.1)).doc("f, on buys and sells (H10, H11)");
  s.real("hokusai.curve.flat_threshold", p.curve.flat_threshold, Bounds::above(0)).unit("USDC").doc("R_th: flat price below it");
  s.real("hokusai.curve.flat_price", p.curve.flat_price, Bounds::above(0)).unit("USDC").doc("p_flat");
  s.real("hokusai.curve.max_trade_fraction", p.curve.max_trade_fraction, Bounds::open_closed(0, 0.5))
      .doc("a sell may pay at most this share of R; a graduated buy may bring at most this share (H15)");
  s.duration("hokusai.curve.buy_only_period", "")
      .nullable()
      .set_bounds(Bounds::closed(86400, 30 * 86400))
      .doc("sells open after it (IBR); null: open from t0");
  s.real("hokusai.redeem.min_tokens", p.redeem.min_tokens, Bounds::at_least(0)).doc("smaller sell intents are masked (H15)");
  s.duration("hokusai.redeem.cooldown", "1h")
      .nullable()
      .set_bounds(Bounds::closed(1, 30 * 86400))
      .doc("between an agent's sells (H15); null: none");
  s.real("hokusai.redeem.slippage_tolerance", p.redeem.slippage_tolerance, Bounds::closed(0, 1)).doc("minUSDC (H16)");
  s.real("hokusai.improvement.arrivals_per_30d", p.improvement.arrivals_per_30d, Bounds::closed(0, 1000)).doc("H4");
  s.distribution("hokusai.improvement.bps", Distribution::lognormal(std::log(150.0), 0.8), {Bounds::above(0)})
      .doc("Δ of an improvement, bps (median 150)");
  s.real("hokusai.improvement.min_bps", p.improvement.reward.min_bps, Bounds::closed(1, 10000)).doc("H5");
  s.real("hokusai.improvement.tokens_per_delta_one", p.improvement.reward.tokens_per_delta_one, Bounds::closed(100, 1e7))
      .doc("tokens per 100 bps (H5)");
  s.real("hokusai.improvement.max_reward", p.improvement.reward.max_reward, Bounds::above(0)).unit("tokens").doc("H5");
  s.real("hokusai.improvement.mint_budget", p.improvement.mint_budget, Bounds::at_least(0))
      .nullable()
      .unit("tokens")
      .doc("budget of improvement mints (H5); null: unlimited");
  s.param("hokusai.improvement.mint_budget").set_default(p.improvement.mint_budget);
  s.duration("hokusai.improvement.cooldown", "1h", "step").doc("between a contributor's accepted submissions (H5)");
  s.real("hokusai.improvement.contributor_weight", p.improvement.reward.weight, Bounds::open_closed(0, 1)).doc("H5");
  s.real("hokusai.initial_supply.score_bps", p.initial_supply.score_bps, Bounds::closed(0, 10000)).doc("H1");
  s.real("hokusai.initial_supply.min_score_bps", p.initial_supply.min_score_bps, Bounds::closed(0, 10000)).doc("H1");
  s.real("hokusai.initial_supply.min_supply", p.initial_supply.min_supply, Bounds::above(0)).doc("H1");
  s.real("hokusai.initial_supply.max_supply", p.initial_supply.max_supply, Bounds::above(0)).doc("H1");
  declare_vesting(s, "hokusai.team_vesting", p.team_vesting, "team grant");
  declare_vesting(s, "hokusai.reward_vesting", p.reward_vesting, "reward");
  s.real("hokusai.reward_vesting.early_penalty", p.early_penalty, Bounds::closed(0, 1)).doc("burned share of an early withdrawal (H9)");
  s.integer("hokusai.reward_vesting.slots", p.slots, Bounds::closed(1, 16)).doc("vesting slots per agent (H17)");
  s.real("hokusai.access.requests_per_day", p.access.requests_per_day, Bounds::at_least(0)).doc("D_0 (H20)");
  s.real("hokusai.access.growth_per_30d", p.access.growth_per_30d, Bounds::closed(-0.9, 10)).doc("H20");
  s.duration("hokusai.access.noise_time", "7d").doc("τ of the log-demand noise (H20)");
  s.real("hokusai.access.noise_sd", p.access.noise_sd, Bounds::at_least(0)).doc("H20");
  s.real("hokusai.access.token_share", p.access.token_share, Bounds::closed(0, 1)).doc("paid by token burn; rest enterprise USDC");
  s.real("hokusai.access.batch_share", p.access.batch_share, Bounds::closed(0, 1)).doc("H13");
  s.real("hokusai.access.batch_discount", p.access.batch_discount, Bounds::closed(0, 0.25)).doc("H13");
  s.real("hokusai.access.enterprise_price", p.access.enterprise_price, Bounds::at_least(0)).unit("USDC/request").doc("H14");
  s.real("hokusai.access.requests_per_user_per_day", p.access.requests_per_user_per_day, Bounds::above(0)).doc("active users");
  s.real("hokusai.access.price_elasticity", p.access.price_elasticity, Bounds::closed(0, 2)).doc("ε (H13)");
  s.real("hokusai.fees.infra_share", p.fees.infra_share, Bounds::closed(0.1, 1)).doc("H7");
  s.duration("hokusai.fees.deposit_period", "1d", "step").doc("H7");
  s.real("hokusai.treasury.distribution", p.treasury.distribution, Bounds::at_least(0)).unit("tokens").doc("H8, per period");
  s.duration("hokusai.treasury.period", "30d", "step").doc("H8");
  s.real("hokusai.initial.reserve", p.initial.reserve, Bounds::at_least(0)).unit("USDC");
  s.real("hokusai.initial.holder_tokens", p.initial.holder_tokens, Bounds::at_least(0)).doc("split over holders and contributors");
  s.real("hokusai.initial.holder_usdc", p.initial.holder_usdc, Bounds::at_least(0)).unit("USDC");
  s.real("metrics.hokusai.redemption_run.fraction", p.metrics.run_fraction, Bounds::open_closed(0, 1)).doc("§8");
  s.duration("metrics.hokusai.redemption_run.window", "24h", "step").doc("§8");
  s.real("metrics.hokusai.deep_drawdown", p.metrics.deep_drawdown, Bounds::open(0, 1)).doc("reserve_dd threshold");
  s.check([](const config::Values& v, config::Reporter& r) {
    if (v.real("hokusai.initial_supply.score_bps") < v.real("hokusai.initial_supply.min_score_bps"))
      r.error("hokusai.initial_supply.score_bps", "must be at least hokusai.initial_supply.min_score_bps (H1)");
    if (v.real("hokusai.initial_supply.min_supply") > v.real("hokusai.initial_supply.max_supply"))
      r.error("hokusai.initial_supply.min_supply", "must be at most hokusai.initial_supply.max_supply");
    for (const char* base : {"hokusai.team_vesting", "hokusai.reward_vesting"}) {
      const std::string b(base);
      if (v.is_set(b + ".cliff") && v.duration_s(b + ".cliff") > v.duration_s(b + ".duration"))
        r.error(b + ".cliff", "must not exceed " + b + ".duration");
    }
    const auto& shocks = v.records("market.shocks");
    for (std::size_t k = 0; k < shocks.size(); ++k) {
      if (!shocks[k].has("target")) continue;
      const std::string at = "market.shocks[" + std::to_string(k) + "]";
      if (shocks[k].text("target") != "access")
        r.error_at(shocks[k].where("target"), at + ".target", "hokusai's only shock target is `access`");
      else if (shocks[k].text("kind") != "demand")
        r.error_at(shocks[k].where("target"), at + ".target", "only a `demand` shock takes the target `access`");
      else if (!(shocks[k].real("size") > -1.0))
        r.error_at(shocks[k].where("size"), at + ".size", "an access shock multiplies D by (1 + size): size must be > −1");
    }
  });
  // Hokusai-scale outside demand (§7): OU noise of 100 USDC/h, reference the 7-day mean spot.
  s.param("market.demand.sd").set_default(100.0);
  s.param("market.demand.ref").set_choices({"ma7d"}).set_default("ma7d");
  s.param("market.shocks").field("kind").choices = {"crash", "demand", "whale_exit", "reserve_depeg"};
}

// HokusaiAgents' columns: every agent 2 doubles and 2 floats; contributors (and the one owner)
// per vesting slot 2 doubles and 3 floats, and the submission time.
std::size_t Hokusai::bytes_per_agent(const Params& sc) {
  const double slot_holders = sc.mix[contributor];
  const double bytes = 2 * 8 + 2 * 4 + slot_holders * (sc.params.slots * (2 * 8 + 3 * 4) + 4);
  return static_cast<std::size_t>(std::ceil(bytes - 1e-9));
}

Hokusai::Params Hokusai::read(const Scenario& scenario, const agents::Behaviour& behaviour) {
  const config::Values& v = *scenario.values;
  HokusaiScenario sc;
  HokusaiParams& p = sc.params;
  p.curve.crr = v.real("hokusai.curve.crr");
  p.curve.trade_fee = v.real("hokusai.curve.trade_fee");
  p.curve.flat_threshold = v.real("hokusai.curve.flat_threshold");
  p.curve.flat_price = v.real("hokusai.curve.flat_price");
  p.curve.max_trade_fraction = v.real("hokusai.curve.max_trade_fraction");
  p.buy_only_period = v.is_set("hokusai.curve.buy_only_period") ? v.duration_s("hokusai.curve.buy_only_period") : 0;
  p.redeem.min_tokens = v.real("hokusai.redeem.min_tokens");
  p.redeem.cooldown = v.is_set("hokusai.redeem.cooldown") ? v.duration_s("hokusai.redeem.cooldown") : 0;
  p.redeem.slippage_tolerance = v.real("hokusai.redeem.slippage_tolerance");
  p.improvement.arrivals_per_30d = v.real("hokusai.improvement.arrivals_per_30d");
  p.improvement.bps = v.distribution("hokusai.improvement.bps");
  p.improvement.reward.min_bps = v.real("hokusai.improvement.min_bps");
  p.improvement.reward.tokens_per_delta_one = v.real("hokusai.improvement.tokens_per_delta_one");
  p.improvement.reward.max_reward = v.real("hokusai.improvement.max_reward");
  p.improvement.reward.weight = v.real("hokusai.improvement.contributor_weight");
  p.improvement.reward.cooldown = static_cast<double>(v.duration_s("hokusai.improvement.cooldown"));
  p.improvement.mint_budget =
      v.optional_real("hokusai.improvement.mint_budget").value_or(std::numeric_limits<double>::infinity());
  p.initial_supply.score_bps = v.real("hokusai.initial_supply.score_bps");
  p.initial_supply.min_score_bps = v.real("hokusai.initial_supply.min_score_bps");
  p.initial_supply.min_supply = v.real("hokusai.initial_supply.min_supply");
  p.initial_supply.max_supply = v.real("hokusai.initial_supply.max_supply");
  p.team_vesting = read_vesting(v, "hokusai.team_vesting");
  p.reward_vesting = read_vesting(v, "hokusai.reward_vesting");
  p.early_penalty = v.real("hokusai.reward_vesting.early_penalty");
  p.slots = static_cast<int>(v.integer("hokusai.reward_vesting.slots"));
  auto& a = p.access;
  a.requests_per_day = v.real("hokusai.access.requests_per_day");
  a.growth_per_30d = v.real("hokusai.access.growth_per_30d");
  a.noise_time = v.duration_s("hokusai.access.noise_time");
  a.noise_sd = v.real("hokusai.access.noise_sd");
  a.token_share = v.real("hokusai.access.token_share");
  a.batch_share = v.real("hokusai.access.batch_share");
  a.batch_discount = v.real("hokusai.access.batch_discount");
  a.enterprise_price = v.real("hokusai.access.enterprise_price");
  a.requests_per_user_per_day = v.real("hokusai.access.requests_per_user_per_day");
  a.price_elasticity = v.real("hokusai.access.price_elasticity");
  p.fees.infra_share = v.real("hokusai.fees.infra_share");
  p.fees.deposit_period = v.duration_s("hokusai.fees.deposit_period");
  p.treasury.distribution = v.real("hokusai.treasury.distribution");
  p.treasury.period = v.duration_s("hokusai.treasury.period");
  p.initial.reserve = v.real("hokusai.initial.reserve");
  p.initial.holder_tokens = v.real("hokusai.initial.holder_tokens");
  p.initial.holder_usdc = v.real("hokusai.initial.holder_usdc");
  p.metrics.run_fraction = v.real("metrics.hokusai.redemption_run.fraction");
  p.metrics.run_window = v.duration_s("metrics.hokusai.redemption_run.window");
  p.metrics.deep_drawdown = v.real("metrics.hokusai.deep_drawdown");
  p.wealth = v.distribution("agents.init.wealth");
  sc.market = market::read_market(v);
  for (int t = 0; t < kNumTypes; ++t) sc.mix[static_cast<std::size_t>(t)] = behaviour.type[static_cast<std::size_t>(t)].mix;
  // H1 refuses a score below the minimum: a config error, checked above with its location.
  (void)initial_supply(p.initial_supply.score_bps, p.initial_supply.min_score_bps, p.initial_supply.min_supply,
                       p.initial_supply.max_supply);
  return sc;
}

}  // namespace stampede::hokusai
