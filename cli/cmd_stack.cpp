// SPDX-License-Identifier: GPL-3.0-or-later
// `fstack stack`: stacks frames (or bunches of them) into one image per stack.
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "command.hpp"
#include "exit_codes.hpp"
#include "fstack/error.hpp"
#include "fstack/frames.hpp"
#include "fstack/image_io.hpp"
#include "fstack/job.hpp"
#include "input_list.hpp"
#include "output_check.hpp"
#include "progress_bar.hpp"
#include "stacker_options.hpp"

namespace fstack::cli {
namespace fs = std::filesystem;
namespace {

struct StackArgs {
    std::vector<std::string> inputs;
    std::string output;
    StackerOptions stacker;
    int bunch = 0;  // 0: one stack of all frames
    int overlap = 0;
    std::string format;
    std::string postfix;
    double denoise = 0;
    std::string depth_map;
    int depth_map_bits = 8;
    int quality = WriteOptions{}.jpeg_quality;
    bool compress = false;
    bool no_metadata = false;
    bool overwrite = false;
    bool quiet = false;
    bool verbose = false;
    CLI::Option* quality_option = nullptr;
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
    "Progress goes to stderr: a bar on a terminal, else lines such as 'stack (pyramid): 3/10'.\n"
    "Ctrl-C stops cleanly (exit 130); a second Ctrl-C kills at once.\n\n";

// The format name --format takes to the file extension bunch outputs get.
std::string bunch_extension(const StackArgs& a, const fs::path& first_frame) {
    if (!a.format.empty()) return "." + a.format;
    if (format_from_extension(first_frame) != FileFormat::Unknown)
        return first_frame.extension().string();
    // The first frame's name says nothing (e.g. no extension): follow its content.
    switch (sniff_format(first_frame)) {
        case FileFormat::Png: return ".png";
        case FileFormat::Tiff: return ".tif";
        default: return ".jpg";
    }
}

WriteOptions write_options(const StackArgs& a, const fs::path& first_frame) {
    WriteOptions w;
    w.jpeg_quality = a.quality;
    w.compress = a.compress;
    w.overwrite = a.overwrite;
    if (!a.no_metadata) w.metadata_source = first_frame;
    return w;
}

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
}

void warn_useless_options(const StackArgs& a, Progress& progress, const fs::path& first_out) {
    const bool jpeg = format_from_extension(first_out) == FileFormat::Jpeg;
    if (a.quality_option->count() > 0 && !jpeg)
        progress.warn("--quality applies to JPEG output only; ignored for " + first_out.string());
    if (a.compress && jpeg)
        progress.warn("--compress applies to PNG and TIFF output only; ignored for " + first_out.string());
}

int stack_once(StackArgs& a, Stacker& stacker, const std::vector<fs::path>& frames,
               ProgressBar& progress) {
    const fs::path out(a.output);
    const InputFiles inputs(frames);
    check_output_file(out, inputs, a.overwrite);
    if (!a.depth_map.empty()) check_output_file(a.depth_map, inputs, a.overwrite, "depth map");
    warn_useless_options(a, progress, out);
    FileFrameSource source(frames, progress);
    source.validate();

    const StackResult result = stack_frames(stacker, source, a.denoise, progress);
    progress.finish();
    write_image(out, result.image, write_options(a, frames.front()));
    if (!a.depth_map.empty()) {
        WriteOptions w = write_options(a, frames.front());
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
    progress.info("wrote " + out.string() + " (" + describe_image(result.image) + ", " +
                  std::to_string(frames.size()) + " frames)");
    if (!a.depth_map.empty()) progress.info("wrote depth map " + a.depth_map);
    return kExitOk;
}

int stack_bunches(StackArgs& a, const Stacker& prototype, const std::vector<fs::path>& frames,
                  ProgressBar& progress) {
    const fs::path dir(a.output);
    const auto ranges = bunch_ranges(static_cast<int>(frames.size()), a.bunch, a.overlap);
    const std::string ext = bunch_extension(a, frames.front());

    // Every name is decided and checked before the first bunch is stacked.
    std::vector<fs::path> outs;
    std::set<fs::path> planned;
    const InputFiles inputs(frames);
    check_output_folder(dir);
    for (const FrameRange& r : ranges) {
        const fs::path& first = frames[static_cast<size_t>(r.begin)];
        const fs::path out = dir / (first.stem().string() + a.postfix + ext);
        if (!planned.insert(out).second)
            throw Error(ErrorKind::Output, out.string(), -1,
                        "two bunches would write this file (frames with the same name in "
                        "different folders?); use --postfix or separate runs");
        if (inputs.contains(out))
            throw Error(ErrorKind::Output, out.string(), -1,
                        "a bunch output would replace this input frame; choose another output folder");
        std::error_code ec;
        if (!a.overwrite && fs::exists(out, ec))
            throw Error(ErrorKind::Output, out.string(), -1,
                        "the output file already exists (use --overwrite to replace it)");
        outs.push_back(out);
    }
    warn_useless_options(a, progress, outs.front());
    FileFrameSource all(frames, progress);
    all.validate();
    make_output_folder(dir);

    for (size_t b = 0; b < ranges.size(); ++b) {
        progress.check_cancel();
        const FrameRange r = ranges[b];
        const std::vector<fs::path> bunch(frames.begin() + r.begin, frames.begin() + r.end);
        const WriteOptions w = write_options(a, bunch.front());
        progress.info("bunch " + std::to_string(b + 1) + "/" + std::to_string(ranges.size()) +
                      ": " + bunch.front().filename().string() + " .. " +
                      bunch.back().filename().string());
        if (bunch.size() == 1) {
            progress.warn("the last bunch has one frame only (" + bunch.front().string() +
                          "): written unchanged");
            write_image(outs[b], read_image(bunch.front(), r.begin), w);
            continue;
        }
        auto stacker = prototype.clone();
        FileFrameSource source(bunch, progress);
        const StackResult result = stack_frames(*stacker, source, a.denoise, progress);
        progress.finish();
        write_image(outs[b], result.image, w);
        progress.info("wrote " + outs[b].string() + " (" + describe_image(result.image) + ")");
    }
    return kExitOk;
}

int run_stack(StackArgs& a) {
    check_usage(a);
    const std::unique_ptr<Stacker> stacker = make_stacker(a.stacker);
    ProgressBar progress(choose_progress_mode(a.quiet), a.verbose);
    const std::vector<fs::path> frames = gather_frames(a.inputs, progress);
    require_two_frames(frames, a.inputs);
    return a.bunch > 0 ? stack_bunches(a, *stacker, frames, progress)
                       : stack_once(a, *stacker, frames, progress);
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
    a.quality_option = app->add_option("--quality", a.quality, "JPEG quality")
                           ->check(CLI::Range(0, 100))
                           ->capture_default_str()
                           ->type_name("Q")
                           ->group(output);
    app->add_flag("--compress", a.compress, "Lossless compression: TIFF deflate, PNG level 9")->group(output);
    app->add_flag("--no-metadata", a.no_metadata, "Do not copy EXIF/XMP/ICC from the first frame")
        ->group(output);
    app->add_flag("--overwrite", a.overwrite, "Replace existing output files")->group(output);
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
    app->add_option("--denoise", a.denoise,
                    "Non-local-means denoising strength of the result (0: off; 0.75..1 is mild)")
        ->check(CLI::Range(0.0, 100.0))
        ->capture_default_str()
        ->type_name("X")
        ->group(output);

    CLI::Option* quiet = app->add_flag("-q,--quiet", a.quiet, "Print nothing but errors")->group("Messages");
    app->add_flag("-v,--verbose", a.verbose, "Also print debugging notes")
        ->excludes(quiet)
        ->group("Messages");

    return Command{app, [args] { return run_stack(*args); }};
}

}  // namespace fstack::cli
