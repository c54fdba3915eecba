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
    const FocusStackerOptions fd;
    o.pyramid = pd;
    o.depthmap = dd;
    o.focusmeasure = fd;
    o.map_type = map_type_name(dd.map_type);
    o.energy = energy_name(dd.energy);

    app.add_option("--stacker", o.stacker,
                   "Fusion method: pyramid (Laplacian pyramid, sharpest detail), depthmap "
                   "(per-pixel sharpest frame, smoother, also yields a depth map) or "
                   "focusmeasure (the OpenScan stacker: windowed focus measure, supersampled)")
        ->check(CLI::IsMember({"pyramid", "depthmap", "focusmeasure"}, CLI::ignore_case))
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
    o.kernel_size_option = app.add_option("--kernel-size", o.kernel_size,
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
                     "Pick coarse levels by their own energy only and average the base level (the "
                     "seed's rules); by default the finer levels' energy counts too, which avoids "
                     "halos at depth edges")
            ->group(pyr);
    o.pyramid_only[3] =
        app.add_flag("--no-consistency", o.no_consistency,
                     "One pass instead of two: skip the cleaning of the per-level choices "
                     "(about half the time; more speckle and ringing)")
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

    const std::string fm = "Focus-measure stacker";
    o.focusmeasure_only[0] = app.add_option("--radius", o.focusmeasure.radius,
                                            "Focus measure window: (2 radius + 1) pixels square, "
                                            "supersampled pixels; larger resists noise, smaller "
                                            "keeps depth edges sharp")
                                 ->check(CLI::Range(1, 20))
                                 ->capture_default_str()
                                 ->group(fm);
    o.focusmeasure_only[1] = app.add_option("--smoothing", o.focusmeasure.smoothing,
                                            "Gaussian sigma applied to the focus maps and to the "
                                            "frame weights, supersampled pixels")
                                 ->check(CLI::Range(1, 10))
                                 ->capture_default_str()
                                 ->group(fm);
    o.focusmeasure_only[2] = app.add_option("--scale-factor", o.focusmeasure.scale_factor,
                                            "Measure focus at 1-4x the resolution (finer seams; "
                                            "time and memory grow with its square); the result "
                                            "keeps the input size")
                                 ->check(CLI::Range(1, 4))
                                 ->capture_default_str()
                                 ->group(fm);
}

void check_stacker_options(StackerOptions& o) {
    const bool pyramid = o.stacker == "pyramid";
    // Options of a stacker not chosen would silently do nothing: refuse them.
    const auto refuse_unless = [&o](bool applies, CLI::Option* const* begin, CLI::Option* const* end) {
        if (applies) return;
        for (CLI::Option* const* opt = begin; opt != end; ++opt) {
            if (*opt != nullptr && (*opt)->count() > 0)
                throw Error(ErrorKind::Usage, (*opt)->get_name() + " does not apply to --stacker " + o.stacker);
        }
    };
    refuse_unless(pyramid, std::begin(o.pyramid_only), std::end(o.pyramid_only));
    refuse_unless(o.stacker == "depthmap", std::begin(o.depthmap_only), std::end(o.depthmap_only));
    refuse_unless(o.stacker == "focusmeasure", std::begin(o.focusmeasure_only), std::end(o.focusmeasure_only));
    refuse_unless(o.stacker != "focusmeasure", &o.kernel_size_option, &o.kernel_size_option + 1);
    if (o.kernel_size) {
        if (!pyramid && (*o.kernel_size % 2 == 0 || *o.kernel_size > 31))
            throw Error(ErrorKind::Usage,
                        "--kernel-size must be odd and at most 31 with --stacker depthmap, got " +
                            std::to_string(*o.kernel_size));
        o.pyramid.kernel_size = *o.kernel_size;
        o.depthmap.kernel_size = *o.kernel_size;
    }
    if (o.no_cross_scale) o.pyramid.cross_scale = false;
    if (o.no_consistency) o.pyramid.consistency = false;
    o.depthmap.map_type = o.map_type == "average" ? MapType::Average : MapType::Max;
    o.depthmap.energy = o.energy == "sobel" ? EnergyType::Sobel : EnergyType::Laplacian;
}

std::unique_ptr<Stacker> make_stacker(const StackerOptions& o) {
    if (o.stacker == "depthmap") return std::make_unique<DepthMapStack>(o.depthmap);
    if (o.stacker == "focusmeasure") return std::make_unique<FocusStacker>(o.focusmeasure);
    return std::make_unique<PyramidStack>(o.pyramid);
}

}  // namespace fstack::cli
