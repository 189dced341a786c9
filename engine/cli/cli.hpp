#pragma once
// `stampede` command line (engine.md "Command line"). Exit status: 0 success, 2 bad input
// (config, arguments, unreadable or foreign file, a run that cannot fit in memory), 1 runtime
// failure, 130 / 143 when interrupted by SIGINT / SIGTERM (completed paths stay in the
// checkpoint; `--resume` continues).
#include "engine/driver/protocol.hpp"

namespace stampede {

class Ranks;

// `ranks`: the processes of an MPI job this one belongs to (ranks.hpp); null for a plain process.
int cli_main(int argc, char** argv, const ProtocolRegistry& protocols, Ranks* ranks = nullptr);

}  // namespace stampede
