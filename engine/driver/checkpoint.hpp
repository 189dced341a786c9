#pragma once
// The checkpoint of a run (engine.md "Robustness": `--resume`): what a resumed run needs to write
// the same file as an uninterrupted one, and nothing more. The completed paths' finals and event
// steps, the series of the stored paths (the first `output.store_paths`), and the quantile-band
// sketch over every completed path; the other paths' series are folded into the sketch as each
// path ends and never kept, so the checkpoint, like the run, stays bounded in the paths' series.
//
// The file is rewritten whole from time to time (a temporary file renamed over the old one, so it
// is always complete), and guarded by a CRC-32 of its body: a damaged file is refused.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/output/run_data.hpp"

namespace stampede {

struct CheckpointState {
  std::vector<PathResult> paths;  // completed; series empty unless stored
  BandSketch bands;               // over every completed path
};

// Writes the completed paths and their sketch to `path` atomically. Throws RuntimeFailure on an
// I/O error.
// Only the filled rows of `paths` are saved.
void write_checkpoint(const std::string& path, const std::string& tag, const PathTable& paths, const BandSketch& bands);

// The state saved in `path` if it exists. InputError if it belongs to another run (tag), is damaged
// (checksum), or its shape does not match (finals, events, series values per stored path, sketch).
std::optional<CheckpointState> load_checkpoint(const std::string& path, const std::string& tag, std::size_t n_finals,
                                               std::size_t n_events, std::size_t n_series_values,
                                               std::int64_t n_series, std::int64_t n_records);

// The number of completed paths a checkpoint file says it holds, read from its first bytes only
// (for a message; load_checkpoint checks the whole file); nullopt if it is absent or unreadable.
std::optional<std::uint64_t> checkpoint_paths(const std::string& path);

}  // namespace stampede
