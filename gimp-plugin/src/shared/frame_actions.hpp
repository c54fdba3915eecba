// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The frame actions before stacking (vignetting, alignment, balance), from the core. This file
// is the one place that knows whether the core has them: the parameter table lists their
// options only then, so no dialog or PDB argument promises what the build cannot do.
#include <memory>
#include <vector>

#include "fstack/progress.hpp"
#include "fstack/stack_frames.hpp"
#include "fstack/stacker.hpp"
#include "params.hpp"

namespace fstack::gimp {

// Alignment, balance and vignetting options (empty when the core lacks the frame actions).
std::vector<ParamDef> frame_action_params();

// True when `values` asks for any frame action.
// The id of the choice the frame-action parameter `name` holds in `values` ("auto", "none", ...).
std::string chosen(const ParamValues& values, const char* name);

bool wants_frame_actions(const ParamValues& values);

// The actions `values` asks for, in the seed's order, with the core's reference rules (the
// middle frame); empty when none is asked for.
FramePipeline frame_pipeline(const ParamValues& values);

}  // namespace fstack::gimp
