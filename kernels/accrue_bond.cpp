#include "kernels/accrue_bond.hpp"

namespace stampede::kernels {

double accrue_bond(const BondColumns& c, std::size_t begin, std::size_t end, double dt) {
  OrderedSum sum;
  accrue_bond_simd<DefaultArch>(c, begin, end, dt, sum);
  return sum.total;
}

double accrue_bond_reference(const BondColumns& c, std::size_t begin, std::size_t end, double dt) {
  OrderedSum sum;
  accrue_bond_reference(c, begin, end, dt, sum);
  return sum.total;
}

}  // namespace stampede::kernels
