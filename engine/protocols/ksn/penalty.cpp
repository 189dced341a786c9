#include "engine/protocols/ksn/penalty.hpp"

#include <algorithm>

namespace stampede::ksn {

double penalty_rate(double stake_age, const KsnDcpParams& dcp) {
  return dcp.penalty_max * std::max(0.0, 1.0 - stake_age / static_cast<double>(dcp.penalty_period));
}

ChargeSplit apply_penalties(KsnState& s, double sum_penalties, const KsnDcpParams& dcp) {
  ChargeSplit c;
  c.to_dcp = dcp.penalty_dcp_share * sum_penalties;
  c.burned = sum_penalties - c.to_dcp;  // (1 − s_p)·Σpen, so the split adds up exactly
  s.DCP += c.to_dcp;
  s.S -= c.burned;
  s.ledger.penalties += sum_penalties;
  s.ledger.burned_penalties += c.burned;
  return c;
}

double apply_sell_tax(KsnState& s, double amount, const KsnDcpParams& dcp) {
  const double tax = dcp.sell_tax * amount;
  const double to_dcp = dcp.sell_tax_dcp_share * tax;
  const double burned = tax - to_dcp;
  s.DCP += to_dcp;
  s.S -= burned;
  s.ledger.sell_tax += tax;
  s.ledger.burned_sell_tax += burned;
  return amount - tax;
}

}  // namespace stampede::ksn
