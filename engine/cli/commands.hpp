#pragma once
// The subcommands of `stampede`; each returns the process exit status and throws InputError /
// RuntimeFailure for cli_main to report.
#include <cstdint>
#include <string>
#include <vector>

#include "engine/driver/protocol.hpp"

namespace stampede {

struct RunArgs {
  std::string config;
  std::string output;
  std::int64_t paths = 0;  // 0 = as configured
  std::int64_t seed = -1;  // -1 = as configured
  int threads = 0;         // 0 = all
  std::string shard;
  std::vector<std::string> sets;
  bool resume = false;
  bool check = false;
  bool quiet = false;
  bool json = false;
};

int command_run(const RunArgs& args, const ProtocolRegistry& protocols);
int command_validate(const std::string& file, const std::vector<std::string>& sets,
                     const ProtocolRegistry& protocols);
int command_report(const std::string& file, bool json);
int command_merge(const std::vector<std::string>& inputs, const std::string& output);
int command_list(const std::string& protocol, const ProtocolRegistry& protocols);

}  // namespace stampede
