#include "engine/protocols/kai/behaviour.hpp"

namespace stampede::kai {
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

KaiBehaviour default_behaviour() {
  const auto U = Distribution::uniform;
  const auto one = Distribution::constant(1.0);
  KaiBehaviour b;
  b.mix = {0.60, 0.15, 0.10, 0.15};
  // kai.md §6 table: holder sell weights are reused by the bond buyer's sell.
  const auto holder_sell_action = action("sell", true, -6.5, U(0.5, 1.0),
      {{sig_peg_dev, -60}, {sig_mom, -10}, {sig_vol, 40}, {sig_exit_frac, 40}, {sig_mkt_ret, -5}}, {{own_pnl, -2}});
  auto& h = b.types[holder];
  h.actions = {holder_sell_action,
               action("buy", false, -5.0, U(0.05, 0.3), {{sig_peg_dev, -40}, {sig_mom, 5}, {sig_vol, -10}, {sig_exit_frac, -20}})};
  auto& s = b.types[staker];
  s.actions = {action("stake", false, -4.0, one, {{sig_board_apr, 0.3}, {sig_peg_dev, 20}, {sig_exit_frac, -20}}),
               action("claim", false, -3.0, one, {{sig_peg_dev, 40}}, {{own_claimable, 10}}),
               action("withdraw", true, -6.5, one,
                      {{sig_board_apr, -0.3}, {sig_peg_dev, -60}, {sig_mom, -10}, {sig_vol, 40}, {sig_exit_frac, 40}, {sig_mkt_ret, -5}},
                      {{own_pnl, -2}})};
  auto& bb = b.types[bond_buyer];
  auto bond_sell = holder_sell_action;
  bond_sell.exit = false;  // the bond buyer's exit is redeem (§6 table)
  bb.actions = {action("bond", false, -4.0, U(0.2, 0.6),
                       {{sig_bond_gain, 20}, {sig_bkai_lp_apr, 0.1}, {sig_debt_ratio, -5}, {sig_cover, 1}, {sig_mom, 10}, {sig_exit_frac, -20}}),
                action("redeem", true, -4.0, one, {{sig_peg_dev, 80}, {sig_cover, 2}, {sig_debt_ratio, 5}, {sig_vol, 40}, {sig_exit_frac, 40}}),
                bond_sell};
  auto& l = b.types[lp];
  l.actions = {action("remove", true, -7.0, U(0.5, 1.0), {{sig_lp_apr, -2}, {sig_vol, 40}, {sig_peg_dev, -60}, {sig_mom, -10}, {sig_exit_frac, 40}}),
               action("add", false, -6.0, U(0.1, 0.5), {{sig_lp_apr, 2}, {sig_vol, -10}, {sig_peg_dev, 20}, {sig_exit_frac, -20}})};
  // Attention, re-entry, sensitivity, temperature, initial KAI share (§6, §3).
  const double att_lo[] = {0.05, 0.05, 0.1, 0.02}, att_hi[] = {0.25, 0.25, 0.5, 0.2};
  const double reentry[] = {0.02, 0.01, 0.05, 0.01};
  const double kai_share[] = {0.5, 0.5, 0.2, 0.5};
  for (int t = 0; t < kNumTypes; ++t) {
    b.types[t].attention = U(att_lo[t], att_hi[t]);
    b.types[t].reentry = reentry[t];
    b.types[t].sensitivity = Distribution::lognormal(0.0, 0.5);
    b.types[t].temperature = 1.0;
    b.types[t].kai_share = kai_share[t];
  }
  return b;
}

}  // namespace stampede::kai
