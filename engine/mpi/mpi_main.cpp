// The `stampede` executable of an MPI build (-DSTAMPEDE_MPI=ON, docs/cluster.md "MPI"): the only
// code that calls MPI. Started by an MPI launcher (mpirun, mpiexec, or srun with PMI/PMIx), it
// initialises MPI and hands cli_main the job's ranks: `mpirun -np N stampede run ...` spreads the
// paths over N ranks, each running its shard on its own TBB threads, and rank 0 merges the parts
// into one result file (engine/cli/ranks.hpp). Started any other way it is the plain `stampede`
// and never touches MPI.
#include <mpi.h>

#include <cstdio>
#include <cstdlib>

#include "engine/cli/cli.hpp"
#include "engine/cli/ranks.hpp"
#include "engine/protocols/builtin.hpp"

namespace {

class MpiRanks final : public stampede::Ranks {
 public:
  MpiRanks() {
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  int rank() const override { return rank_; }
  int size() const override { return size_; }
  int worst(int status) override {
    int w = status;
    MPI_Allreduce(&status, &w, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    return w;
  }
  int first(int value) override {
    MPI_Bcast(&value, 1, MPI_INT, 0, MPI_COMM_WORLD);
    return value;
  }

 private:
  int rank_ = 0, size_ = 1;
};

// The variables MPI launchers set in every rank's environment: Open MPI's mpirun, PMI-1/2
// (MPICH's hydra, srun --mpi=pmi2) and PMIx (srun --mpi=pmix, Open MPI 5).
bool started_by_mpi_launcher() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMI_RANK", "PMIX_RANK"})
    if (std::getenv(v)) return true;
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  const auto& protocols = stampede::builtin_protocols();
  if (!started_by_mpi_launcher()) return stampede::cli_main(argc, argv, protocols);
  // Only the main thread calls MPI (TBB's workers never do).
  int provided = 0;
  if (MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
    std::fprintf(stderr, "stampede: runtime failure: MPI_Init_thread failed\n");
    return 1;
  }
  int status = 1;
  {
    MpiRanks ranks;
    status = stampede::cli_main(argc, argv, protocols, &ranks);
  }
  MPI_Finalize();
  return status;
}
