// SPDX-License-Identifier: GPL-3.0-or-later
// The stacker registry: the seed's names to parameter table and factory.
#include "fstack/stacker_registry.hpp"

#include "fstack/depthmap_stack.hpp"
#include "fstack/error.hpp"
#include "fstack/focus_stacker.hpp"
#include "fstack/pyramid_stack.hpp"

namespace fstack {
namespace {

template <class S, class Table>
std::function<std::unique_ptr<Stacker>(const ParamValues&)> factory(const Table& table) {
    return [&table](const ParamValues& v) -> std::unique_ptr<Stacker> { return std::make_unique<S>(table.options(v)); };
}

}  // namespace

const std::vector<StackerInfo>& stacker_registry() {
    static const std::vector<StackerInfo> registry = {
        {"PyramidStack", "pyramid", "Pyramid (Laplacian pyramid)", "Pyramid stacker",
         "Laplacian pyramid: the sharpest detail at every scale", &pyramid_stack_params().specs(),
         factory<PyramidStack>(pyramid_stack_params())},
        {"DepthMapStack", "depthmap", "Depth map", "Depth-map stacker",
         "per-pixel sharpest frame: smoother, also yields a depth map", &depthmap_stack_params().specs(),
         factory<DepthMapStack>(depthmap_stack_params())},
        {"FocusStacker", "focusmeasure", "Focus measure (OpenScan)", "Focus-measure stacker",
         "the OpenScan stacker: windowed focus measure, supersampled", &focus_stacker_params().specs(),
         factory<FocusStacker>(focus_stacker_params())},
    };
    return registry;
}

bool named_as(const StackerInfo& s, const std::string& name) { return name == s.seed_name || name == s.id; }

const StackerInfo* find_stacker(const std::string& name) { return find_named(stacker_registry(), name); }

const StackerInfo& stacker_info(const std::string& name) { return named(stacker_registry(), name, "stacker"); }

}  // namespace fstack
