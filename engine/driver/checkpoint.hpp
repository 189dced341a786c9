#pragma once
// Append-only checkpoint of completed paths (engine.md "Robustness": `--resume`).
// Each completed path is appended as one self-checking record (length + FNV-1a checksum), so a
// process killed mid-write leaves at most one torn record at the end, which `load` ignores.
// Records hold the full series of every path, because the quantile-band sketch of a resumed run
// must count the resumed paths exactly as an uninterrupted run would.
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

#include "engine/output/run_data.hpp"

namespace stampede {

class CheckpointWriter {
 public:
  // Opens `path` for append (creating it with a header naming `tag` if new or if truncate).
  CheckpointWriter(const std::string& path, const std::string& tag, bool truncate);
  ~CheckpointWriter();
  CheckpointWriter(const CheckpointWriter&) = delete;
  CheckpointWriter& operator=(const CheckpointWriter&) = delete;
  void append(const PathResult& p);  // thread-safe; flushed to the OS before returning

 private:
  std::FILE* file_ = nullptr;
  std::mutex mutex_;
  std::string path_;
};

// Completed paths of a checkpoint whose tag matches; empty if the file does not exist.
// Throws InputError if the file exists but belongs to another run (tag mismatch).
std::vector<PathResult> load_checkpoint(const std::string& path, const std::string& tag,
                                        std::size_t n_finals, std::size_t n_events,
                                        std::size_t n_series_values);

}  // namespace stampede
