// SPDX-License-Identifier: GPL-3.0-or-later
#include "params.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <sstream>

#include "frame_actions.hpp"
#include "fstack/error.hpp"
#include "fstack/stacker_registry.hpp"

namespace fstack::gimp {
namespace {

using K = ParamKind;

// Strings made from the core's tables live as long as the plug-in (ParamDef holds pointers).
const char* keep(std::string s) {
    static std::deque<std::string> strings;
    strings.push_back(std::move(s));
    return strings.back().c_str();
}

ParamKind gimp_kind(fstack::ParamKind k) {
    switch (k) {
    case fstack::ParamKind::Int: return K::Int;
    case fstack::ParamKind::Number: return K::Double;
    case fstack::ParamKind::Bool: return K::Bool;
    case fstack::ParamKind::Choice: return K::Choice;
    }
    return K::Int;
}

// The "stacker" choice and every stacker's options, walked from the core's stacker registry and
// parameter tables (names: the seed's keys with dashes), so that a dialog value means what the
// same `fstack stack` option and job-file key mean, with the same range and default. An option
// that two stackers share (kernel-size) is one argument; its spin range covers both, and the
// chosen stacker's own range is checked by validate().
std::vector<ParamDef> stacker_params() {
    ParamDef stacker{"stacker", "_Stacker", "Fusion method (as fstack stack --stacker)", K::Choice, 0, 0,
                     double(stacker_registry().size() - 1), {}};
    for (const StackerInfo& info : stacker_registry())
        stacker.choices.push_back({info.id.c_str(), info.label.c_str()});
    std::vector<ParamDef> p = {stacker};
    std::map<std::string, std::string> users;  // argument name -> the stackers' ids
    for (const StackerInfo& info : stacker_registry()) {
        for (const ParamSpec& spec : *info.params) {
            const std::string name = spec.dashed();
            users[name] += (users[name].empty() ? "" : " ") + info.id;
            auto same = std::find_if(p.begin(), p.end(), [&](const ParamDef& d) { return name == d.name; });
            if (same != p.end()) {
                same->min = std::min(same->min, spec.min);
                same->max = std::max(same->max, spec.max);
                continue;
            }
            ParamDef d{keep(name), spec.gimp_label.c_str(), keep(info.group + ": " + spec.help),
                       gimp_kind(spec.kind), spec.default_value, spec.min, spec.max, {}};
            if (spec.kind == fstack::ParamKind::Bool) d.max = 1;
            if (spec.kind == fstack::ParamKind::Choice) {
                d.max = double(spec.choices.size() - 1);
                for (const ParamChoice& c : spec.choices) d.choices.push_back({c.id.c_str(), c.label.c_str()});
            }
            p.push_back(d);
        }
    }
    for (ParamDef& d : p)
        if (users.count(d.name)) d.stackers = keep(users[d.name]);
    return p;
}

// Gives every parameter of `p` from `first` on that has none the section `title`.
void in_section(std::vector<ParamDef>& p, size_t first, const char* title) {
    for (size_t i = first; i < p.size(); ++i)
        if (!p[i].section) p[i].section = title;
}

std::vector<ParamDef> make_stack_params() {
    std::vector<ParamDef> p = {
        {"layers", "_Layers", "Which layers are the frames: all of them, or only the visible ones",
         K::Choice, 1, 0, 1, {{"all", "All layers"}, {"visible", "Visible layers"}}},
    };
    in_section(p, 0, kFrames);
    size_t first = p.size();
    for (const ParamDef& d : stacker_params()) p.push_back(d);
    const std::vector<ParamDef> rest = {
        {"denoise", "_Denoise", "Non-local-means strength on the result (0: off; 0.75-1 is mild)",
         K::Double, 0, 0, 20, {}},
        // As --device: auto stacks on a CUDA GPU where this build has CUDA and one answers, else
        // on the CPU (the same result within one level); cuda refuses to run without one.
        {"device", "De_vice",
         "Where to stack (as fstack stack --device): auto (a CUDA GPU where one answers, else the CPU), "
         "the CPU, or the first CUDA GPU (an error where none can be used)",
         K::Choice, 0, 0, 2, {{"auto", "Auto"}, {"cpu", "CPU"}, {"cuda", "CUDA GPU"}}},
    };
    p.insert(p.end(), rest.begin(), rest.end());
    in_section(p, first, kStacker);
    first = p.size();
    for (const ParamDef& d : frame_action_params()) p.push_back(d);
    in_section(p, first, kFrameActions);
    first = p.size();
    const std::vector<ParamDef> outputs = {
        {"new-image", "_New image", "Put the results into a new image instead of on top of this one",
         K::Bool, 0, 0, 1, {}},
        {"depth-map", "_Depth map layer", "Add a depth-map layer (near black, far white)", K::Bool,
         0, 0, 1, {}},
        {"retouch-group", "_Retouch frames",
         "Add a group above the result with every (aligned) frame under an all-black mask: paint a "
         "frame's mask white to brush that frame onto the result",
         K::Bool, 0, 0, 1, {}},
        {"sharpest-masks", "_Sharpest-frame masks",
         "Also add a hidden group with every frame masked white where the depth map chose it (a "
         "starting selection, as earlier versions made)",
         K::Bool, 0, 0, 1, {}},
        {"keep-originals", "_Keep original layers",
         "Keep the source layers (off: remove them from the image; ignored with a new image)",
         K::Bool, 1, 0, 1, {}},
    };
    p.insert(p.end(), outputs.begin(), outputs.end());
    in_section(p, first, kOutput);
    return p;
}

std::vector<ParamDef> make_align_params() {
    std::vector<ParamDef> p = {
        {"layers", "_Layers", "Which layers to align: all of them, or only the visible ones",
         K::Choice, 1, 0, 1, {{"all", "All layers"}, {"visible", "Visible layers"}}},
    };
    in_section(p, 0, kFrames);
    for (const ParamDef& d : frame_action_params()) p.push_back(d);
    in_section(p, 1, kFrameActions);
    return p;
}

}  // namespace

std::vector<Section> sections(const std::vector<ParamDef>& defs) {
    std::vector<Section> out;
    for (const char* title : {kFrames, kStacker, kFrameActions, kOutput}) {
        Section s{title, {}};
        for (const ParamDef& d : defs)
            if (d.section && std::string(d.section) == title) s.params.push_back(&d);
        if (!s.params.empty()) out.push_back(std::move(s));
    }
    return out;
}

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

std::string choice_id(const std::vector<ParamDef>& defs, const ParamValues& values, const char* name) {
    const ParamDef& d = param(defs, name);
    const size_t i = size_t(values.at(name));
    return i < d.choices.size() ? d.choices[i].id : "";
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
    // The chosen stacker's own ranges (kernel-size: 1..99 for the pyramid, odd 1..31 for the
    // depth map), from its table.
    auto chosen = values.find("stacker");
    if (chosen == values.end()) return;
    const StackerInfo& info = stacker_registry().at(size_t(chosen->second));
    for (const ParamSpec& spec : *info.params) {
        auto it = values.find(spec.dashed());
        if (it == values.end()) continue;
        const std::string why = spec.check(it->second);
        if (!why.empty())
            throw Error(ErrorKind::Usage, spec.dashed() + " " + why + " with the " + info.label + " stacker");
    }
}

ParamValues stacker_values(const ParamValues& values) {
    const StackerInfo& info = stacker_registry().at(size_t(values.at("stacker")));
    ParamValues out;
    for (const ParamSpec& spec : *info.params) out[spec.key] = values.at(spec.dashed());
    return out;
}

}  // namespace fstack::gimp
