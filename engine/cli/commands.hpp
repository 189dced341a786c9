#pragma once
// The subcommands of `stampede`; each returns the process exit status and throws InputError /
// RuntimeFailure for cli_main to report.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/config/sweep_spec.hpp"
#include "engine/driver/protocol.hpp"
#include "engine/driver/scenario.hpp"
#include "engine/output/sweep_data.hpp"

namespace stampede {

// The scenario a command works on: the file and its command-line overrides.
struct ScenarioArgs {
  std::string config;
  std::optional<double> ci_half_width;       // --ci-half-width W: stop.ci_half_width
  std::optional<std::int64_t> max_paths;     // --max-paths N: stop.max_paths
  std::optional<std::int64_t> splitting;     // --splitting N: method.splitting.replicas
  std::vector<std::string> sets;      // --set key.path=value, in order
  std::optional<std::int64_t> paths;  // --paths N (N >= 1)
  std::optional<std::string> seed;    // --seed S, 0 <= S <= 2^64 - 1 (the text, checked here)
  int threads = 0;                    // --threads T; 0 = all
};

// What turns a run into a sweep: `sweep --over/--compare`, or `sensitivity` and its options.
struct SweepArgs {
  std::vector<std::string> over;     // `sweep --over KEY=[v1, ...]`: a grid replacing the file's sweep
  std::vector<std::string> compare;  // `--compare A,B`: the pairs of points to compare
  bool sensitivity = false;          // `stampede sensitivity`
  std::vector<std::string> params;   // --params GLOB (repeatable)
  std::optional<double> step, abs_step;
  std::vector<std::string> finals;   // --final NAME (repeatable)
};

struct RunArgs : ScenarioArgs, SweepArgs {
  std::string output;
  std::string shard;
  bool resume = false;
  bool force = false;
  bool check = false;
  bool quiet = false;
  bool json = false;
  double checkpoint_every = 2.0;  // seconds between checkpoint saves (at least; see driver.hpp)
  bool dry_run = false;           // --dry-run: memory, a timed calibration path and sizing advice; nothing written
  std::string wall_time;          // --wall-time T (with --dry-run): the array tasks' time limit to size for
  bool print_summary = true;      // false for an MPI rank's part (rank 0 prints the merged file's summary)
};

// One rank's share of a run spread over the processes of an MPI job (ranks.hpp): rank `rank` of
// `size` runs shard rank+1/size of the paths into its part file. command_run fills in `output`
// (the file the parts are merged into) and `part`.
struct RankShare {
  int rank = 0, size = 1;
  std::string output, part;
};

// `share`: run one rank's part of the run instead of the whole run (ranks.cpp merges them).
int command_run(const RunArgs& args, const ProtocolRegistry& protocols, RankShare* share = nullptr);
int command_validate(const ScenarioArgs& args, const ProtocolRegistry& protocols);
int command_report(const std::string& file, bool json);
// What `report` prints for a result file of any kind (run, sweep, splitting).
std::string report_text(const std::string& file, bool json);
// `require_complete`: refuse (exit 2, nothing written) a set of shards that does not cover every
// path (or splitting run) of the run.
int command_merge(const std::vector<std::string>& inputs, const std::string& output, bool force,
                  bool require_complete = false);
// The work of `merge`: reads, checks and merges the inputs and writes `output`; returns the line
// `merge` prints ("merged 4 files (8 paths) into out.h5").
std::string merge_files(const std::vector<std::string>& inputs, const std::string& output, bool force,
                        bool require_complete);
int command_list(const std::string& protocol, const ProtocolRegistry& protocols);
// `stampede plot`: runs scripts/plot.py (installed beside the binary's share/) with Debian's python3.
int command_plot(const std::string& file, const std::string& dir, const std::string& format, const char* argv0);

// method.splitting.replicas > 0: adaptive multilevel splitting of one event (splitting_command.cpp).
// `stop` is set by SIGINT/SIGTERM (`signal` says which): the completed AMS runs stay in OUT.ckpt,
// no result file is written, and the exit status is 130/143.
struct Shard;
int command_splitting(const RunArgs& args, const Scenario& scenario, const Model& model, const Shard& shard,
                      const std::string& out, int threads, const std::atomic<bool>& stop,
                      const std::atomic<int>& signal);

// Whether a scenario file has a top-level `sweep:` block.
bool sweep_block_in(const std::string& config_file);

// --- shared by the commands (run_command.cpp) ---

// Runs a command, turning its exceptions into the exit statuses of engine.md and one line on
// stderr ("stampede: error: <where><what>"); `where` names an MPI rank ("rank 2/4: ") or is "".
// With `held`, the line is stored there instead of printed.
int report_errors(const std::function<int()>& command, const std::string& where = "", std::string* held = nullptr);

// The --set overrides with --paths and --seed appended (they win); InputError for a --paths
// below 1 or a --seed outside [0, 2^64 - 1].
std::vector<std::string> scenario_overrides(const ScenarioArgs& args);

// The scenario (`base`, with the --set overrides) and, for a sweep (its `sweep:` block, or
// `over`), each point's scenario, all checked before anything runs; a run without a sweep is one
// point. Models are built by the caller.
struct PreparedPoint {
  Scenario scenario;
  std::unique_ptr<Model> model;
};
// With a sensitivity (its block, or `args.sensitivity`), the points are its design and
// `sensitivity` receives it.
std::vector<PreparedPoint> prepare_points(const ScenarioArgs& args, const std::vector<std::string>& sets,
                                          const SweepArgs& sweep_args, const ProtocolRegistry& protocols,
                                          config::SweepSpec& sweep, std::optional<SensitivityData>& sensitivity,
                                          Scenario& base);

// Worker threads that will really run for a request (0 = all): at most the threads TBB may use.
int effective_threads(int requested);

// Refuses (InputError) an output file whose directory is missing, not a directory or not
// writable, an output that is a directory, and an existing output unless `force`.
void check_output_file(const std::string& file, bool force);

}  // namespace stampede
