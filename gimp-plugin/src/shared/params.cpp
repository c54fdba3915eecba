// SPDX-License-Identifier: GPL-3.0-or-later
#include "params.hpp"

#include <sstream>

#include <cmath>

#include "fstack/error.hpp"
#include "frame_actions.hpp"

namespace fstack::gimp {
namespace {

using K = ParamKind;

// The stacker options carry the core's names and defaults (PyramidStackOptions,
// DepthMapStackOptions, FocusStackerOptions), so that a dialog value means what the same
// `fstack stack` option means.
std::vector<ParamDef> make_stack_params() {
    std::vector<ParamDef> p = {
        {"layers", "_Layers", "Which layers are the frames: all of them, or only the visible ones",
         K::Choice, 1, 0, 1, {{"all", "All layers"}, {"visible", "Visible layers"}}},
        {"stacker", "_Stacker", "Fusion method (as fstack stack --stacker)", K::Choice, 0, 0, 2,
         {{"pyramid", "Pyramid (Laplacian pyramid)"},
          {"depthmap", "Depth map"},
          {"focusmeasure", "Focus measure (OpenScan)"}}},
        {"pyramid-min-size", "Pyramid _min size", "Pyramid: short side of the coarsest level",
         K::Int, 32, 4, 4096, {}, "pyramid"},
        {"kernel-size", "_Kernel size",
         "Pyramid: local-energy window; depth map: Laplacian/Sobel aperture (odd)", K::Int, 5, 1,
         31, {}, "pyramid depthmap"},
        {"gen-kernel", "_Generating kernel", "Pyramid: a of the kernel [1/4-a/2, 1/4, a, 1/4, 1/4-a/2]",
         K::Double, 0.4, 0.0, 1.0, {}, "pyramid"},
        {"cross-scale", "_Cross-scale decision",
         "Pyramid: coarse levels also weigh the finer levels' energy (off: the seed's rule)",
         K::Bool, 1, 0, 1, {}, "pyramid"},
        {"map-type", "_Map type", "Depth map: sharpest frame per pixel, or energy-weighted mean",
         K::Choice, 0, 0, 1, {{"max", "Max"}, {"average", "Average"}}, "depthmap"},
        {"energy", "_Energy", "Depth map: focus measure", K::Choice, 0, 0, 1,
         {{"laplacian", "Laplacian"}, {"sobel", "Sobel"}}, "depthmap"},
        {"blur-size", "_Blur size", "Depth map: Gaussian blur of the focus energy", K::Int, 5, 0,
         255, {}, "depthmap"},
        {"smooth-size", "S_mooth size", "Depth map: smoothing of the per-frame weights", K::Int, 32,
         0, 1024, {}, "depthmap"},
        {"radius", "_Radius", "Focus measure: radius of the variance window", K::Int, 8, 1, 20, {}, "focusmeasure"},
        {"smoothing", "Smoothin_g", "Focus measure: Gaussian smoothing of the measure", K::Int, 4, 1,
         10, {}, "focusmeasure"},
        {"scale-factor", "Sc_ale factor", "Focus measure: supersampling of the measure", K::Int, 2,
         1, 4, {}, "focusmeasure"},
        {"denoise", "_Denoise", "Non-local-means strength on the result (0: off; 0.75-1 is mild)",
         K::Double, 0, 0, 20, {}},
    };
    for (const ParamDef& d : frame_action_params()) p.push_back(d);
    const std::vector<ParamDef> outputs = {
        {"new-image", "_New image", "Put the results into a new image instead of on top of this one",
         K::Bool, 0, 0, 1, {}},
        {"depth-map", "_Depth map layer", "Add a depth-map layer (near black, far white)", K::Bool,
         0, 0, 1, {}},
        {"retouch-group", "_Retouch group",
         "Add a group under the result with every frame masked white where it is sharpest",
         K::Bool, 0, 0, 1, {}},
        {"keep-originals", "_Keep original layers",
         "Keep the source layers (off: remove them from the image; ignored with a new image)",
         K::Bool, 1, 0, 1, {}},
    };
    p.insert(p.end(), outputs.begin(), outputs.end());
    return p;
}

std::vector<ParamDef> make_align_params() {
    std::vector<ParamDef> p = {
        {"layers", "_Layers", "Which layers to align: all of them, or only the visible ones",
         K::Choice, 1, 0, 1, {{"all", "All layers"}, {"visible", "Visible layers"}}},
    };
    for (const ParamDef& d : frame_action_params()) p.push_back(d);
    return p;
}

}  // namespace

const std::vector<ParamDef>& stack_params() {
    static const std::vector<ParamDef> p = make_stack_params();
    return p;
}

const std::vector<ParamDef>& align_params() {
    static const std::vector<ParamDef> p = make_align_params();
    return p;
}

ParamValues defaults(const std::vector<ParamDef>& defs) {
    ParamValues v;
    for (const ParamDef& d : defs) v[d.name] = d.def;
    return v;
}

const ParamDef& param(const std::vector<ParamDef>& defs, const std::string& name) {
    for (const ParamDef& d : defs)
        if (name == d.name) return d;
    throw Error(ErrorKind::Usage, "unknown parameter '" + name + "'");
}

bool used_by_stacker(const ParamDef& d, const std::string& stacker_id) {
    if (!d.stackers) return true;
    std::istringstream ids(d.stackers);
    for (std::string id; ids >> id;)
        if (id == stacker_id) return true;
    return false;
}

int choice_index(const ParamDef& def, const std::string& id) {
    for (size_t i = 0; i < def.choices.size(); ++i)
        if (id == def.choices[i].id) return int(i);
    return -1;
}

void validate(const std::vector<ParamDef>& defs, const ParamValues& values) {
    for (const ParamDef& d : defs) {
        auto it = values.find(d.name);
        if (it == values.end()) continue;
        const double v = it->second;
        if (!(v >= d.min && v <= d.max))
            throw Error(ErrorKind::Usage, std::string(d.name) + " must be between " +
                                              std::to_string(d.min) + " and " + std::to_string(d.max));
        if (d.kind != ParamKind::Double && v != std::floor(v))
            throw Error(ErrorKind::Usage, std::string(d.name) + " must be a whole number");
    }
    if (int(values.count("kernel-size") ? values.at("kernel-size") : 5) % 2 == 0)
        throw Error(ErrorKind::Usage, "kernel-size must be odd");
}

}  // namespace fstack::gimp
