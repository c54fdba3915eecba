// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// FSTACK_HD marks the per-pixel maths that both the CPU loops and the CUDA kernels call.
#if defined(__CUDACC__)
#define FSTACK_HD __host__ __device__ inline
#else
#define FSTACK_HD inline
#endif
