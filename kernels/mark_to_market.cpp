#include "kernels/mark_to_market.hpp"

#include <stdexcept>

namespace stampede::kernels {

namespace {
void check(const MarkColumns& c) {
  if (c.count > kMaxHoldings) throw std::invalid_argument("mark_to_market: more than kMaxHoldings holdings");
}
}  // namespace

double mark_to_market(const MarkColumns& c, std::size_t begin, std::size_t end) {
  check(c);
  OrderedSum sum;
  mark_to_market_simd<DefaultArch>(c, begin, end, sum);
  return sum.total;
}

double mark_to_market_reference(const MarkColumns& c, std::size_t begin, std::size_t end) {
  check(c);
  OrderedSum sum;
  mark_to_market_reference(c, begin, end, sum);
  return sum.total;
}

}  // namespace stampede::kernels
