// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// "Focus Stack Layers...": the whole operation, written once against the Host interface.
#include <memory>

#include "fstack/stacker.hpp"
#include "host.hpp"
#include "params.hpp"

namespace fstack::gimp {

// The core stacker that `values` (stack_params()) describe.
std::unique_ptr<Stacker> make_stacker(const ParamValues& values);

// The layers that are frames: pixel layers (group children included), hidden ones skipped
// when layers = visible. Throws Error(Input) with a message for the user when fewer than two.
std::vector<LayerInfo> frame_layers(Host& host, const ParamValues& values, const char* what);

// Stacks the layers and adds the outputs. Returns the ID of the result layer. Throws
// fstack::Error; the image is unchanged unless the error happens while writing the outputs.
LayerId stack_layers(Host& host, const ParamValues& values);

}  // namespace fstack::gimp
