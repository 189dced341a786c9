// K9's agent types, actions, signals, own terms (k9.md §6) and outputs (k9.md §8), declared once:
// the behaviour keys, their defaults, `stampede list`, the decision and the result file's schema
// are built from these tables.
#include <limits>

#include "engine/framework/protocol_model.hpp"
#include "engine/protocols/k9/k9.hpp"
#include "engine/protocols/k9/path.hpp"

namespace stampede::k9 {

using agents::ActionDecl;
using agents::SignalKind;

const agents::BehaviourDecl& K9::behaviour() {
  static const agents::BehaviourDecl d = [] {
    constexpr double inf = std::numeric_limits<double>::infinity();
    agents::BehaviourDecl b;
    b.bias_sd = 0.5;  // §6: b_i(a) ~ N(mean, 0.5)
    b.signals = {
        {"px_dev", "ln(P/MA_7d(P)), P the spot at the step start, MA over step-end prices"},
        {"mom", "ln(P_t/P_{t−24h})"},
        {"vol", "√Σ(step log-returns²) over 24h (not annualised)"},
        {"exit_frac", "share of the agent's own type that chose an exit action last step", SignalKind::own_exit},
        {"mkt_ret", "ln(M_t/M_{t−24h}) of the market factor (ETH)"},
        {"rys_apr", "ln(1 + rys_apr), N14"},
        {"unlock_7d", "ln(1 + (Σ v_i·min(u_i, r_i·7d) + KNINE whose locks end within 7d)/x)"},
        {"stopped", "1 after the emergency stop (N2), else 0"},
    };
    b.own = {
        {"pnl", "W_i/cost_i − 1 (N12), cost_i the initial wealth", -1.0, inf},
        {"capacity", "esMax_i·v·P_usd/W_i (N9)", 0.0, inf},
        {"claimable", "c_i·P_usd/W_i", 0.0, 1.0},
        {"recalc_loss", "a_i·min(u_i, St_i/b_i)·v_i·P_usd/W_i (N5)", 0.0, 1.0},
        {"uncovered", "max(0, es_i − esMax_i)·v·P_usd/W_i", 0.0, 1.0},
        {"claim_share", "from_claim_i/knine_i", 0.0, 1.0},
    };
    const auto U = Distribution::uniform;
    const auto all = Distribution::constant(1.0);
    using W = std::vector<std::pair<int, double>>;
    // FEAR = {px_dev −2, mom −3, vol +1, exit_frac +30, mkt_ret −4, stopped +3} (§6).
    const auto fear = [](W extra) {
      W w = {{sig_px_dev, -2}, {sig_mom, -3}, {sig_vol, 1}, {sig_exit_frac, 30}, {sig_mkt_ret, -4}, {sig_stopped, 3}};
      w.insert(w.end(), extra.begin(), extra.end());
      return w;
    };
    const auto sell = [&](double bias, W own) {
      return ActionDecl{"sell", "sell f_i of the liquid KNINE (claimed KNINE first)", true, bias, U(0.5, 1.0),
                        fear({{sig_unlock_7d, 1}}), std::move(own)};
    };
    const auto unstake = [&](W own) {
      return ActionDecl{"unstake", "RYS withdraw(false): the whole non-locked stake (N5), sell unstake_sell_frac", true,
                        -7.0, all, fear({{sig_rys_apr, -1}}), std::move(own), true};
    };
    const auto buy = [&](double bias) {
      return ActionDecl{"buy", "spend f_i of the WETH on KNINE", false, bias, U(0.1, 0.5),
                        {{sig_px_dev, -4}, {sig_mom, 1}, {sig_mkt_ret, 3}, {sig_exit_frac, -30}}, {}};
    };
    const auto U_lock = Distribution::uniform(0.02, 0.10);  // ρ_i per hour
    const auto h = Distribution::lognormal(0.0, 0.5);
    b.types = {
        {"vester", 0.5, U_lock, h, 1.0, true, 0.01,
         {{"deposit", "vest f_i of min(es_i, esMax_i) (N10; masked unless N8)", false, -3.0, U(0.5, 1.0),
           {{sig_mom, 5}, {sig_px_dev, 2}, {sig_exit_frac, -30}}, {{own_capacity, 2}}},
          {"claim", "claim the converted KNINE (N4)", false, -2.0, all, {{sig_vol, 1}, {sig_exit_frac, 20}},
           {{own_claimable, 50}}, true},
          sell(-6.0, {{own_pnl, -1}, {own_claim_share, 3}}),
          unstake({{own_recalc_loss, -20}}),
          {"lock", "lock f_i of the liquid KNINE for k ~ k9.rys.new_lock_months (N7)", false, -5.0, U(0.2, 0.8),
           {{sig_rys_apr, 1}, {sig_mom, 2}, {sig_exit_frac, -30}}, {{own_uncovered, 5}}},
          {"withdraw_lock", "withdraw the expired lock (N6; masked before lock_end), sell lock_exit_sell_frac", true,
           -3.0, all, fear({{sig_rys_apr, -1}}), {}, true},
          buy(-6.0)},
         {own_pnl, own_capacity, own_claimable, own_recalc_loss, own_uncovered, own_claim_share}},
        {"staker", 0.3, U_lock, h, 1.0, true, 0.01,
         {sell(-6.0, {{own_pnl, -1}}), unstake({}),
          {"stake", "stake f_i of the liquid KNINE, non-locked (N7)", false, -5.0, U(0.2, 0.8),
           {{sig_rys_apr, 1}, {sig_mom, 2}, {sig_exit_frac, -30}}, {}}},
         {own_pnl}},
        {"trader", 0.2, U_lock, h, 1.0, true, 0.02, {sell(-5.0, {{own_pnl, -1}}), buy(-5.0)}, {own_pnl}},
    };
    return b;
  }();
  return d;
}

const framework::OutputDecl& K9::outputs() {
  static const framework::OutputDecl d = {
      {{"price", "WETH per KNINE, P = y/x (N13)"},
       {"price_usd", "USD per KNINE, P·quote_usd·M_t"},
       {"pool_knine", "KNINE, x"},
       {"pool_quote", "WETH, y"},
       {"knine_claimed", "KNINE claimed over the last 24h"},
       {"claim_sold", "claimed KNINE sold over the last 24h"},
       {"claim_sold_depth", "claim_sold/x"},
       {"unlock_sold", "KNINE sold over the last 24h from N6 releases (same step and later)"},
       {"es_supply", "esKNINE"},
       {"vesting_es", "esKNINE, U = Σu_i"},
       {"claimable", "KNINE, Cl = Σc_i"},
       {"locked_total", "KNINE, Σlocked"},
       {"staked_total", "KNINE, Σstaked (non-locked)"},
       {"recalc_count", "positions recalculated (N5) so far"}},
      {{"max_drawdown", "largest peak-to-trough fall of P (step-end prices)", Tail::upper},
       {"unlock_drawdown_depth", "deepest drawdown from the trailing-window max inside an unlock-dominated window", Tail::upper},
       {"recalc_share", "deposits_recalculated/deposits_opened"},
       {"es_excluded", "esKNINE excluded by N5, total"},
       {"claim_sell_share", "claimed KNINE sold/all KNINE sold into the pool"},
       {"stop_knine_paid", "KNINE paid at the stop (NaN without a stop)"},
       {"stop_es_returned", "esKNINE returned at the stop (NaN without a stop)"},
       {"stop_forfeit_knine", "Σ v_i·u_i at the stop (NaN without a stop)"},
       {"stop_price_change_7d", "P 7 days after the stop/P at the stop − 1 (NaN without a stop or before 7d)"},
       {"knine_claimed", "KNINE claimed, total"},
       {"claim_sold", "claimed KNINE sold, total"},
       {"unlock_sold", "unlock-origin KNINE sold (N6 parts and from_unlock), total"},
       {"locked_final", "KNINE locked at the horizon"},
       {"price_ratio", "P at the horizon / P at t0", Tail::lower}},
      {{"unlock_drawdown",
        "P ≤ (1 − metrics.k9.unlock_drawdown.drop) × its trailing-window max while unlock-origin sells are ≥ share of "
        "all KNINE sold over the same window"},
       {"emergency_stop", "first step of N2"},
       {"stock_shortfall", "first claim with φ < 1 (finite k9.vesting_stock only)"}},
      false};
  return d;
}

Protocol protocol() { return framework::make_protocol<K9>(); }


std::vector<SplittingScore> K9::scores(const Params&) {
  return {SplittingScore{e_unlock_drawdown, 1.0,
                         "min(price drawdown from the window's peak / metrics.k9.unlock_drawdown.drop, unlock share of "
                         "the window's KNINE sold / metrics.k9.unlock_drawdown.share)"}};
}

}  // namespace stampede::k9
