// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Where the stacking runs: the CPU, or a CUDA device (`--device auto|cpu|cuda[:N]`, a job
// file's [job] device, the GIMP plug-in's Device). The choice is made once, at the call: the
// stacking step (stack_frames.hpp) swaps a stacker for its GPU twin where it has one; the
// stackers and actions never ask for a GPU themselves.
#include <string>

namespace fstack {

struct Device {
    enum class Kind { Cpu, Cuda };
    Kind kind = Kind::Cpu;
    int index = 0;  // the CUDA device

    bool cuda() const { return kind == Kind::Cuda; }
    // "cpu", "cuda:0"
    std::string name() const;
    // "cpu", "cuda:0 (NVIDIA H200, 139.8 GiB, compute 9.0)"
    std::string describe() const;
};

// The values --device and [job] device take, for the help and the messages.
inline constexpr const char* kDeviceValues = "auto, cpu, cuda or cuda:N";

// Resolves "auto", "cpu", "cuda" (device 0) or "cuda:N". auto is the first CUDA device where
// the build has CUDA and one answers, else the CPU. cuda where no device can be used, or N past
// the last device, is Error(Usage) naming `what` (e.g. "--device") and the reason (fstack built
// without CUDA, no NVIDIA driver, no device); so is any other text.
Device resolve_device(const std::string& spec, const std::string& what = "--device");
// The form alone (no GPU is asked): what resolve_device refuses whatever the machine.
void check_device_spec(const std::string& spec, const std::string& what = "--device");

// The process's device: what the front ends set from --device (default: resolve_device("auto"),
// resolved on first use).
void set_device(const Device& device);
Device device();

}  // namespace fstack
