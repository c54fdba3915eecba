// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// "Align Layers...": the frame actions applied to the layers in place.
#include "host.hpp"
#include "params.hpp"

namespace fstack::gimp {

// Replaces every frame layer's pixels by the aligned/balanced frame. Returns kNoLayer.
LayerId align_layers(Host& host, const ParamValues& values);

}  // namespace fstack::gimp
