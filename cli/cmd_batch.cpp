// SPDX-License-Identifier: GPL-3.0-or-later
// `fstack batch`: every stack of a folder (an OpenScan run: scan_1.jpg ... scan_N.jpg, K frames
// per position) into one image each, unattended, resumable, in parallel, and in shards across
// machines.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <opencv2/core.hpp>

#include "batch_plan.hpp"
#include "batch_progress.hpp"
#include "batch_runner.hpp"
#include "command.hpp"
#include "exit_codes.hpp"
#include "frame_action_options.hpp"
#include "fstack/actions.hpp"
#include "fstack/error.hpp"
#include "fstack/frame_pipeline.hpp"
#include "fstack/frame_source.hpp"
#include "fstack/rig_alignment.hpp"
#include "fstack/image_io.hpp"
#include "fstack/limits.hpp"
#include "fstack/memory_estimate.hpp"
#include "fstack/runtime.hpp"
#include "fstack/stack_frames.hpp"
#include "fstack/threads.hpp"
#include "input_options.hpp"
#include "memory_budget.hpp"
#include "output_check.hpp"
#include "output_options.hpp"
#include "run_report.hpp"
#include "stacker_options.hpp"
#include "watch.hpp"

namespace fstack::cli {
namespace fs = std::filesystem;
namespace {

struct BatchArgs {
    std::string input;
    std::string output;
    int stack_size = 0;
    std::string group_by;
    bool keep_partial = false;
    StackerOptions stacker;
    FrameActionOptions actions;  // --align, --balance, --vignetting, --noise-mask
    OutputOptions output_options;
    InputOptions input_options;
    std::string format;
    std::string postfix;
    int jobs = 0;  // 0: one per core
    std::string max_memory;
    std::string shard;
    std::string report;  // --report FILE.jsonl
    int alignment_from = 0;  // --alignment-from K: the rig's alignment from the first K stacks
    bool shard_given = false;  // --shard "" is an error, not "no shard"
    bool dry_run = false;
    bool watch = false;  // --watch: stack each stack as soon as its frames have arrived
    double idle = 30;    // --idle S: the run ends S seconds after the last new frame
    bool quiet = false;
    bool verbose = false;
};

const char* const kDescription =
    "Focus-stack every stack of a folder, one image per stack.\n"
    "  fstack batch DIR -o OUTDIR (--stack-size N | --group-by REGEX) [options]";

const char* const kNotes =
    "Stacks: the folder's JPEG/PNG/TIFF files in natural order (scan_2 before scan_10), cut\n"
    "into groups of N consecutive frames (--stack-size; a count that is not a multiple of N is\n"
    "an input error, as a missing frame would shift every later stack, unless --keep-partial),\n"
    "or grouped by the first capture group of --group-by, searched in each file name: with\n"
    "--group-by '^(pos[0-9]+)_' the files pos3_1.jpg, pos3_2.jpg ... form stack pos3.\n"
    "Outputs: OUTDIR/<name><postfix><ext>, the name being the capture group or the stack's first\n"
    "frame's name, the extension --format's or the first frame's. A stack whose output exists\n"
    "is skipped (so an interrupted batch resumes where it stopped) unless --overwrite.\n"
    "Failures: a stack that fails is reported and the others go on; a summary lists the failed\n"
    "stacks at the end and the exit code is that of the first failure (3 input, 4 output).\n"
    "Parallel: up to --jobs stacks at once, as many as fit in --max-memory by an estimate of\n"
    "each stack's peak memory (from its frame size and the stacker); one stack always runs.\n"
    "Shards: --shard I/N takes every stack whose position in the batch, counted from 0, is I-1\n"
    "modulo N: N machines running shards 1/N .. N/N on the same folder process every stack\n"
    "exactly once, with no coordination (a Slurm array job, a Kubernetes indexed Job).\n"
    "--dry-run prints the stacks, their outputs and what would be skipped, and writes nothing.\n"
    "--report FILE.jsonl appends one JSON object per stack (inputs, output, status, error, exit\n"
    "class, time, peak memory, per-frame transform and gain) as each stack ends.\n"
    "Every stack gets the options of `fstack stack`: stacker, frame actions (--align, --balance,\n"
    "...; --plots writes into one subfolder per stack), output and input options.\n\n";

void check_usage(BatchArgs& a) {
    check_stacker_options(a.stacker);
    frame_pipeline(a.actions);  // refuses bad action options now, not in every stack
    if ((a.stack_size > 0) == !a.group_by.empty())
        throw Error(ErrorKind::Usage, "give either --stack-size N or --group-by REGEX");
    if (a.keep_partial && a.stack_size == 0)
        throw Error(ErrorKind::Usage, "--keep-partial applies to --stack-size only");
    if (format_from_extension(a.output) != FileFormat::Unknown)
        throw Error(ErrorKind::Usage, a.output, -1, "the batch output is a folder, not an image file name");
    std::error_code ec;
    if (!fs::is_directory(a.input, ec))
        throw Error(ErrorKind::Input, a.input, -1, "not a folder: fstack batch takes the folder of a scan run");
    // Results in the input folder would be taken for frames by the next run.
    if (same_file(a.input, a.output))
        throw Error(ErrorKind::Usage, a.output, -1, "the output folder must not be the input folder");
    if (a.alignment_from > 0 && (!a.actions.alignment.empty() || a.actions.align == "none"))
        throw Error(ErrorKind::Usage, "--alignment-from estimates the rig's alignment: it cannot go with " +
                                          std::string(a.actions.align == "none" ? "--align none" : "--alignment"));
    load_alignment(a.actions);
    if (a.watch && (a.dry_run || a.alignment_from > 0))
        throw Error(ErrorKind::Usage, std::string("--watch cannot go with ") + (a.dry_run ? "--dry-run" : "--alignment-from") +
                                          " (use --alignment FILE to reuse a rig's alignment while watching)");
    if (!a.actions.plots.empty()) {
        InputFiles input;
        input.add_folder(a.input);
        check_folder_not_input(a.actions.plots, input, "--plots");
    }
}

// A stack's estimated peak memory; a stack whose estimate exceeds the memory left (`available`,
// the cgroup's room included; 0: unknown) is refused with both figures.
void estimate_memory(const BatchArgs& a, const Stacker& prototype, const FramePipeline& pipeline,
                     std::uint64_t available, PlannedStack& s) {
    ImageInfo info;
    try {
        info = read_image_info(s.frames.front(), 0);
    } catch (const Error&) {
        // An unreadable first frame fails its stack when it runs; until then, assume 24 MP.
        info.width = 6000;
        info.height = 4000;
    }
    const MemoryEstimate need = estimate_stack_memory(prototype, pipeline, a.output_options.denoise, info);
    s.memory = planned_memory(need);
    if (available > 0 && need.bytes > available)
        s.refused = stack_memory_refusal(need.bytes, available, info.width, info.height, need.what);
}

// The stacks of this run (this shard), their outputs and memory estimates. `rig`: the frames of
// the batch's first --alignment-from stacks (whatever the shard, so that every shard estimates
// the same alignment).
std::vector<PlannedStack> make_plan(const BatchArgs& a, const Stacker& prototype, Progress& progress, Shard shard,
                                    std::vector<std::vector<fs::path>>& rig) {
    const std::vector<fs::path> frames = list_frames(a.input, progress);
    if (frames.empty()) throw Error(ErrorKind::Input, a.input, -1, "no JPEG, PNG or TIFF images in this folder");
    std::vector<PlannedStack> stacks = group_stacks(frames, a.stack_size, a.group_by, a.keep_partial, progress);
    for (size_t i = 0; i < stacks.size() && i < static_cast<size_t>(a.alignment_from); ++i) rig.push_back(stacks[i].frames);
    stacks = select_shard(std::move(stacks), shard);
    plan_outputs(stacks, a.output, a.format, a.postfix, a.output_options.overwrite, progress);
    const FramePipeline pipeline = frame_pipeline(a.actions);
    const std::uint64_t available = available_memory();
    for (PlannedStack& s : stacks)
        if (!s.done) estimate_memory(a, prototype, pipeline, available, s);
    return stacks;
}

void print_plan(const std::vector<PlannedStack>& stacks, const BatchArgs& a, Shard shard) {
    int todo = 0;
    for (const PlannedStack& s : stacks) {
        std::printf("%s: %zu frames, %s .. %s -> %s%s\n", s.name.c_str(), s.frames.size(),
                    s.frames.front().filename().c_str(), s.frames.back().filename().c_str(), s.output.c_str(),
                    s.done ? " (exists: skip)" : !s.refused.empty() ? " (refused: too large for the memory left)" : "");
        todo += s.done ? 0 : 1;
    }
    std::printf("%zu stacks%s, %d to stack, %zu done already; nothing written (--dry-run)\n", stacks.size(),
                shard.count > 1 ? (" in shard " + a.shard).c_str() : "", todo, stacks.size() - static_cast<size_t>(todo));
}

// --alignment-from K: the median, frame by frame, of the alignments the frame actions find on
// the first K stacks (their analysing pass only: nothing is stacked or written).
std::shared_ptr<const RigAlignment> estimate_rig(const BatchArgs& a, const std::vector<std::vector<fs::path>>& rig,
                                                 Progress& progress) {
    std::vector<RigAlignment> found;
    for (const auto& frames : rig) {
        FileFrameSource files(frames, progress);
        configure_source(a.input_options, files);
        files.validate();
        ProcessedFrameSource processed(files, frame_pipeline(a.actions).clone_actions(),
                                       frame_pipeline(a.actions).options, progress);
        processed.prepare();
        std::vector<std::string> names;
        for (int i = 0; i < files.size(); ++i) names.push_back(files.frame_name(i));
        found.push_back(rig_alignment_of(*processed.geometry(), processed.gains(), names));
    }
    auto median = std::make_shared<RigAlignment>(median_alignment(found));
    median->source = "the alignment of the first " + std::to_string(found.size()) + " stacks";
    progress.info("alignment estimated on the first " + std::to_string(found.size()) +
                  " stack(s) (median per frame), reused for every stack");
    return median;
}

// Stacks one planned stack and writes its image; returns the path written. `details`, if given,
// receives what the frame actions did (for --report).
std::string stack_one(const BatchArgs& a, const Stacker& prototype, const PlannedStack& s, Progress& progress,
                      StackDetails* details) {
    if (!s.refused.empty()) throw Error(ErrorKind::Input, s.frames.front().string(), 0, s.refused);
    if (!s.blocked.empty()) throw Error(ErrorKind::Output, s.output.string(), -1, s.blocked);
    FileFrameSource files(s.frames, progress);
    configure_source(a.input_options, files, s.output);
    files.validate();
    // The frame actions run on the fly, as in `fstack stack`; each stack has its own.
    FramePipeline pipeline = frame_pipeline(a.actions);
    if (!pipeline.options.plot_path.empty()) pipeline.options.plot_path /= s.name;  // one plot folder per stack
    auto stacker = prototype.clone();
    const StackResult result = stack(files, pipeline, *stacker, stack_options(a.output_options), progress);
    WriteOptions w = with_raw_profile(write_options(a.output_options, s.frames.front()), files);
    w.overwrite = w.overwrite || s.replace;
    write_image(s.output, result.image, w);
    if (details) *details = stack_details(result);
    return s.output.string() + describe_crop(result) + describe_reused_fit(a.actions, result);
}

// The --report line of a stack.
ReportEntry report_entry(const PlannedStack& s) {
    ReportEntry e;
    e.command = "batch";
    e.name = s.name;
    e.inputs = s.frames;
    e.output = s.output;
    return e;
}

int report(const std::vector<PlannedStack>& todo, const std::vector<StackOutcome>& outcomes, size_t skipped,
           const std::string& report_error, bool cancelled = false) {
    size_t written = 0, failed = 0, not_run = 0;
    int code = kExitOk;
    for (size_t i = 0; i < outcomes.size(); ++i) {
        switch (outcomes[i].state) {
            case StackOutcome::State::Written: ++written; break;
            case StackOutcome::State::Failed:
                if (failed++ == 0) code = exit_code_for(outcomes[i].kind);
                break;
            case StackOutcome::State::Cancelled: cancelled = true; ++not_run; break;
            case StackOutcome::State::NotRun: ++not_run; break;
        }
    }
    std::fprintf(stderr, "fstack: batch: %zu written, %zu skipped (output exists), %zu failed%s\n", written, skipped,
                 failed, not_run > 0 ? (", " + std::to_string(not_run) + " not run").c_str() : "");
    if (failed > 0) {
        std::fprintf(stderr, "fstack: error: %zu stack(s) failed:\n", failed);
        for (size_t i = 0; i < outcomes.size(); ++i)
            if (outcomes[i].state == StackOutcome::State::Failed)
                std::fprintf(stderr, "  %s (%zu frames): %s\n", todo[i].name.c_str(), todo[i].frames.size(),
                             outcomes[i].message.c_str());
    }
    if (!report_error.empty()) std::fprintf(stderr, "fstack: error: %s\n", report_error.c_str());
    if (cancelled || (not_run > 0 && failed == 0)) {
        std::fprintf(stderr, "fstack: interrupted; run the same command again to finish the batch\n");
        return kExitInterrupted;
    }
    return code == kExitOk && !report_error.empty() ? kExitOutput : code;
}

// Stacks `todo` on up to `threads` threads within `room` bytes, each stack's --report line
// appended as it ends (the first failure to append goes to `report_error`).
std::vector<StackOutcome> run_round(const BatchArgs& a, const Stacker& prototype, const std::vector<PlannedStack>& todo,
                                    int threads, std::uint64_t room, RunReport& run_report, std::string& report_error) {
    std::vector<std::uint64_t> memory;
    std::vector<std::string> names;
    for (const PlannedStack& s : todo) {
        memory.push_back(s.refused.empty() ? s.memory : 0);  // a refused stack only reports its failure
        names.push_back(s.name);
    }
    BatchProgress progress(choose_progress_mode(a.quiet), a.verbose, threads);
    progress.begin(static_cast<int>(todo.size()));
    // --report: each stack's line as it ends. One stack at a time, its peak memory is its own.
    std::vector<StackDetails> details(todo.size());
    std::mutex report_mutex;
    const bool own_peak = threads == 1 && run_report.enabled() && reset_peak_resident_memory();
    const auto work = [&](size_t i, Progress& p) {
        if (own_peak) reset_peak_resident_memory();
        return stack_one(a, prototype, todo[i], p, run_report.enabled() ? &details[i] : nullptr);
    };
    const auto finished = [&](size_t i, const StackOutcome& o) {
        if (!run_report.enabled()) return;
        ReportEntry e = report_entry(todo[i]);
        e.status = o.state == StackOutcome::State::Written ? ReportEntry::Status::Ok
                   : o.state == StackOutcome::State::Failed ? ReportEntry::Status::Failed
                                                            : ReportEntry::Status::Interrupted;
        e.error = o.message;
        e.kind = o.kind;
        e.seconds = o.seconds;
        e.peak_memory = peak_resident_memory();
        e.peak_of_stack = own_peak;
        if (o.state == StackOutcome::State::Written) e.details = &details[i];
        try {
            run_report.append(e);
        } catch (const Error& err) {
            std::lock_guard<std::mutex> lock(report_mutex);
            if (report_error.empty()) report_error = err.what();
        }
    };
    const auto outcomes = run_stacks(memory, threads, room, work, names, progress, finished);
    progress.finish();
    return outcomes;
}

// --watch: the stacks whose frames have all arrived. With --stack-size a stack is complete with
// its N frames; with --group-by when the next stack's first frame is there. After --idle seconds
// without a new frame every stack is (a short last group as --keep-partial says).
std::vector<PlannedStack> complete_stacks(const BatchArgs& a, const std::vector<fs::path>& frames, bool idle, Shard shard) {
    std::vector<PlannedStack> stacks;
    if (a.stack_size > 0) {
        const size_t whole = frames.size() / size_t(a.stack_size) * size_t(a.stack_size);
        const bool all = idle && (a.keep_partial || whole == frames.size());
        const std::vector<fs::path> ready(frames.begin(), frames.begin() + std::ptrdiff_t(all ? frames.size() : whole));
        if (!ready.empty()) stacks = group_stacks(ready, a.stack_size, {}, a.keep_partial, null_progress());
    } else {
        stacks = group_stacks(frames, 0, a.group_by, false, null_progress());
        if (!idle && !stacks.empty()) stacks.pop_back();  // its next stack has not begun yet
    }
    stacks = select_shard(std::move(stacks), shard);
    plan_outputs(stacks, a.output, a.format, a.postfix, a.output_options.overwrite, null_progress());
    return stacks;
}

int watch_batch(BatchArgs& a, const Stacker& prototype, Shard shard, std::uint64_t budget, int jobs,
                ProgressBar& setup) {
    FolderWatch watch(a.input, setup);
    setup.info("watching " + a.input + " (each stack is stacked once its frames are there; the run ends " +
               std::to_string(int(a.idle)) + " s after the last new frame)");
    check_output_folder(a.output);
    make_output_folder(a.output);
    RunReport run_report;
    if (!a.report.empty()) run_report.open(a.report);
    std::string report_error;
    std::set<fs::path> handled;
    std::vector<PlannedStack> all_todo;
    std::vector<StackOutcome> all_outcomes;
    size_t skipped = 0;
    const std::uint64_t room = budget > kProcessBaseMemory ? budget - kProcessBaseMemory : 0;
    const FramePipeline pipeline = frame_pipeline(a.actions);
    const std::uint64_t available = available_memory();
    tune_allocator();
    for (bool last = false, first = true; !last; first = false) {
        const bool changed = watch.poll();
        last = watch.idle_seconds() >= a.idle;
        // Stacks are planned again only when a frame came (planning reads existing outputs).
        if (!changed && !last && !first) {
            watch_sleep(0.2, setup);
            continue;
        }
        std::vector<PlannedStack> todo;
        for (PlannedStack& s : complete_stacks(a, watch.frames(), last, shard)) {
            if (!handled.insert(s.output).second) continue;
            if (s.done) {
                ++skipped;
                ReportEntry e = report_entry(s);
                e.status = ReportEntry::Status::Skipped;
                run_report.append(e);
                continue;
            }
            estimate_memory(a, prototype, pipeline, available, s);
            todo.push_back(std::move(s));
        }
        if (!todo.empty()) {
            std::vector<fs::path> frames;
            for (const PlannedStack& s : todo) frames.insert(frames.end(), s.frames.begin(), s.frames.end());
            run_report.check_not_input(frames);
            const int threads = static_cast<int>(std::min<size_t>(static_cast<size_t>(jobs), todo.size()));
            const auto outcomes = run_round(a, prototype, todo, threads, room, run_report, report_error);
            for (size_t i = 0; i < todo.size(); ++i) {
                all_outcomes.push_back(outcomes[i]);
                all_todo.push_back(std::move(todo[i]));
            }
            if (std::any_of(outcomes.begin(), outcomes.end(),
                            [](const StackOutcome& o) { return o.state == StackOutcome::State::Cancelled; }))
                break;
            continue;  // look again at once: frames went on arriving while these were stacked
        }
        if (setup.cancelled()) break;
        if (!last) watch_sleep(0.2, setup);
    }
    if (a.stack_size > 0 && !a.keep_partial && watch.frames().size() % size_t(a.stack_size) != 0 && !setup.cancelled()) {
        PlannedStack partial;
        partial.name = "the last " + std::to_string(watch.frames().size() % size_t(a.stack_size)) + " frame(s)";
        StackOutcome o;
        o.state = StackOutcome::State::Failed;
        o.kind = ErrorKind::Input;
        o.message = "no stack: " + std::to_string(watch.frames().size()) + " frames arrived, not a multiple of --stack-size " +
                    std::to_string(a.stack_size) + " (--keep-partial stacks a short last group)";
        partial.frames.assign(watch.frames().end() - std::ptrdiff_t(watch.frames().size() % size_t(a.stack_size)),
                              watch.frames().end());
        all_todo.push_back(partial);
        all_outcomes.push_back(o);
    }
    if (setup.cancelled())
        for (StackOutcome& o : all_outcomes)
            if (o.state == StackOutcome::State::NotRun) o.state = StackOutcome::State::Cancelled;
    if (all_todo.empty() && !setup.cancelled()) setup.info("nothing to do: no stack arrived that is not done already");
    return report(all_todo, all_outcomes, skipped, report_error, setup.cancelled());
}

int run_batch(BatchArgs& a) {
    check_usage(a);
    apply_input_options(a.input_options);
    const Shard shard = a.shard_given ? parse_shard(a.shard) : Shard{};
    const std::uint64_t budget = a.max_memory.empty() ? default_memory_budget() : parse_memory_size(a.max_memory);
    const int jobs = a.jobs > 0 ? a.jobs : fstack::threads();
    const std::unique_ptr<Stacker> prototype = make_stacker(a.stacker);

    ProgressBar setup(choose_progress_mode(a.quiet), a.verbose);
    if (a.watch) return watch_batch(a, *prototype, shard, budget, jobs, setup);
    std::vector<std::vector<fs::path>> rig;
    std::vector<PlannedStack> stacks = make_plan(a, *prototype, setup, shard, rig);
    if (a.dry_run) {
        print_plan(stacks, a, shard);
        return kExitOk;
    }
    std::vector<fs::path> all_frames;
    for (const PlannedStack& s : stacks) all_frames.insert(all_frames.end(), s.frames.begin(), s.frames.end());
    RunReport run_report;
    if (!a.report.empty()) run_report.open(a.report);
    run_report.check_not_input(all_frames);
    std::vector<PlannedStack> todo;
    for (PlannedStack& s : stacks) {
        if (!s.done) {
            todo.push_back(std::move(s));
            continue;
        }
        ReportEntry e = report_entry(s);
        e.status = ReportEntry::Status::Skipped;
        run_report.append(e);
    }
    const size_t skipped = stacks.size() - todo.size();
    if (skipped > 0) setup.info(std::to_string(skipped) + " stack(s) skipped: output exists (use --overwrite to redo)");
    if (todo.empty()) {
        setup.info("nothing to do: every output exists");
        return kExitOk;
    }
    check_output_folder(a.output);
    if (!rig.empty()) a.actions.reuse = estimate_rig(a, rig, setup);
    make_output_folder(a.output);
    warn_useless_options(a.output_options, setup, todo.front().output);

    const std::uint64_t room = budget > kProcessBaseMemory ? budget - kProcessBaseMemory : 0;
    for (const PlannedStack& s : todo) {
        if (!s.refused.empty())
            setup.warn("stack " + s.name + " is not started: " + s.refused);
        else if (s.memory > room)
            setup.warn("stack " + s.name + " needs about " + format_memory_size(s.memory) + ", more than --max-memory " +
                       format_memory_size(budget) + " allows: it will run alone");
    }
    const int threads = static_cast<int>(std::min<size_t>(static_cast<size_t>(jobs), todo.size()));
    setup.info(std::to_string(todo.size()) + " stack(s) to stack, up to " + std::to_string(threads) +
               " at once within " + format_memory_size(budget));
    // Parallel stacks share the cores: OpenCV's own threads inside each stack would only
    // contend with the other stacks'.
    if (threads > 1) cv::setNumThreads(std::max(1, fstack::threads() / threads));
    tune_allocator();  // once, before the threads: it changes process-wide malloc settings

    std::string report_error;
    const auto outcomes = run_round(a, *prototype, todo, threads, room, run_report, report_error);
    return report(todo, outcomes, skipped, report_error);
}

}  // namespace

Command add_batch_command(CLI::App& root) {
    auto args = std::make_shared<BatchArgs>();
    BatchArgs& a = *args;
    CLI::App* app = root.add_subcommand("batch", kDescription);
    app->footer(std::string(kNotes) + exit_codes_help());

    app->add_option("input", a.input, "Folder of frames (JPEG, PNG, TIFF; 8 or 16 bit)")->required()->type_name("DIR");
    app->add_option("-o,--output", a.output, "Folder for the results (created if needed)")
        ->required()
        ->type_name("OUTDIR");

    const std::string grouping = "Stacks";
    CLI::Option* size = app->add_option("--stack-size", a.stack_size, "Frames per stack, consecutive in natural order")
                            ->check(CLI::Range(2, 1000000))
                            ->type_name("N")
                            ->group(grouping);
    CLI::Option* pattern =
        app->add_option("--group-by", a.group_by, "Regular expression whose first capture group names the stack")
            ->type_name("REGEX")
            ->excludes(size)
            ->group(grouping);
    app->add_flag("--keep-partial", a.keep_partial, "With --stack-size: stack a short last group instead of failing")
        ->excludes(pattern)
        ->group(grouping);
    CLI::Option* shard = app->add_option("--shard", a.shard, "Process only shard I of N (every N-th stack from the I-th)")
        ->type_name("I/N")
        ->group(grouping);
    app->add_option("--alignment-from", a.alignment_from,
                    "Estimate the rig's alignment on the batch's first K stacks (the median per frame) and "
                    "reuse it for every stack instead of aligning each")
        ->check(CLI::Range(1, 1000000))
        ->type_name("K")
        ->group(grouping);
    CLI::Option* watch = app->add_flag("--watch", a.watch,
                                       "DIR is still being filled: stack each stack as soon as its frames have arrived")
                             ->group(grouping);
    app->add_option("--idle", a.idle, "With --watch: end when no new frame arrived for S seconds")
        ->check(CLI::Range(0.5, 1e6))
        ->capture_default_str()
        ->type_name("S")
        ->needs(watch)
        ->group(grouping);
    app->add_flag("--dry-run", a.dry_run, "Print the stacks and their outputs; write nothing")->group(grouping);
    app->add_option("--report", a.report,
                    "Append one JSON object per stack to this file (JSON Lines) as each stack ends")
        ->type_name("FILE.jsonl")
        ->group("Output");

    add_stacker_options(*app, a.stacker);
    add_frame_action_options(*app, a.actions);

    const std::string output = "Output";
    app->add_option("--format", a.format, "Format of the results [default: the first frame's extension]")
        ->check(CLI::IsMember({"jpg", "jpeg", "png", "tif", "tiff"}, CLI::ignore_case))
        ->group(output);
    app->add_option("--postfix", a.postfix, "Appended to the stack's name in result names")->group(output);
    add_output_options(*app, a.output_options, output);
    add_input_options(*app, a.input_options);

    const std::string parallel = "Parallel";
    app->add_option("-j,--jobs", a.jobs, "Stacks at once [default: one per core this process may use; --threads divided among them]")
        ->check(CLI::Range(1, 1024))
        ->type_name("J")
        ->group(parallel);
    app->add_option("--max-memory", a.max_memory,
                    "Memory budget for the stacks running at once, e.g. 4G [default: half the "
                    "machine's or the container's memory]")
        ->type_name("SIZE")
        ->group(parallel);

    CLI::Option* quiet = app->add_flag("-q,--quiet", a.quiet, "Print nothing but errors and the summary")->group("Messages");
    app->add_flag("-v,--verbose", a.verbose, "Also print every frame's progress and debugging notes")
        ->excludes(quiet)
        ->group("Messages");

    return Command{app, [args, shard] {
        args->shard_given = shard->count() > 0;
        return run_batch(*args);
    }};
}

}  // namespace fstack::cli
