// Every declared parameter of every shipped protocol changes the result of a small run when it is
// changed on its own (developers' brief: "Every declared parameter must change the result when
// changed"), or is listed below as inert in that scenario with the reason.
//
// This is the test that would have caught a weight that does nothing (a local variable hiding
// the own-term enumerator made `agents.staker.claim.v.claimable` bit-for-bit inert). It walks the
// protocol's schema, so a key added later is covered without touching this file.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "engine/config/bounds.hpp"
#include "engine/config/values.hpp"
#include "engine/core/errors.hpp"
#include "engine/driver/driver.hpp"
#include "engine/driver/scenario_loader.hpp"
#include "engine/protocols/builtin.hpp"

using namespace stampede;

namespace {

// A small scenario per protocol in which every mechanism is reached: a crash at day 4 sends KAI
// into contraction (bonds, redemption, debt), KSN into a run (penalties, bonds).
struct Context {
  std::string yaml;
  // Keys that only act together with another setting (matched by a part of the key): the
  // overrides that make them act.
  std::vector<std::pair<std::string, std::vector<std::string>>> enable;
  // Keys that cannot change this scenario's result, with the reason (also in docs/<protocol>.md).
  std::map<std::string, std::string> inert;
  // Values to try for keys the generic candidates cannot make (record lists), as `--set` text.
  std::map<std::string, std::vector<std::string>> values = {};
};

// klima2's holder types at biases −4 (every action) so that a 400-agent run exercises them.
std::vector<std::string> klima2_active(std::vector<std::string> sets = {}) {
  for (const char* a : {"bond_staker.bond", "bond_staker.sell_a", "bond_staker.sell_g", "liquid_holder.sell_a",
                        "liquid_holder.buy_a", "liquid_holder.sell_g", "g_staker.stake_g", "g_staker.unstake_g",
                        "g_staker.sell_a", "lp.add", "lp.remove", "lp.sell_a", "lp.sell_g"})
    sets.push_back(std::string("agents.") + a + ".bias={dist: normal, mean: -4, sd: 1}");
  return sets;
}

// `gap` is the arrivals' signal (klima2.md §6): 0 in the step's decisions of the holder types.
std::map<std::string, std::string> klima2_inert() {
  std::map<std::string, std::string> inert;
  for (const char* a : {"bond_staker.bond", "bond_staker.sell_a", "bond_staker.sell_g", "liquid_holder.sell_a",
                        "liquid_holder.buy_a", "liquid_holder.sell_g", "g_staker.stake_g", "g_staker.unstake_g",
                        "g_staker.sell_a", "lp.add", "lp.remove", "lp.sell_a", "lp.sell_g"})
    inert[std::string("agents.") + a + ".w.gap"] = "`gap` is an arrival signal (klima2.md §6), 0 in the step's decisions";
  for (const char* t : {"carbon_seller", "offset_buyer"})
    inert[std::string("agents.") + t + ".accept.w.exit_prev"] =
        "arrival types have no exit action: their exit share is always 0";
  return inert;
}

const std::map<std::string, Context>& contexts() {
  static const std::map<std::string, Context> c = {
      {"kai",
       {"scenario: every-parameter\nprotocol: kai\nseed: 11\npaths: 1\nhorizon: 12d\nstep: 1h\n"
        "agents: {count: 400}\n"
        "market: {shocks: [{at: 4d, kind: crash, size: -0.5, duration: 1h},\n"
        "                  {at: 4d, kind: whale_exit, size: 0.1, duration: 24h}]}\n",
        {{"kai.tiered.", {"kai.issuance_mode=tiered", "kai.tiered.expansion_factor=2"}},
         {"kai.bootstrap_rate", {"kai.bootstrap_rounds=24"}},
         {"kai.debt_issuance_rate", {"kai.initial.bkai_supply=500000"}},
         {"kai.debt_board_share", {"kai.initial.bkai_supply=500000"}},
         {"kai.debt_issuance_mode", {"kai.initial.bkai_supply=500000"}},
         {"kai.buyback.sell_above", {"kai.initial.bb_kai=100000", "kai.buyback.trade_probability=1"}},
         {"kai.buyback.max_sell_per_round", {"kai.initial.bb_kai=100000", "kai.buyback.trade_probability=1",
                                             "kai.buyback.sell_above=1"}},
         {"kai.buyback.lp_fraction", {"kai.buyback.trade_probability=1"}},
         {"kai.debt_cap_base", {"kai.initial.treasury_kai=2000000", "kai.initial.kai_supply=12000000",
                                "kai.max_debt_ratio=0.1", "kai.initial.bkai_supply=800000"}},
         {"kai.max_debt_ratio", {"kai.initial.bkai_supply=3000000"}},
         {"kai.bkai_lp.max", {"kai.initial.bkai_supply=3000000"}},
         // team KAI is idle: it only shrinks the outside holdings, so it acts once they bind
         {"kai.initial.team_kai", {"kai.initial.kai_supply=7600000", "market.demand.elasticity=0",
                                  "market.demand.mean_per_circ=0"}}},
        {}}},
      {"ksn",
       {"scenario: every-parameter\nprotocol: ksn\nseed: 11\npaths: 1\nhorizon: 12d\nstep: 1h\n"
        "agents: {count: 400}\n"
        "market: {shocks: [{at: 4d, kind: crash, size: -0.5, duration: 1h}]}\n",
        {{"ksn.policy.r_const", {"ksn.policy.kind=constant"}},
         {"ksn.funding.surplus_fraction", {"ksn.initial.dcp=1000"}},
         {"ksn.treasury.cert_", {"ksn.initial.treasury_cert=3000000"}},
         {"ksn.dcp.sell_tax_dcp_share", {"ksn.dcp.sell_tax=0.02"}},
         // a default needs a population large enough not to run first (small ones herd in lumps)
         {"metrics.ksn.rebase_default.", {"ksn.funding.mode=dcp_only", "agents.count=20000", "horizon=5d"}},
         {"market.demand.ref", {"market.demand.elasticity=0.05"}}},
        {{"ksn.potp.update_period", "the `fixed` weights policy (the only one) returns the same weights at every update"}}}},
      {"k9",
       {"scenario: every-parameter\nprotocol: k9\nseed: 11\npaths: 1\nhorizon: 12d\nstep: 1h\n"
        "agents: {count: 400}\n"
        "k9: {initial: {lock_remaining: {dist: uniform, low: 1d, high: 365d}}}\n"
        "market: {shocks: [{at: 4d, kind: crash, size: -0.5, duration: 1h},\n"
        "                  {at: 4d, kind: whale_exit, size: 0.05, duration: 24h}]}\n",
        {{"k9.emergency_stop.on_drawdown", {"market.demand.sd=2"}},
         {"metrics.k9.", {"k9.initial.lock_remaining={dist: uniform, low: 1d, high: 6d}"}},
         {".w.stopped", {"k9.emergency_stop.at=6d"}},
         // after the stop only a finite stock's unpaid claims are left to claim
         {"claim.w.stopped", {"k9.emergency_stop.at=6d", "k9.vesting_stock=2000"}},
         // esKNINE beyond what the locks back: uncovered_i > 0 for most vesters
         {".v.uncovered", {"k9.initial.es_wallet=5e8"}},
         {"withdraw_lock.v.uncovered", {"k9.initial.es_wallet=5e8", "k9.initial.lock_remaining={dist: uniform, low: 1d, high: 6d}"}}},
        {{"agents.vester.deposit.w.stopped", "deposits are masked after the stop (N2), the only time `stopped` is 1"},
         {"agents.vester.withdraw_lock.v.recalc_loss",
          "withdraw_lock is allowed only once t ≥ lock_end ≥ e_i, when the position has fully vested (u_i = 0), so "
          "recalc_loss is 0 whenever the action can be chosen"}},
        {{"k9.admin_changes", {"[{at: 2d, key: backing_ratio, value: 4}]", "[{at: 1d, key: vesting_ratio, value: 0.5}]"}}}}},
      {"hokusai",
       {"scenario: every-parameter\nprotocol: hokusai\nseed: 11\npaths: 1\nhorizon: 12d\nstep: 1h\n"
        "agents: {count: 400}\n"
        "hokusai: {improvement: {arrivals_per_30d: 40}, team_vesting: {cliff: 6d, duration: 20d}}\n"
        "market: {shocks: [{at: 4d, kind: demand, target: access, size: -0.8, duration: 8d},\n"
        "                  {at: 4d, kind: crash, size: -0.5, duration: 1h}]}\n",
        {{"hokusai.treasury.", {"hokusai.treasury.distribution=100000", "hokusai.treasury.period=3d"}},
         // many submissions per contributor: the cooldown rejects some, grants outnumber the slots
         {"hokusai.improvement.cooldown", {"hokusai.improvement.arrivals_per_30d=1000", "hokusai.improvement.mint_budget=null"}},
         {"hokusai.reward_vesting.slots", {"hokusai.improvement.arrivals_per_30d=1000", "hokusai.improvement.mint_budget=null"}},
         // contributors with slots withdrawing now and then: a nonzero exit_frac
         {"early_withdraw.w.exit_frac", {"agents.contributor.early_withdraw.bias={dist: normal, mean: -4, sd: 0.7}",
                                         "hokusai.improvement.arrivals_per_30d=1000", "hokusai.improvement.mint_budget=null"}}},
        {{"agents.owner.sell.w.exit_frac", "the owner has no exit action (hokusai.md §6), so its exit_frac is always 0"}},
        {}}},
      {"klima2",
       // G vests from day 1 (stakes, G sales, AG adds, incentives), buckets roll every 3 days, a
       // carbon crash and drains of both pools. The holder types act often (biases −4) where a
       // key needs their decisions: at the calibrated −8 a 400-agent run sees a handful.
       {"scenario: every-parameter\nprotocol: klima2\nseed: 11\npaths: 1\nhorizon: 12d\nstep: 1h\n"
        "agents: {count: 400}\n"
        "klima2: {bond: {roll_period: 3d}, g: {vest_start: 24h, vest_end: 2000h}}\n"
        "market: {shocks: [{at: 4d, kind: carbon_crash, size: -0.6, duration: 24h},\n"
        "                  {at: 6d, kind: liquidity_drain, target: aq, size: 0.5, duration: 2h},\n"
        "                  {at: 8d, kind: liquidity_drain, target: ag, size: 0.5, duration: 2h}]}\n",
        // bond stakers hold liquid A only once a bond matures: daily rolls pay one bucket a day
        {{"agents.bond_staker.", klima2_active({"klima2.bond.roll_period=1d"})},
         {"agents.liquid_holder.", klima2_active()},
         {"agents.g_staker.", klima2_active()},
         // an LP adds after it has removed (it holds no liquid A or USDC at launch) and re-entered
         {"agents.lp.", {"agents.lp.reentry=0.5", "agents.lp.add.bias={dist: normal, mean: 0, sd: 1}",
                         "agents.lp.remove.bias={dist: normal, mean: -4, sd: 1}",
                         "agents.lp.sell_a.bias={dist: normal, mean: -6, sd: 1}",
                         "agents.lp.sell_g.bias={dist: normal, mean: -4, sd: 1}",
                         "agents.g_staker.stake_g.bias={dist: normal, mean: -4, sd: 1}"}},  // apy_g > 0
         {"accept.w.apy_g", klima2_active()},
         {"klima2.bucket_tilt", klima2_active()},
         {"agents.init.usdc_per_a", klima2_active()},
         {"agents.bond_staker.class_select_prob", klima2_active()},
         {"klima2.n_classes", {"klima2.class_pref=[1]"}},
         {"metrics.klima2.run_", klima2_active()},
         {"metrics.klima2.lp_flight_", klima2_active()}},
        klima2_inert(),
        {{"market.demand.elasticity", {"1e-6", "1e-5"}},  // larger values make this thin pool's outside flow explode
         {"klima2.class_pref", {"[0.1, 0.2, 0.3, 0.4]", "[1]"}},
         {"klima2.initial.tonnes_forward", {"[100000]", "[0, 0, 0, 500000]"}},
         {"klima2.carbon.price0", {"[5, 10, 20, 40]", "[10]"}}}}},
  };
  return c;
}

// Engine keys (the run's shape and output) are not model parameters.
bool is_model_parameter(const std::string& path) {
  // stop.*: how many paths run (a precision target), not what a path does; method.*: how the
  // probability is estimated (splitting), covered by tests/driver/test_splitting.cpp.
  static const char* engine[] = {"scenario", "protocol", "seed", "paths", "horizon", "step", "output.", "agents.count",
                                 "market.shocks", "stop.", "method."};
  for (const char* e : engine)
    if (path.rfind(e, 0) == 0) return false;
  return true;
}

std::string num(double v) { return config::format_number(v); }

void push_real(std::vector<std::string>& out, double v, double x, const config::Bounds& b) {
  if (std::isfinite(x) && x != v && b.contains(x)) out.push_back(num(x));
}

std::string dist_yaml(const Distribution& d, double a, double b, bool time) {
  const auto num = [time](double v) { return time ? config::format_number(std::round(v)) + "s" : config::format_number(v); };
  std::ostringstream s;
  s << "{dist: " << to_string(d.kind);
  switch (d.kind) {
    case DistKind::constant: s << ", value: " << num(a); break;
    case DistKind::uniform:
    case DistKind::uniform_int: s << ", low: " << num(a) << ", high: " << num(b); break;
    case DistKind::normal: s << ", mean: " << num(a) << ", sd: " << num(b); break;
    case DistKind::lognormal: s << ", mu: " << num(a) << ", sigma: " << num(b); break;
    case DistKind::beta: s << ", a: " << num(a) << ", b: " << num(b); break;
    case DistKind::pareto: s << ", alpha: " << num(a) << ", scale: " << num(b); break;
  }
  if (std::isfinite(d.min)) s << ", min: " << num(d.min);
  if (std::isfinite(d.max)) s << ", max: " << num(d.max);
  s << "}";
  return s.str();
}

// Values to try for a key, as `--set` text: large moves first (a weight on a signal of 1e-4
// needs a large change to move a decision), then small ones inside the bounds.
std::vector<std::string> candidates(const config::Param& p, const config::Value& v) {
  std::vector<std::string> out;
  const auto& b = p.bounds();
  switch (p.kind()) {
    case config::Kind::real: {
      if (!std::holds_alternative<double>(v)) {  // a nullable key left null: try values in its range
        for (double y : {0.5, 0.1, 0.9, 1.0, 1e3, 1e5, 1e7})
          if (b.contains(y)) out.push_back(num(y));
        break;
      }
      const double x = std::get<double>(v);
      if (p.is_nullable()) out.push_back("null");
      for (double y : {x * 2, x * 0.5, x + 1, x - 1, x + 100, x - 100, x + 1e4, x - 1e4, x * 1.1, x * 10, x + 1e6})
        push_real(out, x, y, b);
      if (b.lo) push_real(out, x, *b.lo + (b.lo_open ? 1e-3 : 0.0), b);
      if (b.hi) push_real(out, x, *b.hi - (b.hi_open ? 1e-3 : 0.0), b);
      if (b.lo && b.hi) push_real(out, x, 0.5 * (*b.lo + *b.hi), b);
      break;
    }
    case config::Kind::integer: {
      const auto x = std::get<std::int64_t>(v);
      for (std::int64_t y : {x + 1, x - 1, x * 2, x + 10, x / 2})
        if (y != x && b.contains(static_cast<double>(y))) out.push_back(std::to_string(y));
      break;
    }
    case config::Kind::boolean: out.push_back(std::get<bool>(v) ? "false" : "true"); break;
    case config::Kind::choice:  // a key with one allowed value cannot change: nothing to try
      for (const auto& c : p.choices())
        if (c != std::get<std::string>(v)) out.push_back(c);
      break;
    case config::Kind::duration: {
      if (!std::holds_alternative<std::int64_t>(v)) {  // unset: try a few times
        for (const char* y : {"2d", "5d", "9d"}) out.push_back(y);
        break;
      }
      if (p.is_nullable()) out.push_back("null");
      if (std::holds_alternative<std::int64_t>(v)) {
        const auto s = std::get<std::int64_t>(v);
        for (std::int64_t y : {s * 2, s + 3600, s * 4, s / 2})
          if (y > 0 && y != s) out.push_back(std::to_string(y) + "s");
      }
      break;
    }
    case config::Kind::distribution: {
      const auto& d = std::get<Distribution>(v);
      const double a = d.a, c = d.b;
      const bool time = p.dist().time;
      switch (d.kind) {
        case DistKind::constant:
          for (double y : {a * 0.5, a * 2, a + 1, a - 1, a + 0.1}) out.push_back(dist_yaml(d, y, 0, time));
          break;
        case DistKind::uniform:
        case DistKind::uniform_int:
          out.push_back(dist_yaml(d, a, a + 0.5 * (c - a), time));
          out.push_back(dist_yaml(d, a + 0.5 * (c - a), c, time));
          out.push_back(dist_yaml(d, a * 0.5, c * 0.5, time));
          out.push_back(dist_yaml(d, a * 2, c * 2, time));
          break;
        default:
          for (auto [y, z] : {std::pair{a + 2, c}, std::pair{a - 2, c}, std::pair{a, c * 2}, std::pair{a, c * 0.5},
                              std::pair{a * 2, c}, std::pair{a * 0.5, c}})
            out.push_back(dist_yaml(d, y, z, time));
      }
      break;
    }
    case config::Kind::table: {
      const auto& t = std::get<config::Table>(v);
      for (double f : {0.5, 2.0}) {
        std::string s = "[";
        for (std::size_t r = 0; r < t.size(); ++r) {
          s += r ? ", [" : "[";
          for (std::size_t k = 0; k < t[r].size(); ++k)
            s += (k ? ", " : "") + num(k + 1 == t[r].size() ? t[r][k] * f : t[r][k]);
          s += "]";
        }
        out.push_back(s + "]");
      }
      break;
    }
    default: break;
  }
  return out;
}

// Fractions over the agent types sum to 1: a key of such a group moves with a sibling.
bool in_sum_group(const std::string& key) {
  for (const char* g : {"agents.mix.", "agents.init.liquid_share.", "agents.init.usdc_share.", "agents.split.staked.",
                        "agents.split.liquid.", "agents.split.weth."})
    if (key.rfind(g, 0) == 0) return true;
  return false;
}

// The overrides to try for one key (each a list of `--set` items).
std::vector<std::vector<std::string>> moves(const config::Param& p, const config::Values& v, const Context& ctx) {
  std::vector<std::vector<std::string>> out;
  const std::string& key = p.path();
  if (const auto it = ctx.values.find(key); it != ctx.values.end()) {
    for (const auto& value : it->second) out.push_back({key + "=" + value});
    return out;
  }
  if (!in_sum_group(key)) {
    for (const auto& value : candidates(p, v.entry(key).value)) out.push_back({key + "=" + value});
    return out;
  }
  const std::string group = key.substr(0, key.rfind('.') + 1);
  const double x = v.real(key);
  for (const auto& q : v.schema().params()) {
    const std::string& other = q->path();
    if (other == key || other.rfind(group, 0) != 0) continue;
    const double y = v.real(other);
    for (double d : {0.05, -0.05, 0.2, -0.2})
      if (x + d >= 0 && x + d <= 1 && y - d >= 0 && y - d <= 1)
        out.push_back({key + "=" + num(x + d), other + "=" + num(y - d)});
  }
  return out;
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

bool same_result(const DriverResult& a, const DriverResult& b) {
  if (a.paths.size() != b.paths.size()) return false;
  for (std::size_t i = 0; i < a.paths.size(); ++i) {
    const auto &x = a.paths[i], &y = b.paths[i];
    if (!same_bits(x.finals, y.finals) || x.first_step != y.first_step || !same_bits(x.series, y.series)) return false;
  }
  return true;
}

DriverResult run(const std::string& protocol, const std::string& yaml, const std::vector<std::string>& sets) {
  const Scenario sc = load_scenario_text(yaml, "every-parameter.yaml", sets, builtin_protocols());
  auto model = builtin_protocols().find(protocol)->build(sc, ModelOptions{});
  DriverOptions d;
  d.threads = 1;
  d.path_ids = {0};
  return run_paths(*model, run_shape(sc), d);
}

}  // namespace

TEST_CASE("every declared parameter of every protocol changes the result of a small run") {
  for (const auto& protocol : builtin_protocols().all()) {
    const auto it = contexts().find(protocol.name);
    REQUIRE_MESSAGE(it != contexts().end(), "no every-parameter scenario for protocol " << protocol.name);
    const Context& ctx = it->second;
    const Scenario base = load_scenario_text(ctx.yaml, "every-parameter.yaml", {}, builtin_protocols());
    std::vector<std::string> inert_found;
    int tested = 0;
    for (const auto& param : base.values->schema().params()) {
      const std::string& key = param->path();
      if (!is_model_parameter(key)) continue;
      std::vector<std::string> enable;
      for (const auto& [part, sets] : ctx.enable)
        if (key.find(part) != std::string::npos) enable = sets;
      const Scenario sc = load_scenario_text(ctx.yaml, "every-parameter.yaml", enable, builtin_protocols());
      const DriverResult baseline = run(protocol.name, ctx.yaml, enable);
      bool changed = false;
      for (const auto& moved : moves(*param, *sc.values, ctx)) {
        auto sets = enable;
        sets.insert(sets.end(), moved.begin(), moved.end());
        try {
          if (!same_result(baseline, run(protocol.name, ctx.yaml, sets))) {
            changed = true;
            break;
          }
        } catch (const InputError&) {
          // the candidate broke a cross-key rule (e.g. min <= max): try the next one
        } catch (const std::exception& e) {
          FAIL_CHECK(protocol.name << ": " << key << " moved by " << moved.back() << " made the run fail: " << e.what());
        }
      }
      if (param->kind() == config::Kind::choice && param->choices().size() < 2) continue;
      ++tested;
      if (changed) continue;
      if (ctx.inert.count(key)) continue;
      inert_found.push_back(key);
    }
    INFO("protocol " << protocol.name << ": " << tested << " parameters tried");
    std::string list;
    for (const auto& k : inert_found) list += "\n  " + k;
    CHECK_MESSAGE(inert_found.empty(), "parameters with no effect on the result (" << protocol.name << "):" << list);
    CHECK(tested > 50);
  }
}
