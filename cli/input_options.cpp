// SPDX-License-Identifier: GPL-3.0-or-later
#include "input_options.hpp"

#include "fstack/device.hpp"
#include "fstack/raw.hpp"
#include "fstack/stack_frames.hpp"
#include "fstack/threads.hpp"

namespace fstack::cli {

void add_threads_option(CLI::App& app, int& threads) {
    app.add_option("--threads", threads,
                   "Threads for reading, aligning and stacking; the result is the same for any number "
                   "[default: 0, the cores this process may use (CPU affinity, cgroup CPU quota), " +
                       std::to_string(available_cores()) + " here]")
        ->check(CLI::Range(0, 1024))
        ->type_name("N")
        ->group("Performance");
}

void add_device_option(CLI::App& app, std::string& device) {
    app.add_option("--device", device,
                   "Where to stack: auto (a CUDA GPU where this build has CUDA and one answers, else the "
                   "CPU), cpu, cuda or cuda:N (an error where no GPU can be used). The pyramid, depthmap and "
                   "focusmeasure stackers run on the GPU; the frame actions and --denoise (no CUDA non-local means in Debian's OpenCV) on the CPU (README: GPU)")
        ->default_str("auto")
        ->type_name("DEVICE")
        ->group("Performance");
}

void apply_device_option(const std::string& device) {
    if (!device.empty()) set_device(resolve_device(device, "--device"));
}

void add_input_options(CLI::App& app, InputOptions& o, const std::string& group) {
    add_threads_option(app, o.threads);
    add_device_option(app, o.device);
    app.add_option("--max-pixels", o.max_pixels,
                   "Refuse frames with more pixels than this, from their header, before decoding "
                   "(a guard against damaged files and decompression bombs; 0: no limit)")
        ->capture_default_str()
        ->type_name("N")
        ->group(group);
    app.add_flag("--scale-mismatched", o.scale_mismatched,
                 "Resize frames of another size to the first frame's size (same aspect ratio within "
                 "2%) instead of refusing them")
        ->group(group);
    app.add_option("--raw-wb", o.raw_wb,
                   "White balance of raw frames: as-shot (the camera's), daylight, auto (grey world); "
                   "the first frame's is used for every frame")
        ->capture_default_str()
        ->check(CLI::IsMember({"as-shot", "daylight", "auto"}))
        ->group(group);
    app.add_option("--raw-exposure", o.raw_exposure,
                   "Exposure of raw frames in stops, the same for every frame (0: the sensor's white "
                   "level is full scale; never brightened automatically)")
        ->capture_default_str()
        ->check(CLI::Range(-8.0, 8.0))
        ->type_name("EV")
        ->group(group);
    app.add_option("--raw-space", o.raw_space,
                   "Raw frames developed to linear light or sRGB-encoded, both with sRGB/Rec.709 "
                   "primaries; auto: linear for a TIFF result (with a linear sRGB ICC profile), sRGB "
                   "for JPEG/PNG")
        ->capture_default_str()
        ->check(CLI::IsMember({"auto", "linear", "srgb"}))
        ->group(group);
    app.add_flag("--allow-mixed", o.allow_mixed,
                 "Stack raw frames together with JPEG/PNG/TIFF frames (refused by default: their "
                 "tone curves differ)")
        ->group(group);
}

void apply_input_options(const InputOptions& o) {
    set_max_pixels(o.max_pixels);
    set_threads(o.threads);
    apply_device_option(o.device);
}

void configure_source(const InputOptions& o, FileFrameSource& source, const std::filesystem::path& output) {
    source.set_scale_mismatched(o.scale_mismatched);
    RawOptions raw;
    raw.white_balance = parse_raw_white_balance(o.raw_wb, "--raw-wb");
    raw.exposure_ev = o.raw_exposure;
    raw.space = resolve_raw_space(parse_raw_space(o.raw_space, "--raw-space"), output);
    source.set_raw_options(raw);
    source.set_allow_mixed(o.allow_mixed);
}

}  // namespace fstack::cli
