// KSN's agent types, actions, signals, own terms (ksn.md §6) and outputs (ksn.md §8), declared
// once: the behaviour keys, their defaults, `stampede list`, the decision and the result file's
// schema are built from these tables.
#include <limits>

#include "engine/framework/protocol_model.hpp"
#include "engine/protocols/ksn/ksn.hpp"
#include "engine/protocols/ksn/path.hpp"

namespace stampede::ksn {

using agents::ActionDecl;
using agents::SignalKind;

const agents::BehaviourDecl& Ksn::behaviour() {
  static const agents::BehaviourDecl d = [] {
    constexpr double inf = std::numeric_limits<double>::infinity();
    agents::BehaviourDecl b;
    b.signals = {
        {"yld", "n·ln(1 + r_eff) of the last rebase, n = rebases a year (730 at 12h)"},
        {"mom", "ln(P_t/P_{t−24h})"},
        {"run", "min(1, runway_days/90)"},
        {"prem", "ln(P/B), B the backing per KSN"},
        {"vol", "v of KS6 (annualised)"},
        {"mkt", "ln(M_t/M_{t−24h}) of the market factor"},
        {"disc", "bond discount d (KS13)"},
        {"fee", "pool fees of the last 24h·365/(2y)"},
        {"exit_staker", "share of stakers that chose exit last step", SignalKind::exit_of, staker},
        {"exit_bonder", "share of bonders that chose sell last step", SignalKind::exit_of, bonder},
        {"exit_trader", "share of traders that chose sell last step", SignalKind::exit_of, trader},
        {"exit_lp", "share of LPs that chose withdraw last step", SignalKind::exit_of, lp},
    };
    b.own = {
        {"pnl", "W_i/cost_i − 1 (KS21), cost_i the initial wealth", -1.0, inf},
        {"pen", "p_max·max(0, 1 − t_i/T_pen), the unstake penalty rate (KS11)", 0.0, 1.0},
        {"potp", "m_i − 1, the PoTP multiplier's premium (KS10)", 0.0, inf},
        {"disc_gap", "d − d_req_i, the bond discount over what the agent asks", -inf, 1.0},
    };
    const auto U = Distribution::uniform;
    const auto all = Distribution::constant(1.0);
    // ksn.md §6 table: the staker exit rule is shared by the bonder's exit.
    const auto stake_exit = [&](bool is_exit) {
      return ActionDecl{"exit", "unstake f_i of the stake (KS11 penalty) and sell", is_exit, -7.0, all,
                        {{sig_yld, -0.3}, {sig_mom, -10}, {sig_run, -1}, {sig_vol, 0.5}, {sig_mkt, -6}, {sig_exit_staker, 200}},
                        {{own_pnl, -1}, {own_pen, -10}, {own_potp, -2}}};
    };
    const std::vector<int> own_all = {own_pnl, own_pen, own_potp, own_disc_gap};
    // KSN types have no exited state (ksn.md §6): an exit counts for herding only.
    b.types = {
        {"staker", 0.55, U(0.05, 0.25), Distribution::lognormal(0.0, 0.5), 1.0, false, 0.0,
         {{"enter", "stake all liquid KSN, else buy and stake f_i of the USDC", false, -6.0, U(0.05, 0.2),
           {{sig_yld, 0.5}, {sig_mom, 5}, {sig_run, 1}, {sig_prem, -0.5}, {sig_vol, -0.5}, {sig_exit_staker, -50}}, {}},
          stake_exit(true)},
         own_all},
        {"bonder", 0.10, U(0.05, 0.25), Distribution::lognormal(0.0, 0.5), 1.0, false, 0.0,
         {{"bond", "bond f_i of the USDC (KS13–KS17)", false, -2.0, U(0.1, 0.5), {{sig_mom, 2}, {sig_vol, -0.5}},
           {{own_disc_gap, 100}}},
          {"stake", "stake f_i of the liquid KSN", false, -4.0, all, {{sig_yld, 0.5}, {sig_mom, 5}, {sig_exit_bonder, -50}}, {}},
          {"sell", "sell f_i of the liquid KSN", true, -1.0, all, {{sig_yld, -0.5}, {sig_mom, -5}, {sig_exit_bonder, 20}},
           {{own_pnl, 1}}},
          stake_exit(false)},
         own_all},
        {"trader", 0.30, U(0.05, 0.25), Distribution::lognormal(0.0, 0.5), 1.0, false, 0.0,
         {{"buy", "buy KSN with f_i of the USDC", false, -5.0, U(0.1, 0.5),
           {{sig_mom, 5}, {sig_prem, -0.5}, {sig_mkt, 4}, {sig_exit_trader, -20}, {sig_yld, 0.3}}, {}},
          {"sell", "sell f_i of the liquid KSN", true, -5.5, U(0.5, 1.0),
           {{sig_mom, -5}, {sig_prem, 0.5}, {sig_mkt, -4}, {sig_exit_trader, 20}, {sig_vol, 0.5}}, {{own_pnl, 1}}}},
         own_all},
        {"lp", 0.05, U(0.02, 0.2), Distribution::lognormal(0.0, 0.5), 1.0, false, 0.0,
         {{"add", "zap f_i of the USDC into the pool (KS16)", false, -6.0, U(0.1, 0.5),
           {{sig_fee, 5}, {sig_mom, 2}, {sig_vol, -0.5}}, {}},
          {"withdraw", "withdraw f_i of the LP shares, sell sell_on_withdraw of the KSN", true, -7.5, all,
           {{sig_vol, 0.5}, {sig_mom, -5}, {sig_mkt, -3}, {sig_exit_lp, 50}, {sig_exit_staker, 100}}, {}}},
         own_all},
    };
    return b;
  }();
  return d;
}

const framework::OutputDecl& Ksn::outputs() {
  static const framework::OutputDecl d = {
      {{"price", "USDC, pool spot P", Tail::lower}, {"backing", "USD per KSN, B (KS3)", Tail::lower}, {"premium", "P/B"},
       {"rfv", "USD, KS1"}, {"excess_reserves", "USD, E = RFV − S"}, {"reserves_market_value", "USD, KS2"},
       {"treasury_usdc", "USDC", Tail::lower}, {"treasury_lp_rfv", "USD"}, {"treasury_cert_value", "USD"},
       {"stable_share", "σ_s (KS4)"}, {"dcp_balance", "KSN"}, {"runway_rebases", "DCP/(r_t·Q)"},
       {"rebase_rate", "r_t"}, {"rebase_rate_eff", "r_eff"}, {"apy_instant", "(1 + r_eff)^730 − 1"},
       {"staked_fraction", "Σ stake/S_circ"}, {"supply", "KSN, S"}, {"circulating", "KSN, S_circ"},
       {"bond_debt", "KSN, D"}, {"bond_discount", "d"}, {"tvl", "USD"}, {"potp_mean", "W/Q"},
       {"unstaked_72h_fraction", "KSN unstaked over the bank-run window / Σ stake at its start"},
       {"minted_surplus_cum", "KSN"}, {"minted_bonds_cum", "KSN"}, {"burned_cum", "KSN"}, {"penalties_cum", "KSN"}},
      {{"apy_realised", "(Π(1 + r_eff))^(730/n) − 1"}, {"premium_min", "min P/B", Tail::lower},
       {"runway_rebases_min", "min DCP/(r_t·Q)", Tail::lower}},
      {{"bank_run", "KSN unstaked in the last metrics.ksn.bank_run.window ≥ fraction × Σ stake at its start"},
       {"below_backing", "P < B at every step of a run of ≥ metrics.ksn.below_backing.duration"},
       {"rebase_default", "r_eff < r_min at ≥ metrics.ksn.rebase_default.consecutive rebases in a row"},
       {"rfv_deficit", "E < 0 at a step end"}},
      true};
  return d;
}

Protocol protocol() { return framework::make_protocol<Ksn>(); }

}  // namespace stampede::ksn
