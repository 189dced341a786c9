#include "kernels/accrue_vesting.hpp"

namespace stampede::kernels {

double accrue_vesting(const VestingColumns& c, std::size_t begin, std::size_t end, double dt) {
  OrderedSum sum;
  accrue_vesting_simd<DefaultArch>(c, begin, end, dt, sum);
  return sum.total;
}

double accrue_vesting_reference(const VestingColumns& c, std::size_t begin, std::size_t end, double dt) {
  OrderedSum sum;
  accrue_vesting_reference(c, begin, end, dt, sum);
  return sum.total;
}

}  // namespace stampede::kernels
