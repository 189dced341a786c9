#include "engine/cli/cli.hpp"

#include <CLI/CLI.hpp>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>

#include "engine/cli/commands.hpp"
#include "engine/cli/ranks.hpp"
#include "engine/cli/system_info.hpp"
#include "engine/config/suggest.hpp"
#include "engine/core/errors.hpp"

namespace stampede {

namespace {

const std::vector<std::string> kCommands = {"run", "sweep", "sensitivity", "validate", "report", "merge", "list", "plot"};

// The options every command that loads a scenario takes.
void add_scenario_options(CLI::App& cmd, ScenarioArgs& a) {
  cmd.add_option("config", a.config, "Scenario YAML file")->required();
  cmd.add_option("--paths", a.paths, "Override `paths` (N >= 1)");
  cmd.add_option("--seed", a.seed, "Override `seed` (0 to 18446744073709551615)");
  cmd.add_option("--threads", a.threads, "Worker threads (default: all cores)")->check(CLI::Range(1, 4096));
  cmd.add_option("--set", a.sets, "Override a key: key.path=value or list[i].field=value (repeatable)");
  cmd.add_option("--ci-half-width", a.ci_half_width,
                 "Precision target: run paths in batches until every event probability's 95% Wilson half-width is at "
                 "most this (stop.ci_half_width)");
  cmd.add_option("--max-paths", a.max_paths, "Most paths a precision target may run (stop.max_paths)");
  cmd.add_option("--splitting", a.splitting,
                 "Estimate a rare event by adaptive multilevel splitting with this many replicas per run "
                 "(method.splitting.replicas)");
}

// The options of `run` and `sweep`.
void add_run_options(CLI::App& cmd, RunArgs& run) {
  add_scenario_options(cmd, run);
  cmd.add_option("-o,--output", run.output, "Result file (default: <scenario>.h5)");
  cmd.add_option("--shard", run.shard, "Run only shard k of N (k/N): a contiguous block of paths");
  cmd.add_flag("--resume", run.resume, "Continue an interrupted run from its checkpoint");
  cmd.add_flag("--force", run.force, "Overwrite an existing result file; without --resume, discard an existing checkpoint");
  cmd.add_flag("--check", run.check, "Verify conservation invariants at every step");
  cmd.add_option("--checkpoint-every", run.checkpoint_every,
                 "Save completed paths to OUT.h5.ckpt at most every this many seconds (default 2; 0 = after every path)")
      ->check(CLI::NonNegativeNumber);
  cmd.add_flag("--quiet", run.quiet, "No progress or memory report on stderr");
  cmd.add_flag("--json", run.json, "Print the summary as JSON");
  cmd.add_option("--compare", run.compare, "Compare two sweep points A,B (names or indices; repeatable)");
  cmd.add_flag("--dry-run", run.dry_run,
               "Print the memory per process, the time per path (from a short timed calibration path) and, with "
               "--wall-time, the paths per array task; runs nothing else and writes no file");
  cmd.add_option("--wall-time", run.wall_time,
                 "With --dry-run: size array tasks for this time limit (2h, 90m, 1d, or Slurm's [D-]HH:MM:SS)");
}

// `stampede plot` or a bare `stampede`: CLI11 would say "A subcommand is required"; name the
// unknown word and list the commands.
std::optional<std::string> command_problem(int argc, char** argv) {
  std::string known;
  for (const auto& c : kCommands) known += (known.empty() ? "" : ", ") + c;
  bool flag_only = false;  // --help, --version, ...: CLI11 answers them
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.empty() || a[0] == '-') {
      flag_only = true;
      continue;
    }
    if (std::find(kCommands.begin(), kCommands.end(), a) != kCommands.end()) return std::nullopt;
    std::string msg = "unknown command '" + a + "'";
    if (const auto c = config::closest(a, kCommands)) msg += "; did you mean '" + *c + "'?";
    return msg + "\nthe commands are: " + known;
  }
  if (flag_only) return std::nullopt;
  return "a command is required\nthe commands are: " + known;
}

// `sweep` needs something to sweep over.
void check_sweep_command(const RunArgs& sweep) {
  if (sweep.over.empty() && !sweep_block_in(sweep.config))
    throw InputError("sweep: " + sweep.config + " has no sweep: block; give --over KEY=[v1, v2, ...]");
}

}  // namespace

int report_errors(const std::function<int()>& command, const std::string& where, std::string* held) {
  std::string message;
  int status = kExitOk;
  try {
    status = command();
  } catch (const InputError& e) {
    message = "stampede: error: " + where + e.what();
    status = kExitBadInput;
  } catch (const RuntimeFailure& e) {
    message = "stampede: runtime failure: " + where + e.what();
    status = kExitRuntime;
  } catch (const std::bad_alloc&) {
    message = "stampede: runtime failure: " + where +
              "out of memory (lower agents.count, paths in flight (--threads) or the population)";
    status = kExitRuntime;
  } catch (const std::exception& e) {
    message = "stampede: runtime failure: " + where + e.what();
    status = kExitRuntime;
  }
  if (!message.empty()) {
    message += "\n";
    if (held) *held = message;
    else std::cerr << message << std::flush;  // one write: ranks sharing a terminal do not interleave
  }
  return status;
}

