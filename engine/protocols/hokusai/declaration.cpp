// Hokusai's agent types, actions, signals, own terms (hokusai.md §6) and outputs (hokusai.md §8),
// declared once: the behaviour keys, their defaults, `stampede list`, the decision and the result
// file's schema are built from these tables.
#include "engine/framework/protocol_model.hpp"
#include "engine/protocols/hokusai/hokusai.hpp"
#include "engine/protocols/hokusai/path.hpp"

namespace stampede::hokusai {

using agents::ActionDecl;
using agents::SignalKind;

const agents::BehaviourDecl& Hokusai::behaviour() {
  static const agents::BehaviourDecl d = [] {
    agents::BehaviourDecl b;
    b.bias_sd = 0.7;  // §6: b_i ~ normal(mean, 0.7) per action (the owner's fixed)
    b.signals = {
        {"px_dev", "ln(P/MA_7d(P)), MA over the last 7 days of step-end spots"},
        {"mom_24h", "ln(P_t/P_{t−24h})"},
        {"vol_24h", "√Σ(step log-returns²) over 24h (daily units)"},
        {"exit_frac", "share of the agent's type that chose its exit last step (holder: redeem; contributor: early withdraw)",
         SignalKind::own_exit},
        {"reserve_dd", "1 − R/max_{s≤t} R"},
        {"usage_growth", "ln(D_t/D_{t−7d}), D the access demand (H20)"},
        {"improve_30d", "improvements accepted in the last 30 days"},
        {"unlock_7d", "vault releases scheduled in the next 7 days / S"},
        {"mkt_ret_24h", "ln(M_t/M_{t−24h}) of the market factor"},
    };
    b.own = {
        {"pnl", "W_i/cost_i − 1 clipped to [−1, 3] (H18)", -1.0, 3.0},
        {"locked", "unreleased/(tok_i + unreleased)", 0.0, 1.0},
    };
    const auto U = Distribution::uniform;
    const auto all = Distribution::constant(1.0);
    const auto rho = Distribution::uniform(0.05, 0.25);
    const auto h = Distribution::lognormal(0.0, 0.5);
    using W = std::vector<std::pair<int, double>>;
    // holder · redeem weights; the contributor's sell has the same (with its own exit_frac).
    const W fear = {{sig_px_dev, -1}, {sig_mom, -3},       {sig_vol, 1},       {sig_exit_frac, 60},
                    {sig_reserve_dd, 3}, {sig_usage_growth, -2}, {sig_unlock_7d, 0.5}, {sig_mkt_ret, -2}};
    ActionDecl owner_sell{"sell", "sell f_i of the liquid (vested) tokens on the curve (H11)", false, -4.0,
                          Distribution::constant(0.05),
                          {{sig_px_dev, -2}, {sig_mom, -3}, {sig_reserve_dd, 4}, {sig_usage_growth, -2}},
                          {{own_pnl, -0.5}}};
    owner_sell.bias_sd = 0;  // one owner, a fixed bias
    b.types = {
        {"contributor", 0.10, rho, h, 1.0, true, 0.002,
         {{"sell", "sell f_i of the liquid tokens on the curve (H11, H15, H16)", false, -9.0, U(0.5, 1.0), fear,
           {{own_pnl, 0.5}}},
          {"early_withdraw", "withdraw every vesting slot early (H9): the penalty is burned", true, -10.0, all,
           {{sig_exit_frac, 60}, {sig_reserve_dd, 4}, {sig_mom, -3}, {sig_px_dev, -2}}, {{own_locked, 1}}, true}},
         {own_pnl, own_locked}},
        {"owner", 0.0, rho, h, 1.0, false, 0.0, {owner_sell}, {own_pnl, own_locked}, 1},
        {"holder", 0.90, rho, h, 1.0, true, 0.002,
         {{"redeem", "redeem every token for USDC on the curve (H11, H15, H16)", true, -9.5, all, fear,
           {{own_pnl, -0.5}}, true},
          {"buy", "spend f_i of the USDC on the curve (H10)", false, -7.5, U(0.1, 0.5),
           {{sig_px_dev, -1}, {sig_mom, 2}, {sig_usage_growth, 2}, {sig_improve_30d, 0.2}, {sig_exit_frac, -100},
            {sig_reserve_dd, -4}},
           {}}},
         {own_pnl}},
    };
    return b;
  }();
  return d;
}

const framework::OutputDecl& Hokusai::outputs() {
  static const framework::OutputDecl d = {
      {{"total_supply", "tokens, S_tot"},
       {"circulating_supply", "tokens, S = S_tot − V (H3)"},
       {"burned_total", "tokens burned so far (sells, access, penalties)"},
       {"minted_total", "tokens minted so far (buys, improvements, initial, treasury)"},
       {"daily_mint", "tokens minted over the last 24h"},
       {"daily_burn", "tokens burned over the last 24h"},
       {"active_users", "D/requests_per_user_per_day + agents that traded over the last 24h"},
       {"token_velocity", "(bought + sold + access-burned tokens over the last 24h)/S"},
       {"treasury_health", "R/(P·S) (w on the curve)"},
       {"treasury_usdc", "USDC of trade fees"},
       {"improvement_rate", "improvements accepted over the last 30 days"},
       {"accuracy", "bps, the model score"},
       {"access_requests", "requests/day, D (H20)"},
       {"price", "USDC per token, P (H2)"},
       {"reserve", "USDC, R"},
       {"vault", "tokens, V"}},
      {{"max_reserve_drawdown", "max of 1 − R/max_{s≤t} R", Tail::upper},
       {"min_price", "USDC", Tail::lower},
       {"max_price", "USDC"},
       {"final_price", "USDC", Tail::lower},
       {"final_reserve", "USDC", Tail::lower},
       {"improvements_accepted", "count"},
       {"vesting_merges", "grants merged into a used slot (H17)"},
       {"max_sells_24h", "max over steps of USDC paid to sellers over the trailing run window / R at its start"}},
      {{"redemption_run",
        "USDC paid by sells (gross, agents and external) over the trailing metrics.hokusai.redemption_run.window ≥ "
        "fraction × R at the window start"},
       {"deep_drawdown", "reserve_dd ≥ metrics.hokusai.deep_drawdown"},
       {"flat_relapse", "R < R_th after graduation (sells priced at p_flat again)"}},
      false};
  return d;
}

Protocol protocol() { return framework::make_protocol<Hokusai>(); }


std::vector<SplittingScore> Hokusai::scores(const Params&) {
  return {SplittingScore{e_deep_drawdown, 1.0,
                         "reserve drawdown from its running maximum / metrics.hokusai.deep_drawdown"}};
}

}  // namespace stampede::hokusai
