// SPDX-License-Identifier: GPL-3.0-or-later
// `fstack run JOB.toml`: runs a job file (docs/job-files.md), the seed's StackJob in TOML.
#include <memory>
#include <string>

#include "command.hpp"
#include "exit_codes.hpp"
#include "fstack/job_file.hpp"
#include "fstack/threads.hpp"
#include "input_options.hpp"
#include "progress_bar.hpp"

namespace fstack::cli {
namespace {

struct RunArgs {
    std::string job_file;
    bool check_only = false;
    bool overwrite = false;
    bool quiet = false;
    bool verbose = false;
    int threads = 0;
    std::string device;  // empty: the job file's [job] device, else auto
};

int run_job(const RunArgs& a) {
    set_threads(a.threads);
    apply_device_option(a.device);
    ProgressBar progress(choose_progress_mode(a.quiet), a.verbose);
    // The whole file is read and checked before the first action starts.
    const std::unique_ptr<StackJob> job = load_job_file(a.job_file);
    if (a.check_only) {
        progress.info(a.job_file + ": no errors found");
        return kExitOk;
    }
    job->set_overwrite(a.overwrite);
    if (!a.device.empty()) job->set_device(device());  // --device replaces [job] device
    job->run(progress);
    progress.finish();
    return kExitOk;
}

}  // namespace

Command add_run_command(CLI::App& root) {
    auto args = std::make_shared<RunArgs>();
    CLI::App* app = root.add_subcommand("run", "Run a job file: the seed's StackJob with its actions, in TOML.\n"
                                               "  fstack run JOB.toml");
    app->footer("The format is described in docs/job-files.md; examples/seed-example.toml is the seed's\n"
                "usage example. Unknown keys, wrong types and missing folders are reported with the\n"
                "file, the line and the key before any work starts. No action may write into a folder the\n"
                "job reads or over one of its frames; an existing output is refused unless --overwrite.\n\n" +
                exit_codes_help());
    app->add_option("job", args->job_file, "The job file (TOML)")->required()->type_name("JOB.toml");
    app->add_flag("--check", args->check_only, "Only read and check the job file");
    app->add_flag("--overwrite", args->overwrite,
                  "Replace the outputs of an earlier run (without it an existing output is refused before any work)");
    add_threads_option(*app, args->threads);
    add_device_option(*app, args->device);
    CLI::Option* quiet = app->add_flag("-q,--quiet", args->quiet, "Print nothing but errors")->group("Messages");
    app->add_flag("-v,--verbose", args->verbose, "Also print debugging notes")->excludes(quiet)->group("Messages");
    return Command{app, [args] { return run_job(*args); }};
}

}  // namespace fstack::cli
