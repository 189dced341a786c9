// `stampede run` over the ranks of an MPI job (ranks.hpp): each rank runs its shard into a part
// file, rank 0 merges the parts once every rank has succeeded.
#include "engine/cli/ranks.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "engine/core/errors.hpp"

namespace stampede {

std::string rank_part_file(const std::string& output, int rank, int size) {
  return output + ".rank" + std::to_string(rank + 1) + "of" + std::to_string(size) + ".h5";
}

namespace {

// Rank 0, once every rank has written its part: merge them into the output (refusing a set that
// does not cover every path), print its summary, remove the parts.
int merge_parts(const RunArgs& args, const RankShare& share, int size, double seconds) {
  std::vector<std::string> parts;
  std::error_code ec;
  for (int r = 0; r < size; ++r) {
    parts.push_back(rank_part_file(share.output, r, size));
    if (!std::filesystem::exists(parts.back(), ec))
      throw RuntimeFailure("rank 1 cannot see " + parts.back() + ", the part rank " + std::to_string(r + 1) +
                           " wrote: under MPI the output's directory must be on a filesystem every rank shares");
  }
  merge_files(parts, share.output, args.force, /*require_complete=*/true);
  const std::string summary = report_text(share.output, args.json);
  for (const auto& p : parts) std::filesystem::remove(p, ec);
  std::cout << summary;
  if (!args.quiet) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.2f s", seconds);
    std::cerr << "wrote " << share.output << " (the parts of " << size << (size == 1 ? " rank" : " ranks")
              << " merged; " << buf << ")\n";
  }
  return kExitOk;
}

}  // namespace

int run_over_ranks(const RunArgs& args, const ProtocolRegistry& protocols, Ranks& ranks) {
  const int n = ranks.size(), k = ranks.rank();
  const std::string where = "rank " + std::to_string(k + 1) + "/" + std::to_string(n) + ": ";
  const auto start = std::chrono::steady_clock::now();
  RunArgs mine = args;
  mine.print_summary = false;  // rank 0 prints the merged file's
  if (k > 0) mine.quiet = true;  // one memory line and progress bar, rank 0's
  RankShare share;
  share.rank = k;
  share.size = n;
  std::string message;
  const int status = report_errors([&] { return command_run(mine, protocols, &share); }, where, &message);
  const int worst = ranks.worst(status);
  // Bad input is found alike by every rank: rank 0 says it alone. Failures and interruptions are
  // each rank's own.
  const int rank0 = ranks.first(status);
  if (!message.empty() && (k == 0 || status != kExitBadInput || rank0 != kExitBadInput))
    std::cerr << message << std::flush;
  if (worst != kExitOk) {
    // Bad input is the same on every rank (each said why); after a failure or an interruption,
    // say what is kept and how to go on.
    if (k == 0 && worst != kExitBadInput && !share.output.empty())
      std::cerr << "stampede: not every rank completed (exit status " << worst << "); no " << share.output
                << " was written. The ranks that completed keep their parts (" << share.output << ".rank<k>of" << n
                << ".h5), the others their checkpoints: run the same command with --resume (and the same number of "
                   "ranks) to continue.\n";
    return worst;
  }
  const int merged = k == 0 ? report_errors([&] {
    return merge_parts(args, share, n, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }) : kExitOk;
  return ranks.worst(merged);
}

}  // namespace stampede
