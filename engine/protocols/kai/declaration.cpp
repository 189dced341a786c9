// KAI's agent types, actions, signals, own terms (kai.md §6) and outputs (kai.md §8), declared
// once: the behaviour keys, their defaults, `stampede list`, the decision and the result file's
// schema are built from these tables.
#include <limits>

#include "engine/framework/protocol_model.hpp"
#include "engine/protocols/kai/kai.hpp"
#include "engine/protocols/kai/path.hpp"

namespace stampede::kai {

using agents::ActionDecl;
using agents::SignalKind;

const agents::BehaviourDecl& Kai::behaviour() {
  static const agents::BehaviourDecl d = [] {
    agents::BehaviourDecl b;
    b.signals = {
        {"peg_dev", "twap_r − peg, KUSDT"},
        {"mom", "ln(p_t/p_{t−24h}), from p_0 in the first day"},
        {"vol", "population sd of the per-step log returns of p over 24h, / sqrt(dt/1h)"},
        {"exit_frac", "share of the agent's type that chose its exit action last step", SignalKind::own_exit},
        {"mkt_ret", "ln(M_t/M_{t−24h}) of the market factor (KLAY)"},
        {"board_apr", "ln(1 + boardroom APR from the mean stakers part of the last 24 rounds)"},
        {"bond_gain", "contraction ? max(0, 1/p − 1) : 0"},
        {"bkai_lp_apr", "ln(1 + APR of the bKAI-KAI LP sKAI emission)"},
        {"debt_ratio", "B/C"},
        {"cover", "A/max(B, 1e−9), clipped to [0, 1]"},
        {"lp_apr", "pool fees of the last 24h·365/(y + x·p), per year"},
    };
    b.own = {
        {"pnl", "W_i/cost_i − 1 (K24, K25)", -1.0, std::numeric_limits<double>::infinity()},
        // ≤ 1 up to this round's allocation (the engine narrows the bound per step; path.cpp).
        {"claimable", "pending_i·p/W_i (K15)", 0.0, std::numeric_limits<double>::infinity()},
    };
    const auto U = Distribution::uniform;
    // holder sell's weights are reused by the bond buyer's sell (kai.md §6 table).
    const ActionDecl sell{"sell", "sell f_i of kai", true, -6.5, U(0.5, 1.0),
                          {{sig_peg_dev, -60}, {sig_mom, -10}, {sig_vol, 40}, {sig_exit_frac, 40}, {sig_mkt_ret, -5}},
                          {{own_pnl, -2}}};
    ActionDecl bond_sell = sell;
    bond_sell.exit = false;  // the bond buyer's exit is redeem
    bond_sell.doc = "sell f_i of kai (as the holder's sell)";
    b.types = {
        {"holder", 0.60, U(0.05, 0.25), Distribution::lognormal(0.0, 0.5), 1.0, true, 0.02,
         {sell, {"buy", "spend f_i of kusdt on KAI", false, -5.0, U(0.05, 0.3),
                 {{sig_peg_dev, -40}, {sig_mom, 5}, {sig_vol, -10}, {sig_exit_frac, -20}}, {}}},
         {own_pnl}},
        {"staker", 0.15, U(0.05, 0.25), Distribution::lognormal(0.0, 0.5), 1.0, true, 0.01,
         {{"stake", "stake f_i of the liquid sKAI in the boardroom", false, -4.0, Distribution::constant(1.0),
           {{sig_board_apr, 0.3}, {sig_peg_dev, 20}, {sig_exit_frac, -20}}, {}},
          {"claim", "claim f_i of the pending KAI, sell claim_sell_frac of it", false, -3.0,
           Distribution::constant(1.0), {{sig_peg_dev, 40}}, {{own_claimable, 10}}},
          {"withdraw", "withdraw f_i of the stake and claim, sell exit_sell_frac of the KAI claimed", true, -6.5,
           Distribution::constant(1.0),
           {{sig_board_apr, -0.3}, {sig_peg_dev, -60}, {sig_mom, -10}, {sig_vol, 40}, {sig_exit_frac, 40}, {sig_mkt_ret, -5}},
           {{own_pnl, -2}}}},
         {own_pnl, own_claimable}},
        {"bond_buyer", 0.10, U(0.1, 0.5), Distribution::lognormal(0.0, 0.5), 1.0, true, 0.05,
         {{"bond", "buy KAI with f_i of kusdt, bond it and f_i of the liquid KAI (K19)", false, -4.0, U(0.2, 0.6),
           {{sig_bond_gain, 20}, {sig_bkai_lp_apr, 0.1}, {sig_debt_ratio, -5}, {sig_cover, 1}, {sig_mom, 10},
            {sig_exit_frac, -20}}, {}},
          {"redeem", "redeem f_i of bkai, sell redeem_sell_frac", true, -4.0, Distribution::constant(1.0),
           {{sig_peg_dev, 80}, {sig_cover, 2}, {sig_debt_ratio, 5}, {sig_vol, 40}, {sig_exit_frac, 40}}, {}},
          bond_sell},
         {own_pnl}},
        {"lp", 0.15, U(0.02, 0.2), Distribution::lognormal(0.0, 0.5), 1.0, true, 0.01,
         {{"remove", "burn f_i of the LP shares, sell lp_sell_kai_frac of the KAI", true, -7.0, U(0.5, 1.0),
           {{sig_lp_apr, -2}, {sig_vol, 40}, {sig_peg_dev, -60}, {sig_mom, -10}, {sig_exit_frac, 40}}, {}},
          {"add", "add f_i of the holdings as liquidity (K21)", false, -6.0, U(0.1, 0.5),
           {{sig_lp_apr, 2}, {sig_vol, -10}, {sig_peg_dev, 20}, {sig_exit_frac, -20}}, {}}},
         {own_pnl}},
    };
    return b;
  }();
  return d;
}

const framework::OutputDecl& Kai::outputs() {
  static const framework::OutputDecl d = {
      {{"twap", "KUSDT, the round's reference TWAP"}, {"price", "KUSDT, pool spot"}, {"kai_supply", "KAI, S"},
       {"circulation", "KAI, C = S − A"}, {"treasury_kai", "KAI, A"}, {"bkai_supply", "bKAI, B"},
       {"debt_ratio", "B/C"}, {"board_staked", "sKAI, Σst"}, {"issuance", "KAI, E of the last round"},
       {"buyback_mint", "KAI, BB of the last round"}, {"bb_kai", "KAI"}, {"bb_kusdt", "KUSDT"},
       {"pool_kai", "KAI, x"}, {"pool_kusdt", "KUSDT, y"}, {"earn_rate", "%"}, {"phase", "+1 expansion, −1 contraction"}},
      {{"min_twap", "KUSDT", Tail::lower}, {"hours_below_099", "rounds with twap < 0.99 × round length, h"},
       {"depeg_first_round", "round index, NaN if none"}, {"max_debt_ratio", "B/C", Tail::upper}, {"final_debt_ratio", "B/C"},
       {"kai_minted_total", "KAI"}, {"kai_burned_total", "KAI"}, {"bb_kusdt_final", "KUSDT", Tail::lower}},
      {{"depeg", "twap_r < metrics.kai.depeg_level for metrics.kai.depeg_rounds consecutive rounds"},
       {"bank_run_boardroom", "sKAI withdrawn over 24h ≥ metrics.kai.bank_run_boardroom × Σst at the window start"},
       {"bank_run_liquidity", "KUSDT removed by LP withdrawals over 24h ≥ metrics.kai.bank_run_liquidity × pool KUSDT"},
       {"bank_run", "either bank run"},
       {"debt_cap_hit", "the first round whose K19 fills are limited by the debt cap"},
       {"treasury_short", "the first redemption at peg with φ < 1"}},
      false};
  return d;
}

Protocol protocol() { return framework::make_protocol<Kai>(); }

}  // namespace stampede::kai
