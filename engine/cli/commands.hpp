#pragma once
// The subcommands of `stampede`; each returns the process exit status and throws InputError /
// RuntimeFailure for cli_main to report.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/driver/protocol.hpp"

namespace stampede {

// The scenario a command works on: the file and its command-line overrides.
struct ScenarioArgs {
  std::string config;
  std::vector<std::string> sets;      // --set key.path=value, in order
  std::optional<std::int64_t> paths;  // --paths N (N >= 1)
  std::optional<std::string> seed;    // --seed S, 0 <= S <= 2^64 - 1 (the text, checked here)
  int threads = 0;                    // --threads T; 0 = all
};

struct RunArgs : ScenarioArgs {
  std::string output;
  std::string shard;
  bool resume = false;
  bool force = false;
  bool check = false;
  bool quiet = false;
  bool json = false;
  double checkpoint_every = 2.0;  // seconds between checkpoint saves (at least; see driver.hpp)
};

int command_run(const RunArgs& args, const ProtocolRegistry& protocols);
int command_validate(const ScenarioArgs& args, const ProtocolRegistry& protocols);
int command_report(const std::string& file, bool json);
int command_merge(const std::vector<std::string>& inputs, const std::string& output, bool force);
int command_list(const std::string& protocol, const ProtocolRegistry& protocols);

// --- shared by the commands (run_command.cpp) ---

// The --set overrides with --paths and --seed appended (they win); InputError for a --paths
// below 1 or a --seed outside [0, 2^64 - 1].
std::vector<std::string> scenario_overrides(const ScenarioArgs& args);

// Worker threads that will really run for a request (0 = all): at most the threads TBB may use.
int effective_threads(int requested);

// Refuses (InputError) an output file whose directory is missing, not a directory or not
// writable, an output that is a directory, and an existing output unless `force`.
void check_output_file(const std::string& file, bool force);

}  // namespace stampede
