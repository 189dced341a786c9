#pragma once
// results.h5: the self-describing, versioned result file of a run (engine.md "Output: HDF5";
// the schema is documented in docs/results-format.md).
#include <string>

#include "engine/output/run_data.hpp"

namespace stampede {

inline constexpr const char* kResultsFormat = "stampede-results";
inline constexpr int kResultsVersionMajor = 1;  // readers refuse any other major version
inline constexpr int kResultsVersionMinor = 0;

// Writes `<path>.partial` and renames it to `path` once complete, so an interrupted run never
// leaves a half-written result. On any failure removes the partial file and throws
// RuntimeFailure. Includes the summary (summarize(run)) and the band sketch.
void write_results(const std::string& path, const RunData& run);

// Reads every field write_results stores. Throws InputError with one line naming the file if it
// is missing, unreadable, not HDF5, not a stampede results file, of an unknown major version,
// or malformed.
RunData read_results(const std::string& path);

}  // namespace stampede
