// SPDX-License-Identifier: GPL-3.0-or-later
// The frame-action registry: the seed's names to parameter table, non-scalar keys and factory.
#include "fstack/frame_action_registry.hpp"

#include <sstream>

#include "fstack/align_frames.hpp"
#include "fstack/balance_frames.hpp"
#include "fstack/error.hpp"
#include "fstack/mask_noise.hpp"
#include "fstack/vignetting.hpp"

namespace fstack {
namespace {

using Make = std::function<std::unique_ptr<FrameAction>(const ParamValues&, const ActionKeyValues&)>;

// The options from `table` with `values`, then `apply` for the non-scalar keys; the count of
// each Numbers key is checked first (an Error(Usage) naming the key).
template <class A, class Table, class Apply>
Make factory(const Table& table, std::vector<ActionKey> keys, Apply apply) {
    return [&table, keys, apply](const ParamValues& values, const ActionKeyValues& given) -> std::unique_ptr<FrameAction> {
        for (const ActionKey& k : keys) {
            auto it = given.numbers.find(k.name());
            if (k.kind != ActionKey::Kind::Numbers || it == given.numbers.end()) continue;
            if (it->second.size() < k.min_count || it->second.size() > k.max_count)
                throw Error(ErrorKind::Usage, k.name() + " expected " + std::to_string(k.min_count) + " to " +
                                                  std::to_string(k.max_count) + " numbers, got " +
                                                  std::to_string(it->second.size()));
        }
        auto o = table.options(values);
        apply(o, given);
        return std::make_unique<A>(o);
    };
}

const std::string* string_of(const ActionKeyValues& v, const std::string& name) {
    auto it = v.strings.find(name);
    return it == v.strings.end() ? nullptr : &it->second;
}

std::string scalar_text(const cv::Scalar& s) {
    std::ostringstream t;
    t << "[" << s[0] << ", " << s[1] << ", " << s[2] << ", " << s[3] << "]";
    return t.str();
}

FrameActionInfo mask_noise_info() {
    const ActionKey mask{"", "noise_mask", ActionKey::Kind::Path,
                         "Mask of the noisy pixels (NoiseDetection writes it), relative to working_path",
                         MaskNoiseOptions{}.noise_mask.generic_string(),
                         "noise mask (run NoiseDetection first)"};
    return {"MaskNoise", "replaces the pixels of a noise mask by their clean neighbours", &mask_noise_params().specs(),
            {mask},
            factory<MaskNoise>(mask_noise_params(), {mask}, [](MaskNoiseOptions& o, const ActionKeyValues& v) {
                if (const std::string* p = string_of(v, "noise_mask")) o.noise_mask = *p;
            })};
}

FrameActionInfo align_frames_info() {
    const std::vector<ActionKey> keys = {
        {"alignment_config", "border_value", ActionKey::Kind::Numbers,
         "Border colour of border_mode constant, code values (one per channel; missing ones 0)",
         scalar_text(AlignmentConfig{}.border_value), "", 1, 4},
        {"plot_config", "path", ActionKey::Kind::String, "Unused, as in the seed", AlignPlotConfig{}.path},
    };
    return {"AlignFrames", "registers every frame onto the reference (rigid or homography)",
            &align_frames_params().specs(), keys,
            factory<AlignFrames>(align_frames_params(), keys, [](AlignFramesOptions& o, const ActionKeyValues& v) {
                if (auto it = v.numbers.find("alignment_config.border_value"); it != v.numbers.end())
                    for (size_t i = 0; i < it->second.size(); ++i)
                        o.alignment_config.border_value[static_cast<int>(i)] = it->second[i];
                if (const std::string* p = string_of(v, "plot_config.path")) o.plot_config.path = *p;
            })};
}

template <class A, class Table>
FrameActionInfo scalars_only(std::string name, std::string help, const Table& table) {
    return {std::move(name), std::move(help), &table.specs(), {},
            factory<A>(table, {}, [](auto&, const ActionKeyValues&) {})};
}

}  // namespace

const std::vector<FrameActionInfo>& frame_action_registry() {
    static const std::vector<FrameActionInfo> registry = {
        mask_noise_info(),
        scalars_only<Vignetting>("Vignetting", "fits the radial fall-off of each frame and divides it out",
                                 vignetting_params()),
        align_frames_info(),
        scalars_only<BalanceFrames>("BalanceFrames", "brings each frame's brightness or colour to the reference's",
                                    balance_frames_params()),
    };
    return registry;
}

bool named_as(const FrameActionInfo& a, const std::string& name) { return name == a.seed_name; }

const FrameActionInfo* find_frame_action(const std::string& name) { return find_named(frame_action_registry(), name); }

const FrameActionInfo& frame_action_info(const std::string& name) {
    return named(frame_action_registry(), name, "frame action");
}

}  // namespace fstack
