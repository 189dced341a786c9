#pragma once
// Hokusai's reserve bonding curve (hokusai.md H2, H10–H12, H15, H16): Bancor with reserve ratio w
// and a flat launch phase. Pricing is flat whenever R < R_th, even after graduation (§11); on the
// curve, S/R^w is invariant under buys and sells, so any split of a trade that stays on one side of
// R_th gives the same result as the whole trade. Exact double formulas (§11: the contract's
// fixed-point ln/pow are not reproduced), written with log1p/expm1 so that small trades keep their
// relative precision.
//
// Degenerate states, following HokusaiAMM where it says what to do:
//   - no redeemable supply on the curve (S ≤ 0, R ≥ R_th): spot is p_flat and a buy mints at
//     p_flat (the contract's spotPrice and _calculateBondingCurveTokens fallbacks); a sale pays 0
//     (getSellQuote), an exact-output cost is T·p_flat, T_max is 0;
//   - a sale on the curve of T ≥ S pays the whole reserve (the formula's limit at T = S; the
//     contract returns 0 for T > S, which is unreachable when S is the redeemable supply);
//   - a flat-phase sale pays min(T·p_flat, R) (the contract reverts; H15's T_max and H16's
//     R/p_flat keep the spec's sales below it);
//   - after a sale, R and S are clamped at 0 (rounding of the last pieces).
// Non-positive amounts trade nothing. No function returns NaN for finite inputs with S ≥ 0, R ≥ 0.
namespace stampede::hokusai {

struct CurveParams {
  double crr = 0.20;              // w
  double trade_fee = 0.003;       // f
  double flat_threshold = 25000;  // R_th, USDC
  double flat_price = 0.01;       // p_flat, USDC per token
  double max_trade_fraction = 0.20;
};

struct Curve {
  double R = 0;            // reserve, USDC
  double S = 0;            // redeemable supply S_tot − V (H3), tokens
  bool graduated = false;  // a buy has left R ≥ R_th; gates the buy cap only (H15)
};

// H2: p_flat if R < R_th else R/(w·S).
double spot(const CurveParams& p, double R, double S);

struct Buy {
  double tokens = 0;      // T
  double fee = 0;         // E·f, to treasury_usdc
  double reserve_in = 0;  // E' = E − E·f, into R
};

// H10 for E = usdc: flat when R + E ≤ R_th; curve when R ≥ R_th; otherwise the crossing (the
// contract's gross flat portion R_th − R, then the curve from (R_th, S + T_f)).
// R += E', S += T, graduated |= R ≥ R_th.
Buy buy(const CurveParams& p, Curve& curve, double usdc);

// H10 as `pieces` equal pieces, each priced at the (R, S) it starts from; returns the sums.
Buy buy_pieces(const CurveParams& p, Curve& curve, double usdc, int pieces);

struct Sell {
  double gross = 0;  // F, out of R
  double fee = 0;    // F·f, to treasury_usdc
  double net = 0;    // F − F·f, to the seller
};

// H11's F for T tokens at (R, S): T·p_flat when R < R_th, else R·(1 − (1 − T/S)^(1/w)).
double sell_gross(const CurveParams& p, double R, double S, double T);

// H11 without the cap check (the caller applies H15/H16): R −= F, S −= T.
Sell sell(const CurveParams& p, Curve& curve, double tokens);

// H11 as `pieces` equal pieces, each priced at the (R, S) it starts from; returns the sums.
Sell sell_pieces(const CurveParams& p, Curve& curve, double tokens, int pieces);

// H15 T_max, the largest sale with F ≤ max_trade_fraction·R: S·(1 − (1 − mtf)^w) on the curve,
// mtf·R/p_flat when flat.
double max_sell_tokens(const CurveParams& p, double R, double S);

struct AccessCost {
  double reserve_in = 0;  // E', into R
  double fee = 0;         // E − E', to treasury_usdc
  double gross = 0;       // E = E'/(1 − f), paid by the access users
};

// H12: the cost of buying exactly T tokens at (R, S), including the crossing (the flat part up to
// R_th, then the curve from (R_th, S + T_fl)). Does not change the curve.
AccessCost access_cost(const CurveParams& p, double R, double S, double tokens);

// H13's purchase: T tokens in `pieces` equal pieces, each bought by H12 at the (R, S) it starts from
// and burned at once: R += E' per piece, S unchanged, graduated |= R ≥ R_th. Returns the sums.
AccessCost access_buy_pieces(const CurveParams& p, Curve& curve, double tokens, int pieces);

// H16 Q*: the largest Q* ≤ Q whose average gross price F(Q*)/Q* (sold in `pieces` pieces from
// (R, S)) is ≥ (1 − tolerance)·P_0, P_0 = spot(R, S). Flat phase at the start (R < R_th):
// min(Q, R/p_flat). On the curve: Q when the whole Q qualifies, else 60 bisection steps on [0, Q]
// (the returned value always qualifies, or is 0).
double slippage_fill(const CurveParams& p, double R, double S, double Q, double tolerance, int pieces);

}  // namespace stampede::hokusai
