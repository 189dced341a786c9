#include "engine/protocols/ksn/behaviour.hpp"

#include <utility>

namespace stampede::ksn {
namespace {

ActionBehaviour action(std::string_view name, bool exit, double bias_mu, Distribution fraction,
                       std::initializer_list<std::pair<Signal, double>> w,
                       std::initializer_list<std::pair<Own, double>> v = {}) {
  ActionBehaviour a;
  a.name = name;
  a.exit = exit;
  a.bias = Distribution::normal(bias_mu, 1.0);
  a.fraction = fraction;
  for (auto [k, x] : w) a.w[k] = x;
  for (auto [j, x] : v) a.v[j] = x;
  return a;
}

}  // namespace

KsnBehaviour default_behaviour() {
  const auto U = Distribution::uniform;
  const auto all = Distribution::constant(1.0);
  KsnBehaviour b;
  b.mix = {0.55, 0.10, 0.30, 0.05};
  // ksn.md §6 table. The staker exit rule is shared by the bonder's exit.
  const auto stake_exit = [&](bool is_exit) {
    return action("exit", is_exit, -7.0, all,
                  {{sig_yld, -0.3}, {sig_mom, -10}, {sig_run, -1}, {sig_vol, 0.5}, {sig_mkt, -6}, {sig_exit_staker, 200}},
                  {{own_pnl, -1}, {own_pen, -10}, {own_potp, -2}});
  };
  // Staker enter: all liquid, else U(0.05, 0.2) of USDC bought and staked (the fraction column).
  b.types[staker].actions = {
      action("enter", false, -6.0, U(0.05, 0.2),
             {{sig_yld, 0.5}, {sig_mom, 5}, {sig_run, 1}, {sig_prem, -0.5}, {sig_vol, -0.5}, {sig_exit_staker, -50}}),
      stake_exit(true)};
  // Bonder: its herding share is `sell` (§6 exit_k), the exit rule closes a stake.
  b.types[bonder].actions = {
      action("bond", false, -2.0, U(0.1, 0.5), {{sig_mom, 2}, {sig_vol, -0.5}}, {{own_disc_gap, 100}}),
      action("stake", false, -4.0, all, {{sig_yld, 0.5}, {sig_mom, 5}, {sig_exit_bonder, -50}}),
      action("sell", true, -1.0, all, {{sig_yld, -0.5}, {sig_mom, -5}, {sig_exit_bonder, 20}}, {{own_pnl, 1}}),
      stake_exit(false)};
  b.types[trader].actions = {
      action("buy", false, -5.0, U(0.1, 0.5),
             {{sig_mom, 5}, {sig_prem, -0.5}, {sig_mkt, 4}, {sig_exit_trader, -20}, {sig_yld, 0.3}}),
      action("sell", true, -5.5, U(0.5, 1.0),
             {{sig_mom, -5}, {sig_prem, 0.5}, {sig_mkt, -4}, {sig_exit_trader, 20}, {sig_vol, 0.5}}, {{own_pnl, 1}})};
  b.types[lp].actions = {
      action("add", false, -6.0, U(0.1, 0.5), {{sig_fee, 5}, {sig_mom, 2}, {sig_vol, -0.5}}),
      action("withdraw", true, -7.5, all,
             {{sig_vol, 0.5}, {sig_mom, -5}, {sig_mkt, -3}, {sig_exit_lp, 50}, {sig_exit_staker, 100}})};
  const double liquid[] = {0.40, 0.0, 0.50, 0.10}, usdc[] = {0.25, 0.35, 0.30, 0.10};
  for (int t = 0; t < kNumTypes; ++t) {
    auto& tb = b.types[t];
    tb.attention = t == lp ? U(0.02, 0.2) : U(0.05, 0.25);
    tb.sensitivity = Distribution::lognormal(0.0, 0.5);
    tb.temperature = 1.0;
    tb.liquid_share = liquid[t];
    tb.usdc_share = usdc[t];
  }
  return b;
}

}  // namespace stampede::ksn
