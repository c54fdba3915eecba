// SPDX-License-Identifier: GPL-3.0-or-later
// The pyramid's select-max-energy kernel: the CPU twin, the GPU against it, the quiet fallback.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "fstack/kernels/device/device.hpp"
#include "fstack/kernels/stackers/pyramid/select.hpp"

namespace {

// ---------------------------------------------------------------------------------------------
// Kernels: the CPU twin and the GPU executor

TEST(Kernels, CpuSelectMaxEnergy) {
    // 4 pixels, 2 channels. Ties keep the earlier frame (strictly greater wins).
    const float energy[4] = {2.0f, 4.0f, 0.0f, 3.0f};
    const float coeff[8] = {10, 11, 20, 21, 30, 31, 40, 41};
    float best[4] = {1.0f, 5.0f, -1.0f, 3.0f};
    float fused[8] = {-1, -2, -3, -4, -5, -6, -7, -8};
    unsigned short index[4] = {9, 9, 9, 9};
    fstack::kernels::cpu_select_max_energy(energy, coeff, 4, 2, 6, best, fused, index);
    EXPECT_EQ(std::vector<float>(best, best + 4), (std::vector<float>{2, 5, 0, 3}));
    EXPECT_EQ(std::vector<float>(fused, fused + 8), (std::vector<float>{10, 11, -3, -4, 30, 31, -7, -8}));
    EXPECT_EQ(std::vector<unsigned short>(index, index + 4), (std::vector<unsigned short>{6, 9, 6, 9}));

    // Without an index plane, and with one channel.
    const float e1[3] = {1, 2, 3};
    const float c1[3] = {7, 8, 9};
    float b1[3] = {0, 5, 3};
    float f1[3] = {0, 0, 0};
    fstack::kernels::cpu_select_max_energy(e1, c1, 3, 1, 1, b1, f1, nullptr);
    EXPECT_EQ(std::vector<float>(f1, f1 + 3), (std::vector<float>{7, 0, 0}));
    EXPECT_EQ(std::vector<float>(b1, b1 + 3), (std::vector<float>{1, 5, 3}));
}

TEST(Kernels, GpuMatchesCpu) {
    std::string why;
    if (!fstack::kernels::gpu_available(&why)) GTEST_SKIP() << "no GPU: " << why;
    const int n = 100003, channels = 3, frames = 5;  // not a multiple of the block size
    cv::RNG rng(17);
    std::vector<float> best_cpu(n, -1.0f), best_gpu(n, -1.0f);
    std::vector<float> fused_cpu(n * channels, 0.0f), fused_gpu(n * channels, 0.0f);
    std::vector<unsigned short> idx_cpu(n, 0), idx_gpu(n, 0);
    for (int f = 0; f < frames; ++f) {
        std::vector<float> energy(n), coeff(n * channels);
        for (float& e : energy) e = rng.uniform(0.0f, 1.0f);
        for (int i = 0; i < n; i += 97) energy[i] = best_cpu[i];  // exact ties
        for (float& c : coeff) c = rng.uniform(-1.0f, 1.0f);
        fstack::kernels::cpu_select_max_energy(energy.data(), coeff.data(), n, channels, f, best_cpu.data(),
                                               fused_cpu.data(), idx_cpu.data());
        ASSERT_TRUE(fstack::kernels::gpu_select_max_energy(energy.data(), coeff.data(), n, channels, f,
                                                           best_gpu.data(), fused_gpu.data(), idx_gpu.data()));
    }
    EXPECT_EQ(best_cpu, best_gpu);
    EXPECT_EQ(fused_cpu, fused_gpu);
    EXPECT_EQ(idx_cpu, idx_gpu);
}

TEST(Kernels, GpuRefusesQuietlyWithoutDevice) {
    std::string why;
    if (fstack::kernels::gpu_available(&why)) GTEST_SKIP() << "a GPU is present: this checks the fallback";
    EXPECT_FALSE(why.empty());
    float e = 1, c = 2, b = 0, f = 0;
    EXPECT_FALSE(fstack::kernels::gpu_select_max_energy(&e, &c, 1, 1, 0, &b, &f, nullptr));
    EXPECT_EQ(b, 0.0f);  // unchanged
    EXPECT_EQ(f, 0.0f);
}

}  // namespace