int cli_main(int argc, char** argv, const ProtocolRegistry& protocols, Ranks* ranks) {
  CLI::App app{"stampede: Monte Carlo agent-based stress engine for token protocols"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Show help for every command");
  app.set_version_flag("--version", version_text(), "Print the engine version, git commit and SIMD target");

  RunArgs run;
  auto* run_cmd = app.add_subcommand("run", "Run a scenario (or its sweep: block): summary on stdout, results to HDF5");
  add_run_options(*run_cmd, run);

  RunArgs sweep;
  auto* sweep_cmd = app.add_subcommand(
      "sweep", "Run a scenario at several settings on common random numbers: its sweep: block, or --over");
  add_run_options(*sweep_cmd, sweep);
  sweep_cmd->add_option("--over", sweep.over,
                        "Sweep a key over values: KEY=[v1, v2, ...] (one or two: a grid; replaces the file's sweep)");

  RunArgs sens;
  sens.sensitivity = true;
  auto* sens_cmd = app.add_subcommand(
      "sensitivity", "Move every behaviour parameter (or those matching --params) down and up, one at a time, on "
                     "common random numbers, and rank them by their effect on each event probability");
  add_run_options(*sens_cmd, sens);
  sens_cmd->add_option("--params", sens.params, "Only the parameters matching this glob (repeatable), e.g. 'agents.*.sell.w.*'");
  sens_cmd->add_option("--step", sens.step, "Relative step: value -/+ step*|value| (default 0.25)");
  sens_cmd->add_option("--abs-step", sens.abs_step, "Also move the parameters whose value is 0, by -/+ this (default: they stay)");
  sens_cmd->add_option("--final", sens.finals, "Also rank by the change of this final's median (repeatable)");

  ScenarioArgs validate;
  auto* validate_cmd =
      app.add_subcommand("validate", "Check a scenario file without running it; print the memory a run needs");
  add_scenario_options(*validate_cmd, validate);

  std::string report_file;
  bool report_json = false;
  auto* report_cmd = app.add_subcommand("report", "Print the summary of a result file");
  report_cmd->add_option("file", report_file, "Result file (.h5)")->required();
  report_cmd->add_flag("--json", report_json, "Print the summary as JSON");

  std::vector<std::string> merge_inputs;
  std::string merge_output;
  bool merge_force = false;
  auto* merge_cmd = app.add_subcommand("merge", "Combine shard result files into one");
  merge_cmd->add_option("inputs", merge_inputs, "Shard result files")->required()->expected(1, -1);
  merge_cmd->add_option("-o,--output", merge_output, "Merged result file")->required();
  merge_cmd->add_flag("--force", merge_force, "Overwrite an existing merged file");
  bool merge_complete = false;
  merge_cmd->add_flag("--require-complete", merge_complete,
                      "Refuse shards that do not cover every path of the run (nothing is written)");

  std::string plot_file, plot_dir, plot_format = "png";
  auto* plot_cmd = app.add_subcommand("plot", "Draw the pictures of a result file (matplotlib): fan charts, P(event by "
                                              "t), histograms of finals, a sweep's probability curve or heatmap");
  plot_cmd->add_option("file", plot_file, "Result file (.h5)")->required();
  plot_cmd->add_option("-o,--output", plot_dir, "Directory for the pictures (default: <file>-plots)");
  plot_cmd->add_option("--format", plot_format, "png or pdf")->check(CLI::IsMember({"png", "pdf"}));

  std::string list_protocol;
  auto* list_cmd = app.add_subcommand("list", "List protocols and their parameters, defaults and units");
  list_cmd->add_option("protocol", list_protocol, "Only this protocol");

  if (const auto unknown = command_problem(argc, argv)) {
    std::cerr << "stampede: error: " << *unknown << "\n(run `stampede --help` for usage)\n";
    return kExitBadInput;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "stampede: " << e.what() << "\n(run `stampede --help` for usage)\n";
    return kExitBadInput;
  }

  for (const RunArgs* a : {&run, &sweep, &sens})
    if (!a->wall_time.empty() && !a->dry_run) {
      std::cerr << "stampede: error: --wall-time sizes array tasks; it goes with --dry-run\n";
      return kExitBadInput;
    }
  const RunArgs* run_like = *run_cmd ? &run : *sweep_cmd ? &sweep : *sens_cmd ? &sens : nullptr;
  const auto command = [&]() -> int {
    if (*run_cmd) return command_run(run, protocols);
    if (*sweep_cmd) {
      check_sweep_command(sweep);
      return command_run(sweep, protocols);
    }
    if (*sens_cmd) return command_run(sens, protocols);
    if (*plot_cmd) return command_plot(plot_file, plot_dir, plot_format, argv[0]);
    if (*validate_cmd) return command_validate(validate, protocols);
    if (*report_cmd) return command_report(report_file, report_json);
    if (*merge_cmd) return command_merge(merge_inputs, merge_output, merge_force, merge_complete);
    if (*list_cmd) return command_list(list_protocol, protocols);
    return kExitBadInput;
  };
  if (!ranks) return report_errors(command);
  // Under MPI: a run, sweep or sensitivity is spread over the ranks; every other command (and a
  // dry run) runs on rank 0 alone, the others waiting for its exit status.
  if (run_like && !run_like->dry_run) {
    const int checked = ranks->rank() == 0 && *sweep_cmd ? report_errors([&] {
      check_sweep_command(sweep);
      return kExitOk;
    }) : kExitOk;
    if (const int s = ranks->worst(checked); s != kExitOk) return s;
    return run_over_ranks(*run_like, protocols, *ranks);
  }
  return ranks->worst(ranks->rank() == 0 ? report_errors(command) : kExitOk);
}

}  // namespace stampede
