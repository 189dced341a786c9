// Klima 2.0's agent types, actions, signals, own terms (klima2.md §6) and outputs (§8), declared
// once: the behaviour keys, their defaults, `stampede list`, the decision and the result file's
// schema are built from these tables.
#include "engine/framework/protocol_model.hpp"
#include "engine/protocols/klima2/klima2.hpp"
#include "engine/protocols/klima2/path.hpp"

namespace stampede::klima2 {

using agents::ActionDecl;
using agents::SignalKind;

const agents::BehaviourDecl& Klima2::behaviour() {
  static const agents::BehaviourDecl d = [] {
    agents::BehaviourDecl b;
    // The holder types' per-agent draws are ρ and h (their calibrated defaults); the biases are given
    // as numbers, with no spread (unlike the other protocols, whose calibration states one): every
    // agent takes the mean. A scenario may still give a spread ({dist: normal, mean, sd}).
    b.bias_sd = 0.0;
    b.signals = {
        {"dev", "P̄_A/(π_0·NAV_A) − 1: the AQ 24h TWAP against the carbon NAV per A, 0 at launch"},
        {"mom", "24h log return of P_A (AQ spot)"},
        {"vol", "7d realised volatility of hourly AQ log returns, annualised"},
        {"mkt", "24h log return of the market factor"},
        // §6: "own terms exit_prev, pnl not scaled by h"
        {"exit_prev", "share of the agent's type that chose its exit last step (not scaled by h_i)", SignalKind::own_exit,
         -1, false},
        {"apy_bond", "ln(1 + 365·R/(S·N_A)), the bonds' synthetic yield"},
        {"apy_g", "ln(1 + 365·A value of yesterday's rewards to staked G / A value of staked G)"},
        {"apy_lp", "ln(1 + 365·A value of yesterday's LP rewards and fees / A value of the pools)"},
        {"gap", "arrivals only: the order's price gap against the AAM's quote (seller: B_t·bid·P_A vs "
                "p·e^(−ρE); buyer: p vs ask·P_A); 0 in the step's decisions"},
    };
    b.own = {
        {"pnl", "W_i/cost_i − 1 clipped to [−1, 3]", -1.0, 3.0},
        {"loyalty", "1 once a bond of the agent has matured, else 0", 0.0, 1.0},
    };
    const auto U = Distribution::uniform;
    const auto all = Distribution::constant(1.0);
    const auto rho = Distribution::uniform(0.02, 0.10);
    const auto h = Distribution::lognormal(0.0, 0.5);
    using W = std::vector<std::pair<int, double>>;
    const W sell_a_w = {{sig_dev, -1}, {sig_mom, -3}, {sig_vol, 0.2}, {sig_mkt, -3}, {sig_exit_prev, 30}};
    // `sell_a` is every holder type's exit (§6); the lp's `remove` is one too.
    const ActionDecl sell_a{"sell_a", "sell all liquid A on AQ", true, -8.0, all, sell_a_w, {{own_pnl, -1}}, true};
    const ActionDecl sell_g{"sell_g", "sell f_i of liquid G on AG (G questions: masked while no G is held)", false,
                            -8.0, U(0.5, 1.0), {{sig_mom, -3}, {sig_exit_prev, 30}, {sig_apy_g, -0.5}}, {}};
    const ActionDecl accept{"accept", "accept an order on arrival (per order, ρ = 1: P = σ(score/T))", false, 0.0, all,
                            {{sig_gap, 40}}, {}, true, 0.0};
    b.types = {
        {"bond_staker", 0.35, rho, h, 1.0, true, 0.002,
         {{"bond", "bond f_i of liquid A at a KL46 position (one active bond; class with class_select_prob)", false,
           -7.0, U(0.2, 0.6), {{sig_mom, 2}, {sig_vol, -0.2}, {sig_apy_bond, 0.5}, {sig_exit_prev, -10}},
           {{own_loyalty, 1}}},
          sell_a, sell_g},
         {own_pnl, own_loyalty}},
        {"liquid_holder", 0.35, rho, h, 1.0, true, 0.002,
         {sell_a,
          {"buy_a", "spend f_i of USDC on A (AQ)", false, -8.0, U(0.5, 1.0),
           {{sig_dev, -1}, {sig_mom, 2}, {sig_vol, -0.2}, {sig_apy_bond, 0.5}}, {}},
          sell_g},
         {own_pnl}},
        {"g_staker", 0.10, rho, h, 1.0, true, 0.002,
         {{"stake_g", "stake all liquid G for one class ∝ class_pref", false, -8.0, all,
           {{sig_apy_g, 0.5}, {sig_mom, 2}, {sig_exit_prev, -10}}, {}, true},
          {"unstake_g", "unstake all staked G", false, -8.5, all,
           {{sig_apy_g, -0.5}, {sig_mom, -3}, {sig_vol, 0.2}, {sig_exit_prev, 30}}, {{own_pnl, -1}}, true},
          sell_a},
         {own_pnl}},
        {"lp", 0.10, rho, h, 1.0, true, 0.002,
         {{"add", "add f_i of liquid A with USDC (AQ) or G (AG) at the pool ratio; locked with lp.lock_prob", false,
           -8.0, U(0.1, 0.3), {{sig_vol, -0.2}, {sig_apy_lp, 0.5}, {sig_exit_prev, -10}}, {}},
          {"remove", "remove all unlocked LP shares", true, -8.5, all,
           {{sig_dev, -1}, {sig_vol, 0.2}, {sig_apy_lp, -0.5}, {sig_exit_prev, 30}}, {{own_pnl, -1}}, true},
          sell_a, sell_g},
         {own_pnl}},
        {"carbon_seller", 0.05, all, Distribution::constant(1.0), 1.0, false, 0.0, {accept}, {}},
        {"offset_buyer", 0.05, all, Distribution::constant(1.0), 1.0, false, 0.0, {accept}, {}},
    };
    return b;
  }();
  return d;
}

const framework::OutputDecl& Klima2::outputs() {
  static const framework::OutputDecl d = {
      {{"p_a", "USDC per A, AQ 24h TWAP"},
       {"p_g", "USDC per G, (x_ag/y_ag)·P_A"},
       {"n_a", "A supply N_A"},
       {"s", "S, bonded A / N_A"},
       {"a_cls", "A_cls, class-selected bonded A / N_A"},
       {"beta", "β (KL23)"},
       {"r_daily", "A minted into bonds today, R (KL10)"},
       {"r_lambda", "A risk premium minted today, R_λ (KL29)"},
       {"inflation_synth", "365·(R + R_λ)/N_A"},
       {"inflation_net", "365·ΔN_A(day)/N_A"},
       {"backing_pv", "Σ_i C̄_i/N_A, PV tonnes per A (KL16)"},
       {"backing_liquid", "Σ_i C_i0/N_A"},
       {"nav_a", "USD per A, Σ_i p_i·C̄_i/N_A"},
       {"tonnes_bought", "t, cumulative, every class"},
       {"tonnes_retired", "t, cumulative, every class"},
       {"tonnes_yielded", "t, cumulative carbon yield (KL42), every class"},
       {"tonnes_defaulted", "t, cumulative forward tonnes not delivered"},
       {"orders_rejected", "cumulative orders rejected by an unpriced class (A_i = 0) or an empty one"},
       {"aq_a", "A in AQ"},
       {"aq_q", "USDC in AQ"},
       {"ag_a", "A in AG"},
       {"ag_g", "G in AG"},
       {"locked_aq", "share of AQ LP shares locked"},
       {"locked_ag", "share of AG LP shares locked"},
       {"n_gc", "circulating G"},
       {"g_staked_frac", "staked G / N_Gc"},
       {"incent_treasury", "I_T (KL37) at the last incentive period"},
       {"lambda_gg", "λ_GG (KL24)"},
       {"gov_lp_share", "Σ_t W_t (KL14), the locked AG LPs' governance weight"}},
      {{"min_p_a", "USDC, minimum of the AQ 24h TWAP", Tail::lower},
       {"max_drawdown", "max of 1 − P̄_A/max P̄_A", Tail::upper},
       {"final_backing_pv", "PV tonnes per A at the horizon", Tail::lower},
       {"seller_tonnes", "PV tonnes bought from carbon sellers"},
       {"offset_tonnes", "tonnes retired for offset buyers"},
       {"minted_purchase", "A minted for carbon"},
       {"burned", "A burned for offsets"},
       {"max_liquid_sold_7d", "max over steps of holder A sold on AQ in the run window / their liquid A at its start",
        Tail::upper},
       {"max_aq_removed_7d", "max over steps of AQ shares removed in the flight window / shares at its start",
        Tail::upper}},
      {{"liquid_run", "holder types sold on AQ within run_window ≥ run_fraction of the liquid A they held at its start"},
       {"lp_flight_aq", "AQ shares removed within lp_flight_window ≥ lp_flight_fraction of the shares at its start"},
       {"lp_flight_ag", "AG shares removed within lp_flight_window ≥ lp_flight_fraction of the shares at its start"},
       {"backing_breach", "backing_pv < backing_floor (daily)"},
       {"price_drawdown", "AQ 24h TWAP < price_floor × initial price"},
       {"below_nav", "AQ 24h TWAP < NAV_A"},
       {"unpriced_class", "a class holding tonnes has A_i = 0 at a trade period"},
       {"liquidation", "a burn reached N_A (KL47)"}},
      true};
  return d;
}

Protocol protocol() { return framework::make_protocol<Klima2>(); }


std::vector<SplittingScore> Klima2::scores(const Params&) {
  return {SplittingScore{e_price_drawdown, 1.0,
                         "(1 − AQ 24h TWAP / initial price) / (1 − metrics.klima2.price_floor)"}};
}

}  // namespace stampede::klima2
