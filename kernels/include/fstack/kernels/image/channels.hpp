// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Host loops over interleaved channels with the count known to the compiler where it is common.
#include <type_traits>

namespace fstack::kernels {

// Calls f(std::integral_constant<int, N>) with N = cn for 1, 3 and 4 channels and 0 (any count)
// otherwise: the per-pixel loops over channels, unrolled and vectorized across pixels where the
// compiler knows the count.
template <class F> void with_channels(int cn, F&& f) {
    switch (cn) {
    case 1: f(std::integral_constant<int, 1>{}); break;
    case 3: f(std::integral_constant<int, 3>{}); break;
    case 4: f(std::integral_constant<int, 4>{}); break;
    default: f(std::integral_constant<int, 0>{}); break;
    }
}

}  // namespace fstack::kernels
