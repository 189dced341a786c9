#pragma once
// results.h5: the self-describing, versioned result file of a run (engine.md "Output: HDF5";
// the schema is documented in docs/results-format.md).
#include <string>

#include "engine/core/errors.hpp"
#include "engine/output/run_data.hpp"
#include "engine/output/splitting_data.hpp"
#include "engine/output/sweep_data.hpp"

namespace stampede {

inline constexpr const char* kResultsFormat = "stampede-results";
inline constexpr int kResultsVersionMajor = 1;  // readers refuse any other major version
inline constexpr int kResultsVersionMinor = 1;  // 1.1: sweeps, time to event, risk figures, precision targets

// What write_results does when `path` already exists.
enum class Overwrite { refuse, replace };

// Thrown by write_results (Overwrite::refuse) when the result file exists, also when it appeared
// while the results were being written. Bad input: exit status 2.
class ResultsFileExists : public InputError {
 public:
  using InputError::InputError;
};

// Writes `<path>.partial` (created exclusively: a partial file that already exists belongs to
// another writer or to a crash, and is reported, not reused) and renames it to `path` once
// complete, so an interrupted run never leaves a half-written result. With Overwrite::refuse an
// existing `path` is refused before writing (ResultsFileExists) and the rename does not replace
// a file that appeared meanwhile (renameat2 RENAME_NOREPLACE, or link + unlink). On any other
// failure removes the partial file and throws RuntimeFailure. Includes the summary
// (summarize(run)) and the band sketch.
void write_results(const std::string& path, const RunData& run, Overwrite overwrite = Overwrite::refuse);

// Reads every field write_results stores. Throws InputError with one line naming the file if it
// is missing, unreadable, not HDF5, not a stampede results file, of an unknown major version,
// or malformed.
RunData read_results(const std::string& path);

// A sweep's file (root attribute kind = "sweep"): every point's run under /sweep/points/<i>,
// the paired comparisons under /sweep/compare/<j>. Written and read like a run's.
void write_sweep(const std::string& path, const SweepData& sweep, Overwrite overwrite = Overwrite::refuse);
SweepData read_sweep(const std::string& path);
// Whether a results file holds a sweep (after the same checks as read_results).
bool is_sweep_file(const std::string& path);
// The root attribute kind: "run" (also for 1.0 files), "sweep" or "splitting".
std::string results_kind(const std::string& path);

// A rare-event splitting result (kind = "splitting", docs/results-format.md "Splitting").
void write_splitting(const std::string& path, const SplittingData& d, Overwrite overwrite = Overwrite::refuse);
SplittingData read_splitting(const std::string& path);

}  // namespace stampede
