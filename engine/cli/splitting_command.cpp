// `stampede run` with method.splitting.replicas > 0: rare-event estimation by adaptive
// multilevel splitting (docs/rare-events.md) instead of plain Monte Carlo over `paths`.
#include <chrono>
#include <csignal>
#include <filesystem>
#include <iostream>

#include "engine/cli/commands.hpp"
#include "engine/cli/run_meta.hpp"
#include "engine/cli/system_info.hpp"
#include "engine/core/errors.hpp"
#include "engine/driver/scenario_loader.hpp"
#include "engine/driver/shard.hpp"
#include "engine/driver/splitting.hpp"
#include "engine/driver/splitting_checkpoint.hpp"
#include "engine/output/results_file.hpp"

namespace stampede {

int command_splitting(const RunArgs& args, const Scenario& scenario, const Model& model, const Shard& shard,
                      const std::string& out, int threads, const std::atomic<bool>& stop,
                      const std::atomic<int>& signal) {
  const auto scores = model.splitting_scores();
  const auto& events = model.schema().events;
  if (scores.empty())
    throw InputError(scenario.file + ": method.splitting: protocol " + scenario.protocol +
                     " declares no splitting score (its events cannot be estimated by splitting yet)");
  std::size_t k = 0;
  if (!scenario.splitting_event.empty()) {
    k = scores.size();
    std::string known;
    for (std::size_t i = 0; i < scores.size(); ++i) {
      known += (i ? ", " : "") + events[scores[i].event];
      if (events[scores[i].event] == scenario.splitting_event) k = i;
    }
    if (k == scores.size())
      throw InputError(scenario.file + ": method.splitting.event: '" + scenario.splitting_event + "' has no splitting " +
                       "score in " + scenario.protocol + " (events with a score: " + known + ")");
  }
  const auto runs = static_cast<std::uint64_t>(scenario.splitting_runs);
  SplittingOptions o;
  o.score = k;
  o.replicas = scenario.splitting_replicas;
  o.kill = scenario.splitting_kill;
  o.first_run = shard.first_path(static_cast<std::int64_t>(runs));
  o.end_run = shard.end_path(static_cast<std::int64_t>(runs));
  o.threads = threads;
  if (o.first_run == o.end_run)
    throw InputError("--shard " + args.shard + ": shard holds no splitting runs (" + std::to_string(runs) +
                     " runs); use at most " + std::to_string(runs) + " shards");
  const RunShape shape = run_shape(scenario);
  if (!args.quiet) {
    const KeptStates kept = kept_states(model, o);
    std::cerr << "splitting: copies " << (kept.kept ? "start from kept path states" : "replay their parent from step 0")
              << " (kept states of " << o.replicas << " replicas x the runs in flight: " << kept.bytes / (1 << 20)
              << " MiB, " << (kept.kept ? "within" : "over") << " the " << o.keep_states_bytes / (1 << 20) << " MiB allowed)\n";
  }
  // The checkpoint: the completed AMS runs, rewritten after each (OUT.ckpt; run_command has already
  // refused an existing one without --resume or --force).
  const std::string ckpt = out + ".ckpt";
  const std::string tag = scenario.config_sha256 + "|seed=" + std::to_string(scenario.seed) + "|shard=" + shard.str() +
                          "|runs=" + std::to_string(runs) + "|replicas=" + std::to_string(o.replicas) +
                          "|kill=" + std::to_string(o.kill) + "|score=" + std::to_string(k);
  SplittingControl control;
  std::error_code ec;
  if (args.resume) {
    if (auto saved = load_splitting_checkpoint(ckpt, tag)) {
      control.done = std::move(*saved);
      if (!args.quiet) std::cerr << "resuming: " << control.done.size() << " completed splitting runs in " << ckpt << "\n";
    }
  } else {
    std::filesystem::remove(ckpt, ec);  // --force: an earlier run's checkpoint is discarded
  }
  control.stop = &stop;
  control.on_done = [&](const std::vector<SplittingRun>& done) { write_splitting_checkpoint(ckpt, tag, done); };
  const auto start = std::chrono::steady_clock::now();
  SplittingOutcome outcome = run_splitting(model, shape, o, control);
  if (outcome.interrupted) {
    const int sig = signal.load();
    std::cerr << "stampede: interrupted (" << (sig == SIGTERM ? "SIGTERM" : "SIGINT") << "): " << outcome.runs.size()
              << " completed splitting runs are saved in " << ckpt
              << "; no result file was written. Run again with --resume to continue.\n";
    return sig == SIGTERM ? 143 : 130;
  }
  SplittingData d;
  d.runs = std::move(outcome.runs);
  d.event = events[scores[k].event];
  d.score_doc = scores[k].doc;
  d.level = scores[k].level;
  d.replicas = o.replicas;
  d.kill = o.kill;
  d.meta = run_meta(scenario, shard, shape, threads);
  RunMeta& m = d.meta;
  m.n_paths = static_cast<std::int64_t>(runs);
  m.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::int64_t steps = 0;
  for (const auto& r : d.runs) steps += r.path_steps;
  m.agent_steps_per_second =
      m.wall_seconds > 0 ? static_cast<double>(steps) * static_cast<double>(model.agents_per_path()) / m.wall_seconds : 0;
  try {
    write_splitting(out, d, args.force ? Overwrite::replace : Overwrite::refuse);
  } catch (const ResultsFileExists& e) {
    throw InputError(std::string(e.what()) + "; pass --force to overwrite it");
  }
  std::filesystem::remove(ckpt, ec);
  if (args.print_summary) std::cout << (args.json ? splitting_json(d) : splitting_table(d));
  if (!args.quiet) std::cerr << "wrote " << out << " (" << m.wall_seconds << " s)\n";
  return kExitOk;
}

}  // namespace stampede
