// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// CUDA device discovery: device.cu with the toolkit, device.cpp's answer without it.
#include <string>

namespace fstack::kernels {

// True when the library was built with CUDA and a device answers. `why` gets the reason when not.
bool gpu_available(std::string* why = nullptr);

}  // namespace fstack::kernels
