#pragma once
// The checkpoint of a rare-event splitting run (docs/rare-events.md "Interrupting and resuming"):
// the AMS runs completed so far, so that `--resume` runs only the others and writes the same
// result file as an uninterrupted run. Each AMS run is independent, so a completed run is all
// there is to keep; an unfinished one is started again (bit for bit the same run).
//
// A text file, rewritten whole after each completed run (a temporary file renamed over the old
// one, so it is always complete): a header with the run's tag (configuration, seed, shard,
// replicas...), one line per completed run (the estimate as a hexadecimal float, exact), and the
// CRC-32 of everything before it. A damaged file, or one of another run, is refused.
#include <optional>
#include <string>
#include <vector>

#include "engine/output/splitting_data.hpp"

namespace stampede {

// Writes the completed runs to `path` atomically. RuntimeFailure on an I/O error.
void write_splitting_checkpoint(const std::string& path, const std::string& tag, const std::vector<SplittingRun>& runs);

// The runs saved in `path`, nullopt if the file does not exist. InputError if it belongs to
// another run (tag) or is damaged (format, checksum).
std::optional<std::vector<SplittingRun>> load_splitting_checkpoint(const std::string& path, const std::string& tag);

}  // namespace stampede
