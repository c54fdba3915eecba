// SPDX-License-Identifier: GPL-3.0-or-later
// `fstack noise-map DIR`: the seed's NoiseDetection, writing hot-rgb.png, hot-r/g/b.png.
#include <array>
#include <memory>
#include <string>
#include <vector>

#include "command.hpp"
#include "exit_codes.hpp"
#include "fstack/error.hpp"
#include "fstack/frame_source.hpp"
#include "fstack/image_io.hpp"
#include "fstack/mask_noise.hpp"
#include "fstack/noise_detection.hpp"
#include "fstack/stack_frames.hpp"
#include "output_check.hpp"
#include "progress_bar.hpp"

namespace fstack::cli {
namespace fs = std::filesystem;
namespace {

struct NoiseMapArgs {
    std::vector<std::string> inputs;
    std::string output = "noise-map";
    std::vector<int> thresholds{13, 13, 13};
    int blur_size = 5;
    std::string file_name = "hot";
    std::string plots;
    bool quiet = false;
    bool verbose = false;
};

int run_noise_map(const NoiseMapArgs& a) {
    NoiseDetectionOptions check;
    check.channel_thresholds = {a.thresholds[0], a.thresholds[1], a.thresholds[2]};
    check.blur_size = a.blur_size;
    check.file_name = a.file_name;
    check_noise_detection_options(check);
    ProgressBar progress(choose_progress_mode(a.quiet), a.verbose);
    const std::vector<fs::path> inputs(a.inputs.begin(), a.inputs.end());
    const auto frames = expand_inputs(inputs, progress);
    if (frames.empty()) throw Error(ErrorKind::Input, a.inputs.front(), -1, "no JPEG, PNG or TIFF frames");
    FileFrameSource source(frames, progress);
    source.validate();
    // The maps and plots must not land among the frames (the next run would take them for
    // frames), nor replace one; what can be checked is checked before the frames are read.
    const InputFiles input_files(frames);
    check_folder_not_input(a.output, input_files, "-o");
    if (!a.plots.empty()) check_folder_not_input(a.plots, input_files, "--plots");
    OutputCheck maps_check;
    maps_check.overwrite = true;  // noise-map replaces its maps, as it always did
    maps_check.role = "noise map";
    maps_check.option = "-o folder";
    maps_check.folder_made_later = true;
    for (const fs::path& map : noise_map_files(a.output, a.file_name)) fstack::check_output_file(map, input_files, maps_check);
    const NoiseMaps maps = detect_noise(source, check.channel_thresholds, a.blur_size, progress);
    progress.finish();
    write_noise_maps(maps, a.output, a.file_name, a.plots);
    progress.info(std::to_string(cv::countNonZero(maps.rgb)) + " noisy pixels; wrote " +
                  (fs::path(a.output) / (a.file_name + "-rgb.png")).string() + " (and -r, -g, -b)");
    return kExitOk;
}

}  // namespace

Command add_noise_map_command(CLI::App& root) {
    auto args = std::make_shared<NoiseMapArgs>();
    NoiseMapArgs& a = *args;
    CLI::App* app = root.add_subcommand(
        "noise-map", "Find hot pixels: where the mean of the frames stands out of its median blur.\n"
                     "  fstack noise-map DIR|FRAMES... [-o noise-map]");
    app->footer("Writes <name>-rgb.png (any channel) and <name>-r.png, -g.png, -b.png: white = noisy.\n"
                "Use the map with 'fstack stack --noise-mask noise-map/hot-rgb.png'. Dark frames (lens\n"
                "capped) give the cleanest maps.\n\n" +
                exit_codes_help());
    app->add_option("inputs", a.inputs, "Frames and/or folders of frames")->required()->type_name("DIR|FRAMES...");
    app->add_option("-o,--output", a.output, "Folder for the maps")->capture_default_str()->type_name("DIR");
    app->add_option("--channel-thresholds", a.thresholds, "R G B thresholds, 8-bit units (x257 for 16-bit)")
        ->expected(3)
        ->capture_default_str();
    app->add_option("--blur-size", a.blur_size, "Median window (odd)")->capture_default_str();
    app->add_option("--file-name", a.file_name, "Base name of the maps")->capture_default_str();
    app->add_option("--plots", a.plots, "Also plot noisy pixels against the threshold here")->type_name("DIR");
    CLI::Option* quiet = app->add_flag("-q,--quiet", a.quiet, "Print nothing but errors")->group("Messages");
    app->add_flag("-v,--verbose", a.verbose, "Also print debugging notes")->excludes(quiet)->group("Messages");
    return Command{app, [args] { return run_noise_map(*args); }};
}

}  // namespace fstack::cli
