#include "kernels/accrue_vesting.hpp"

namespace stampede::kernels {

double accrue_vesting(const VestingColumns& c, std::size_t begin, std::size_t end, double t, double t1) {
  OrderedSum sum;
  accrue_vesting_simd<DefaultArch>(c, begin, end, t, t1, sum);
  return sum.total;
}

double accrue_vesting_reference(const VestingColumns& c, std::size_t begin, std::size_t end, double t, double t1) {
  OrderedSum sum;
  accrue_vesting_reference(c, begin, end, t, t1, sum);
  return sum.total;
}

}  // namespace stampede::kernels
