#include "engine/protocols/hokusai/curve.hpp"

#include <algorithm>
#include <cmath>

namespace stampede::hokusai {
namespace {

bool flat(const CurveParams& p, double R) { return R < p.flat_threshold; }  // H2's phase

// Tokens minted on the curve for E' net USDC from (R, S): S·((1 + E'/R)^w − 1).
double curve_tokens(const CurveParams& p, double R, double S, double net) {
  return S * std::expm1(p.crr * std::log1p(net / R));
}

// Net USDC for exactly T tokens on the curve from (R, S): R·((1 + T/S)^(1/w) − 1).
double curve_cost(const CurveParams& p, double R, double S, double T) {
  return R * std::expm1(std::log1p(T / S) / p.crr);
}

int at_least_one(int pieces) { return std::max(1, pieces); }

}  // namespace

double spot(const CurveParams& p, double R, double S) {  // H2
  if (flat(p, R) || !(S > 0.0)) return p.flat_price;
  return R / (p.crr * S);
}

Buy buy(const CurveParams& p, Curve& curve, double usdc) {  // H10
  if (!(usdc > 0.0)) return {};
  Buy b;
  b.fee = usdc * p.trade_fee;
  b.reserve_in = usdc - b.fee;
  const double R = curve.R, S = curve.S, R_th = p.flat_threshold;
  if (R + usdc <= R_th || (!flat(p, R) && !(S > 0.0))) {
    b.tokens = b.reserve_in / p.flat_price;
  } else if (!flat(p, R)) {
    b.tokens = curve_tokens(p, R, S, b.reserve_in);
  } else {  // the crossing: the gross flat portion at p_flat, the rest on the curve from (R_th, S + T_f)
    const double flat_gross = R_th - R;
    const double flat_tokens = flat_gross * (1.0 - p.trade_fee) / p.flat_price;
    b.tokens =
        flat_tokens + curve_tokens(p, R_th, S + flat_tokens, (usdc - flat_gross) * (1.0 - p.trade_fee));
  }
  curve.R += b.reserve_in;
  curve.S += b.tokens;
  curve.graduated = curve.graduated || curve.R >= R_th;
  return b;
}

Buy buy_pieces(const CurveParams& p, Curve& curve, double usdc, int pieces) {
  const int n = at_least_one(pieces);
  const double piece = usdc / n;
  Buy sum;
  for (int k = 0; k < n; ++k) {
    const Buy b = buy(p, curve, piece);
    sum.tokens += b.tokens;
    sum.fee += b.fee;
    sum.reserve_in += b.reserve_in;
  }
  return sum;
}

double sell_gross(const CurveParams& p, double R, double S, double T) {  // H11's F
  if (!(T > 0.0) || !(R > 0.0)) return 0.0;
  if (flat(p, R)) return std::min(T * p.flat_price, R);
  if (!(S > 0.0)) return 0.0;
  return -R * std::expm1(std::log1p(-std::min(T / S, 1.0)) / p.crr);  // R at T ≥ S
}

Sell sell(const CurveParams& p, Curve& curve, double tokens) {  // H11
  if (!(tokens > 0.0)) return {};
  Sell s;
  s.gross = sell_gross(p, curve.R, curve.S, tokens);
  s.fee = s.gross * p.trade_fee;
  s.net = s.gross - s.fee;
  curve.R = std::max(0.0, curve.R - s.gross);
  curve.S = std::max(0.0, curve.S - tokens);
  return s;
}

Sell sell_pieces(const CurveParams& p, Curve& curve, double tokens, int pieces) {
  const int n = at_least_one(pieces);
  const double piece = tokens / n;
  Sell sum;
  for (int k = 0; k < n; ++k) {
    const Sell s = sell(p, curve, piece);
    sum.gross += s.gross;
    sum.fee += s.fee;
    sum.net += s.net;
  }
  return sum;
}

double max_sell_tokens(const CurveParams& p, double R, double S) {  // H15 T_max
  if (flat(p, R)) return p.max_trade_fraction * std::max(R, 0.0) / p.flat_price;
  if (!(S > 0.0)) return 0.0;
  return -S * std::expm1(p.crr * std::log1p(-p.max_trade_fraction));
}

AccessCost access_cost(const CurveParams& p, double R, double S, double tokens) {  // H12
  if (!(tokens > 0.0)) return {};
  double net;
  if (flat(p, R)) {
    const double flat_usdc = p.flat_threshold - std::max(R, 0.0);
    const double flat_tokens = flat_usdc / p.flat_price;  // T_fl
    net = tokens <= flat_tokens
              ? tokens * p.flat_price
              : flat_usdc + curve_cost(p, p.flat_threshold, S + flat_tokens, tokens - flat_tokens);
  } else {
    net = S > 0.0 ? curve_cost(p, R, S, tokens) : tokens * p.flat_price;
  }
  AccessCost c;
  c.reserve_in = net;
  c.gross = net / (1.0 - p.trade_fee);
  c.fee = c.gross - net;
  return c;
}

AccessCost access_buy_pieces(const CurveParams& p, Curve& curve, double tokens, int pieces) {  // H13
  const int n = at_least_one(pieces);
  const double piece = tokens / n;
  AccessCost sum;
  for (int k = 0; k < n; ++k) {
    const AccessCost c = access_cost(p, curve.R, curve.S, piece);
    curve.R += c.reserve_in;  // minted and burned at once: S unchanged
    curve.graduated = curve.graduated || curve.R >= p.flat_threshold;
    sum.reserve_in += c.reserve_in;
    sum.fee += c.fee;
    sum.gross += c.gross;
  }
  return sum;
}

double slippage_fill(const CurveParams& p, double R, double S, double Q, double tolerance,
                     int pieces) {  // H16
  if (!(Q > 0.0)) return 0.0;
  if (flat(p, R)) return std::min(Q, std::max(R, 0.0) / p.flat_price);
  const double floor_price = (1.0 - tolerance) * spot(p, R, S);
  const auto qualifies = [&](double q) {
    Curve trial{R, S, true};
    return sell_pieces(p, trial, q, pieces).gross >= floor_price * q;
  };
  if (qualifies(Q)) return Q;
  double lo = 0.0, hi = Q;  // qualifies(lo) (or lo = 0), !qualifies(hi)
  for (int k = 0; k < 60; ++k) {
    const double mid = 0.5 * (lo + hi);
    (qualifies(mid) ? lo : hi) = mid;
  }
  return lo;
}

}  // namespace stampede::hokusai
