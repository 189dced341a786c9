#pragma once
// One `stampede run` spread over the processes (ranks) of an MPI job (docs/cluster.md "MPI").
// Rank k of N runs shard k+1/N of the paths (TBB threads inside it) into its own part file,
// <OUT>.rank<k+1>of<N>.h5; once every rank has finished, rank 0 merges the parts with the code of
// `stampede merge --require-complete` (paths in id order, sketches added: the same file as one
// process writes), prints the merged file's summary and removes the parts. A rank that fails or
// is interrupted makes every rank exit with the worst status; the parts and checkpoints stay, and
// the same command with --resume continues.
//
// The engine knows nothing of MPI: this interface is all it sees. The MPI implementation is
// engine/mpi/mpi_main.cpp, built into the `stampede` executable with -DSTAMPEDE_MPI=ON.
#include <string>

#include "engine/cli/commands.hpp"

namespace stampede {

class Ranks {
 public:
  virtual ~Ranks() = default;
  virtual int rank() const = 0;  // 0-based
  virtual int size() const = 0;
  // Collective: every rank calls it, the same number of times, with its exit status; every rank
  // gets the largest (0 ok < 1 runtime < 2 input < 130 SIGINT < 143 SIGTERM).
  virtual int worst(int status) = 0;
  // Collective: rank 0's value, on every rank.
  virtual int first(int value) = 0;
};

// The part file of rank `rank` (0-based) of `size`: "<output>.rank<rank+1>of<size>.h5".
std::string rank_part_file(const std::string& output, int rank, int size);

// `stampede run|sweep|sensitivity` on every rank; returns this rank's exit status (the same on
// every rank).
int run_over_ranks(const RunArgs& args, const ProtocolRegistry& protocols, Ranks& ranks);

}  // namespace stampede
