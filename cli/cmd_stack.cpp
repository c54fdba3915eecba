// SPDX-License-Identifier: GPL-3.0-or-later
// `fstack stack`: stacks frames (or bunches of them) into one image per stack.
#include <chrono>
#include <cstdio>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "command.hpp"
#include "error_report.hpp"
#include "exit_codes.hpp"
#include "frame_action_options.hpp"
#include "fstack/actions.hpp"
#include "fstack/error.hpp"
#include "fstack/frame_source.hpp"
#include "fstack/image_io.hpp"
#include "fstack/rig_alignment.hpp"
#include "fstack/stack_frames.hpp"
#include "input_list.hpp"
#include "input_options.hpp"
#include "output_check.hpp"
#include "output_options.hpp"
#include "progress_bar.hpp"
#include "retouch_option.hpp"
#include "run_report.hpp"
#include "stacker_options.hpp"
#include "watch.hpp"

namespace fstack::cli {
namespace fs = std::filesystem;
namespace {

struct StackArgs {
    std::vector<std::string> inputs;
    std::string output;
    StackerOptions stacker;
    FrameActionOptions actions;  // --align, --balance, --vignetting, --noise-mask
    int bunch = 0;  // 0: one stack of all frames
    int overlap = 0;
    std::string format;
    std::string postfix;
    std::string depth_map;
    int depth_map_bits = 8;
    RetouchArgs retouch;  // --retouch-layers, --retouch-format
    std::string save_alignment;  // --save-alignment FILE
    bool watch = false;          // --watch: stack the frames of a folder as they arrive
    int watch_frames = 0;        // --frames N: the stack is complete with N frames (0: idle only)
    double idle = 30;            // --idle S: ... or after S seconds without a new frame
    OutputOptions output_options;
    InputOptions input_options;
    std::string report;  // --report FILE.jsonl
    bool quiet = false;
    bool verbose = false;
};

const char* const kDescription =
    "Focus-stack frames into one image.\n"
    "  fstack stack FRAMES... | DIR -o OUT [options]\n"
    "  fstack stack FRAMES... | DIR -o OUTDIR --bunch N [--overlap K] [options]";

const char* const kNotes =
    "Inputs: image files and/or folders (a folder's JPEG/PNG/TIFF files are taken in natural\n"
    "order, frame_2 before frame_10; other files are skipped with a warning). At least 2 frames\n"
    "are needed: an empty folder or a single frame is an input error (exit 3).\n"
    "Output: the format follows OUT's extension (.jpg .jpeg .png .tif .tiff). 8-bit frames give\n"
    "an 8-bit result, 16-bit frames a 16-bit one (JPEG is always 8-bit). EXIF, XMP and the ICC\n"
    "profile of the first frame are copied (--no-metadata: none). OUT may not be an input frame\n"
    "and is never replaced without --overwrite. A failed or interrupted run leaves no file.\n"
    "Bunches (--bunch N --overlap K): every N frames, each bunch starting K frames before the\n"
    "previous one ends, are stacked into OUTDIR (created if needed), one image per bunch named\n"
    "after the bunch's first frame: <stem><postfix><ext>, ext from --format or, by default, the\n"
    "first frame's own extension. A last bunch of a single frame is written unchanged.\n"
    "Depth map (--depth-map FILE): grey, near (first frame) black to far (last frame) white.\n"
    "Crop (--crop): the result, depth map and retouch layers keep only the rectangle every\n"
    "aligned frame covers (every bunch the same one); a stack that did not move is not cropped.\n"
    "Progress goes to stderr: a bar on a terminal, else lines such as 'stack (pyramid): 3/10'.\n"
    "Report (--report FILE.jsonl): one JSON object per stack (per bunch) appended to FILE, with\n"
    "the inputs, output, status, error, exit class, time, peak memory, and per frame the\n"
    "alignment transform and gain; a failed run appends its error.\n"
    "Ctrl-C stops cleanly (exit 130); a second Ctrl-C kills at once.\n\n";

std::string describe_image(const cv::Mat& image) {
    return std::to_string(image.cols) + "x" + std::to_string(image.rows) + ", " +
           (image.depth() == CV_16U ? "16" : "8") + "-bit";
}

// Option combinations CLI11 cannot express; all checked before any file is read.
void check_usage(StackArgs& a) {
    check_stacker_options(a.stacker);
    if (a.bunch > 0) {
        bunch_ranges(0, a.bunch, a.overlap);  // throws Error(Usage) for a bad overlap
        if (format_from_extension(a.output) != FileFormat::Unknown)
            throw Error(ErrorKind::Usage, a.output, -1,
                        "with --bunch the output is a folder, not an image file name");
    } else if (format_from_extension(a.output) == FileFormat::Unknown) {
        throw Error(ErrorKind::Usage, a.output, -1,
                    "unknown output format: use a .jpg, .jpeg, .png, .tif or .tiff file name");
    }
    if (!a.depth_map.empty()) {
        const FileFormat f = format_from_extension(a.depth_map);
        if (f == FileFormat::Unknown)
            throw Error(ErrorKind::Usage, a.depth_map, -1,
                        "unknown depth map format: use a .jpg, .png or .tif file name");
        if (f == FileFormat::Jpeg && a.depth_map_bits == 16)
            throw Error(ErrorKind::Usage, a.depth_map, -1,
                        "--depth-map-bits 16 needs a .png or .tif depth map");
        if (same_file(a.depth_map, a.output))
            throw Error(ErrorKind::Usage, a.depth_map, -1, "the depth map and OUT are the same file");
    }
    check_retouch_usage(a.retouch, a.output);
    if (!a.save_alignment.empty()) {
        if (a.actions.align == "none")
            throw Error(ErrorKind::Usage, a.save_alignment, -1,
                        "--save-alignment saves the alignment: it cannot go with --align none");
        if (same_file(a.save_alignment, a.output) || (!a.depth_map.empty() && same_file(a.save_alignment, a.depth_map)))
            throw Error(ErrorKind::Usage, a.save_alignment, -1, "the alignment file and an image output are the same file");
    }
    load_alignment(a.actions);
    if (a.watch) {
        std::error_code ec;
        if (a.inputs.size() != 1 || !fs::is_directory(a.inputs.front(), ec))
            throw Error(ErrorKind::Usage, a.inputs.front(), -1, "--watch watches one folder: give exactly one");
    }
}

// --watch: waits for the folder's frames, until --frames N are complete or none arrived for
// --idle seconds; then they are stacked exactly as `fstack stack` would stack the finished folder.
std::vector<fs::path> watch_frames(const StackArgs& a, ProgressBar& progress) {
    const fs::path dir = a.inputs.front();
    FolderWatch watch(dir, progress);
    char until[96];
    std::snprintf(until, sizeof until, "%s%g s without a new one", a.watch_frames > 0 ? (std::to_string(a.watch_frames) + " frames or ").c_str() : "", a.idle);
    progress.info("watching " + dir.string() + " for frames (until " + until + ")");
    for (;;) {
        if (watch.poll())
            progress.info(std::to_string(watch.frames().size()) + " frame(s) complete, the latest " +
                          watch.frames().back().filename().string());
        if (a.watch_frames > 0 && watch.frames().size() >= size_t(a.watch_frames)) break;
        if (watch.idle_seconds() >= a.idle) break;
        watch_sleep(0.2, progress);
    }
    std::vector<fs::path> frames = watch.frames();
    if (a.watch_frames > 0 && frames.size() > size_t(a.watch_frames)) frames.resize(size_t(a.watch_frames));
    if (frames.size() < 2) {
        char why[160];
        std::snprintf(why, sizeof why, "--watch: %zu complete frame(s) after %g s without a new one; a stack needs 2 or more",
                      frames.size(), a.idle);
        throw Error(ErrorKind::Input, dir.string(), -1, why);
    }
    return frames;
}

// --save-alignment: the frames' transforms (and gains) in a JSON file, after the images.
void save_alignment(const StackArgs& a, const StackResult& result, const FileFrameSource& frames,
                    ProgressBar& progress) {
    if (a.save_alignment.empty() || !result.geometry) return;
    std::vector<std::string> names;
    for (int i = 0; i < frames.size(); ++i) names.push_back(frames.frame_name(i));
    write_rig_alignment(a.save_alignment, rig_alignment_of(*result.geometry, result.gains, names), a.output_options.overwrite);
    progress.info("wrote alignment " + a.save_alignment + " (" + std::to_string(names.size()) + " frames)");
}

// The --report line of a stack written to `out` from `frames`.
ReportEntry stack_entry(const std::vector<fs::path>& frames, const fs::path& out, double seconds) {
    ReportEntry e;
    e.command = "stack";
    e.name = out.stem().string();
    e.inputs = frames;
    e.output = out;
    e.seconds = seconds;
    e.peak_memory = peak_resident_memory();
    return e;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

int stack_once(StackArgs& a, Stacker& stacker, const std::vector<fs::path>& frames,
               ProgressBar& progress, RunReport& report) {
    const auto start = std::chrono::steady_clock::now();
    const fs::path out(a.output);
    const InputFiles inputs(frames);
    const OutputOptions& o = a.output_options;
    check_output_file(out, inputs, o.overwrite);
    if (!a.depth_map.empty()) check_output_file(a.depth_map, inputs, o.overwrite, "depth map");
    check_retouch_output(a.retouch, inputs, o.overwrite);
    if (!a.save_alignment.empty()) check_output_file(a.save_alignment, inputs, o.overwrite, "alignment");
    if (!a.actions.plots.empty()) check_folder_not_input(a.actions.plots, inputs, "--plots");
    warn_useless_options(o, progress, out);
    FileFrameSource source(frames, progress);
    configure_source(a.input_options, source, out);
    source.validate();
    // The frame actions run on the fly: aligned frames are never written anywhere.
    const StackResult result = stack(source, frame_pipeline(a.actions), stacker, stack_options(o), progress);
    progress.finish();
    write_image(out, result.image, with_raw_profile(write_options(o, frames.front()), source));
    if (!a.depth_map.empty()) {
        WriteOptions w = write_options(o, frames.front());
        w.metadata_source.clear();
        try {
            write_depth_map(a.depth_map, result.depth_map, source.size(),
                            a.depth_map_bits == 16 ? CV_16U : CV_8U, w);
        } catch (...) {
            // Both outputs or neither: a run that exits with an error leaves nothing behind.
            std::error_code ec;
            fs::remove(out, ec);
            throw;
        }
    }
    try {
        // From the frames the stacker saw (aligned, if alignment ran), read again one at a time.
        write_retouch(a.retouch, *result.frames, result, o.no_metadata ? fs::path() : frames.front(),
                      o.compress, o.overwrite, progress);
    } catch (...) {
        std::error_code ec;
        fs::remove(out, ec);
        if (!a.depth_map.empty()) fs::remove(a.depth_map, ec);
        throw;
    }
    progress.info("wrote " + out.string() + " (" + describe_image(result.image) + ", " +
                  std::to_string(frames.size()) + " frames" + describe_crop(result) +
                  describe_reused_fit(a.actions, result) + ")");
    if (!a.depth_map.empty()) progress.info("wrote depth map " + a.depth_map);
    save_alignment(a, result, source, progress);
    const StackDetails details = stack_details(result);
    ReportEntry e = stack_entry(frames, out, seconds_since(start));
    e.details = &details;
    report.append(e);
    return kExitOk;
}

int stack_bunches(StackArgs& a, const Stacker& prototype, const std::vector<fs::path>& frames,
                  ProgressBar& progress, RunReport& report) {
    auto start = std::chrono::steady_clock::now();
    const fs::path dir(a.output);
    const auto ranges = bunch_ranges(static_cast<int>(frames.size()), a.bunch, a.overlap);
    const std::string ext = output_extension(a.format, frames.front());
    const OutputOptions& o = a.output_options;

    // Every name is decided and checked before the first bunch is stacked.
    std::vector<fs::path> outs;
    std::set<fs::path> planned;
    const InputFiles inputs(frames);
    check_output_folder(dir);
    if (!a.actions.plots.empty()) check_folder_not_input(a.actions.plots, inputs, "--plots");
    for (const FrameRange& r : ranges) {
        const fs::path& first = frames[static_cast<size_t>(r.begin)];
        const fs::path out = bunch_output(dir, first, a.postfix, ext);
        if (!planned.insert(out).second)
            throw Error(ErrorKind::Output, out.string(), -1,
                        "two bunches would write this file (frames with the same name in "
                        "different folders?); use --postfix or separate runs");
        OutputCheck check;
        check.overwrite = o.overwrite;
        check.role = "bunch output";
        check.option = "output folder";
        check.folder_made_later = true;
        fstack::check_output_file(out, inputs, check);
        outs.push_back(out);
    }
    warn_useless_options(o, progress, outs.front());
    FileFrameSource all(frames, progress);
    configure_source(a.input_options, all, outs.front());
    all.validate();
    make_output_folder(dir);
    stack_bunches(all, frame_pipeline(a.actions), prototype, ranges, stack_options(o), progress,
                  [&](size_t b, const StackResult& result) {
                      progress.finish();
                      write_image(outs[b], result.image,
                                  with_raw_profile(write_options(o, frames[size_t(ranges[b].begin)]), all));
                      progress.info("wrote " + outs[b].string() + " (" + describe_image(result.image) +
                                    describe_crop(result) + describe_reused_fit(a.actions, result) + ")");
                      const FrameRange& r = ranges[b];
                      const StackDetails details = stack_details(result, r.begin, r.end);
                      ReportEntry e = stack_entry({frames.begin() + r.begin, frames.begin() + r.end}, outs[b],
                                                  seconds_since(start));
                      e.details = &details;
                      report.append(e);
                      start = std::chrono::steady_clock::now();
                  });
    return kExitOk;
}

int run_stack(StackArgs& a) {
    check_usage(a);
    apply_input_options(a.input_options);
    const std::unique_ptr<Stacker> stacker = make_stacker(a.stacker);
    ProgressBar progress(choose_progress_mode(a.quiet), a.verbose);
    RunReport report;
    if (!a.report.empty()) report.open(a.report);
    const auto start = std::chrono::steady_clock::now();
    std::vector<fs::path> frames;
    try {
        frames = a.watch ? watch_frames(a, progress) : gather_frames(a.inputs, progress);
        report.check_not_input(frames);
        require_two_frames(frames, a.inputs);
        return a.bunch > 0 ? stack_bunches(a, *stacker, frames, progress, report)
                           : stack_once(a, *stacker, frames, progress, report);
    } catch (...) {
        // The report's line carries the very message run_guarded() prints.
        if (report.enabled()) {
            const Failure f = describe_failure(std::current_exception());
            ReportEntry e = stack_entry(frames, a.output, seconds_since(start));
            if (frames.empty()) e.inputs.assign(a.inputs.begin(), a.inputs.end());
            e.status = f.kind == ErrorKind::Cancelled ? ReportEntry::Status::Interrupted : ReportEntry::Status::Failed;
            e.error = f.message;
            e.kind = f.kind;
            try {
                report.append(e);
            } catch (const Error&) {
                // The run's own error is the one to report.
            }
        }
        throw;
    }
}

}  // namespace

Command add_stack_command(CLI::App& root) {
    auto args = std::make_shared<StackArgs>();
    StackArgs& a = *args;
    CLI::App* app = root.add_subcommand("stack", kDescription);
    app->footer(std::string(kNotes) + exit_codes_help());

    app->add_option("inputs", a.inputs, "Frames (JPEG, PNG, TIFF; 8 or 16 bit) and/or folders of frames")
        ->required()
        ->type_name("FRAMES...|DIR");
    app->add_option("-o,--output", a.output,
                    "Output image (.jpg .jpeg .png .tif .tiff), or folder with --bunch")
        ->required()
        ->type_name("OUT");

    add_stacker_options(*app, a.stacker);
    add_frame_action_options(*app, a.actions);

    const std::string bunches = "Bunches";
    CLI::Option* bunch =
        app->add_option("--bunch", a.bunch, "Stack every N frames into its own image; OUT is a folder")
            ->check(CLI::Range(2, 1000000))
            ->type_name("N")
            ->group(bunches);
    app->add_option("--overlap", a.overlap, "Frames each bunch shares with the previous one (< N)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str()
        ->type_name("K")
        ->needs(bunch)
        ->group(bunches);
    app->add_option("--format", a.format,
                    "Format of the bunch images [default: the first frame's extension]")
        ->check(CLI::IsMember({"jpg", "jpeg", "png", "tif", "tiff"}, CLI::ignore_case))
        ->needs(bunch)
        ->group(bunches);
    app->add_option("--postfix", a.postfix, "Appended to the first frame's name in bunch image names")
        ->needs(bunch)
        ->group(bunches);

    const std::string output = "Output";
    add_output_options(*app, a.output_options, output);
    add_input_options(*app, a.input_options);
    CLI::Option* depth =
        app->add_option("--depth-map", a.depth_map, "Also write the depth map (.png .tif .jpg)")
            ->type_name("FILE")
            ->excludes(bunch)
            ->group(output);
    app->add_option("--depth-map-bits", a.depth_map_bits, "Depth map bit depth (16: .png or .tif)")
        ->check(CLI::IsMember({8, 16}))
        ->capture_default_str()
        ->needs(depth)
        ->group(output);
    add_retouch_options(*app, a.retouch, bunch, output);
    app->add_option("--report", a.report,
                    "Append one JSON object per stack (per bunch) to this file (JSON Lines)")
        ->type_name("FILE.jsonl")
        ->group(output);

    app->add_option("--save-alignment", a.save_alignment,
                    "Also write every frame's transform onto the reference (and gain) as JSON, for "
                    "--alignment on other stacks of the same rig")
        ->type_name("FILE")
        ->excludes(bunch)
        ->group(output);

    const std::string live = "Live stacking";
    CLI::Option* watch = app->add_flag("--watch", a.watch,
                                       "DIR is still being filled (a camera, a rig): wait for its frames, each taken "
                                       "once complete, then stack them")
                             ->group(live);
    app->add_option("--frames", a.watch_frames, "With --watch: the stack is complete with N frames")
        ->check(CLI::Range(2, 1000000))
        ->type_name("N")
        ->needs(watch)
        ->group(live);
    app->add_option("--idle", a.idle, "With --watch: ... or when no new frame arrived for S seconds")
        ->check(CLI::Range(0.5, 1e6))
        ->capture_default_str()
        ->type_name("S")
        ->needs(watch)
        ->group(live);

    CLI::Option* quiet = app->add_flag("-q,--quiet", a.quiet, "Print nothing but errors")->group("Messages");
    app->add_flag("-v,--verbose", a.verbose, "Also print debugging notes")
        ->excludes(quiet)
        ->group("Messages");

    return Command{app, [args] { return run_stack(*args); }};
}

}  // namespace fstack::cli
