#include "kernels/accrue_rebase.hpp"

namespace stampede::kernels {

double accrue_rebase(const RebaseColumns& c, std::size_t begin, std::size_t end, double g) {
  OrderedSum sum;
  accrue_rebase_simd<DefaultArch>(c, begin, end, g, sum);
  return sum.total;
}

double accrue_rebase_reference(const RebaseColumns& c, std::size_t begin, std::size_t end, double g) {
  OrderedSum sum;
  accrue_rebase_reference(c, begin, end, g, sum);
  return sum.total;
}

}  // namespace stampede::kernels
