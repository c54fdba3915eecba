// SPDX-License-Identifier: GPL-3.0-or-later
#include "stacker_options.hpp"

#include <iterator>
#include <vector>

#include "fstack/error.hpp"

namespace fstack::cli {
namespace {

const char* map_type_name(MapType t) { return t == MapType::Max ? "max" : "average"; }
const char* energy_name(EnergyType e) { return e == EnergyType::Laplacian ? "laplacian" : "sobel"; }

// CLI11's Range is closed; the generating kernel parameter must stay strictly inside (0, 0.5)
// or the kernel degenerates (a = 0.5 zeroes its tails, a = 0 its centre).
CLI::Validator open_interval(double low, double high) {
    return CLI::Validator(
        [low, high](std::string& value) -> std::string {
            double v = 0;
            if (!CLI::detail::lexical_cast(value, v)) return "'" + value + "' is not a number";
            if (!(v > low && v < high))
                return "must be greater than " + CLI::detail::to_string(low) + " and less than " +
                       CLI::detail::to_string(high) + ", got " + value;
            return {};
        },
        "in (" + CLI::detail::to_string(low) + ", " + CLI::detail::to_string(high) + ")");
}

}  // namespace

void add_stacker_options(CLI::App& app, StackerOptions& o) {
    const PyramidStackOptions pd;
    const DepthMapStackOptions dd;
    o.pyramid = pd;
    o.depthmap = dd;
    o.map_type = map_type_name(dd.map_type);
    o.energy = energy_name(dd.energy);

    app.add_option("--stacker", o.stacker,
                   "Fusion method: pyramid (Laplacian pyramid, sharpest detail) or depthmap "
                   "(per-pixel sharpest frame, smoother, also yields a depth map)")
        ->check(CLI::IsMember({"pyramid", "depthmap"}, CLI::ignore_case))
        ->capture_default_str()
        ->group("Stacker");

    const std::string pyr = "Pyramid stacker";
    const std::string dm = "Depth-map stacker";
    o.pyramid_only[0] =
        app.add_option("--pyramid-min-size", o.pyramid.pyramid_min_size,
                       "Short side in pixels of the coarsest pyramid level")
            ->check(CLI::Range(4, 65536))
            ->capture_default_str()
            ->group(pyr);
    app.add_option("--kernel-size", o.kernel_size,
                   "Window for the local energy (pyramid: 1..99; depthmap: odd, 1..31, the "
                   "Laplacian/Sobel aperture) [default: " +
                       std::to_string(pd.kernel_size) + " (pyramid), " +
                       std::to_string(dd.kernel_size) + " (depthmap)]")
        ->check(CLI::Range(1, 99))
        ->group(pyr + " / " + dm);
    o.pyramid_only[1] =
        app.add_option("--gen-kernel", o.pyramid.gen_kernel,
                       "Parameter a of the 5-tap generating kernel [1/4-a/2, 1/4, a, 1/4, 1/4-a/2]")
            ->check(open_interval(0.0, 0.5))
            ->capture_default_str()
            ->group(pyr);
    o.pyramid_only[2] =
        app.add_flag("--no-cross-scale", o.no_cross_scale,
                     "Pick coarse levels by their own energy only (the seed's rule); by default "
                     "the finer levels' energy counts too, which avoids halos at depth edges")
            ->group(pyr);

    o.depthmap_only[0] = app.add_option("--map-type", o.map_type,
                                        "max: each pixel from its sharpest frame (smoothed); "
                                        "average: energy-weighted mean of all frames")
                             ->check(CLI::IsMember({"max", "average"}, CLI::ignore_case))
                             ->capture_default_str()
                             ->group(dm);
    o.depthmap_only[1] = app.add_option("--energy", o.energy, "Focus measure")
                             ->check(CLI::IsMember({"laplacian", "sobel"}, CLI::ignore_case))
                             ->capture_default_str()
                             ->group(dm);
    o.depthmap_only[2] = app.add_option("--blur-size", o.depthmap.blur_size,
                                        "Gaussian blur of the focus energy, pixels (0 or 1: none)")
                             ->check(CLI::Range(0, 4096))
                             ->capture_default_str()
                             ->group(dm);
    o.depthmap_only[3] = app.add_option("--smooth-size", o.depthmap.smooth_size,
                                        "Smoothing of the frame weights with --map-type max, "
                                        "pixels (0 or 1: hard seams)")
                             ->check(CLI::Range(0, 4096))
                             ->capture_default_str()
                             ->group(dm);
}

void check_stacker_options(StackerOptions& o) {
    const bool pyramid = o.stacker == "pyramid";
    const std::vector<CLI::Option*> foreign =
        pyramid ? std::vector<CLI::Option*>(std::begin(o.depthmap_only), std::end(o.depthmap_only))
                : std::vector<CLI::Option*>(std::begin(o.pyramid_only), std::end(o.pyramid_only));
    for (CLI::Option* opt : foreign) {
        if (opt != nullptr && opt->count() > 0)
            throw Error(ErrorKind::Usage, opt->get_name() + " does not apply to --stacker " + o.stacker);
    }
    if (o.kernel_size) {
        if (!pyramid && (*o.kernel_size % 2 == 0 || *o.kernel_size > 31))
            throw Error(ErrorKind::Usage,
                        "--kernel-size must be odd and at most 31 with --stacker depthmap, got " +
                            std::to_string(*o.kernel_size));
        o.pyramid.kernel_size = *o.kernel_size;
        o.depthmap.kernel_size = *o.kernel_size;
    }
    if (o.no_cross_scale) o.pyramid.cross_scale = false;
    o.depthmap.map_type = o.map_type == "average" ? MapType::Average : MapType::Max;
    o.depthmap.energy = o.energy == "sobel" ? EnergyType::Sobel : EnergyType::Laplacian;
}

std::unique_ptr<Stacker> make_stacker(const StackerOptions& o) {
    if (o.stacker == "depthmap") return std::make_unique<DepthMapStack>(o.depthmap);
    return std::make_unique<PyramidStack>(o.pyramid);
}

}  // namespace fstack::cli
