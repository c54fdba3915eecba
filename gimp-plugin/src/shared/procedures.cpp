// SPDX-License-Identifier: GPL-3.0-or-later
#include "procedures.hpp"

#include <cstring>

#include "align_layers.hpp"
#include "stack_layers.hpp"

namespace fstack::gimp {

std::vector<ProcedureDef> procedures() {
    std::vector<ProcedureDef> p = {
        {"plug-in-focus-stack-layers", "Focus Stack _Layers...",
         "Focus stack the layers of an image into one sharp layer",
         "Fuses the layers (one per focus step, bottom layer first) into a 'Focus stack' layer on "
         "top or in a new image, with the fstack core's stackers. Optional outputs: a 'Depth map' "
         "layer, and the retouch frames: every frame above the result under an all-black mask "
         "(paint a frame's mask white to brush that frame onto the result). All of it is one undo "
         "step.",
         &stack_params, &stack_layers},
    };
    if (have_frame_actions())
        p.push_back({"plug-in-focus-align-layers", "_Align Layers...",
                     "Align (and balance) the layers of a focus stack in place",
                     "Aligns every layer to the middle one and optionally balances their "
                     "brightness and colour, as fstack's AlignFrames/BalanceFrames. One undo step.",
                     &align_params, &align_layers});
    return p;
}

const ProcedureDef* find_procedure(const char* name) {
    static const std::vector<ProcedureDef> all = procedures();
    for (const ProcedureDef& p : all)
        if (std::strcmp(p.name, name) == 0) return &p;
    return nullptr;
}

}  // namespace fstack::gimp
