// SPDX-License-Identifier: GPL-3.0-or-later
// read_memory_status() on fabricated roots: /proc/self/cgroup, /proc/self/mountinfo, the cgroup
// files and /proc/meminfo as cgroup v1, v2 at the root, v2 nested (a Slurm step, systemd-run), a
// container with and without a cgroup namespace, and a hybrid system describe them.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "fstack/cgroup_memory.hpp"
#include "test_util.hpp"

namespace {
namespace fs = std::filesystem;
using fstack::MemoryStatus;
using fstack::read_memory_status;
using fstack::test::TempDir;
using fstack::test::write_bytes;

constexpr std::uint64_t kMiB = 1ull << 20, kGiB = 1ull << 30;
// What cgroup v1 writes for "no limit" (PAGE_COUNTER_MAX pages of 4 KiB).
const std::string kV1NoLimit = "9223372036854771712\n";

const std::string kV2Mount = "30 24 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate\n";
const std::string kV1MemoryMount = "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime shared:9 - cgroup cgroup rw,memory\n";
const std::string kOtherMounts =
    "22 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw\n"
    "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n";

class FakeRoot {
public:
    void put(const std::string& relative, const std::string& text) {
        fs::create_directories((dir_.path() / relative).parent_path());
        write_bytes(dir_.path() / relative, text);
    }
    void meminfo(std::uint64_t available_kib, std::uint64_t swap_free_kib = 0) {
        put("proc/meminfo", "MemTotal:       65536000 kB\nMemFree:         1000000 kB\nMemAvailable:   " +
                                std::to_string(available_kib) + " kB\nSwapTotal:  0 kB\nSwapFree:   " +
                                std::to_string(swap_free_kib) + " kB\n");
    }
    // A cgroup folder's limit, usage and reclaimable page cache (v2 or v1 names).
    void v2(const std::string& folder, const std::string& max, std::uint64_t current = 0, std::uint64_t inactive = 0) {
        put(folder + "/memory.max", max + "\n");
        put(folder + "/memory.current", std::to_string(current) + "\n");
        put(folder + "/memory.stat", "anon 1000\nfile 2000\ninactive_anon 0\nactive_anon 0\ninactive_file " +
                                         std::to_string(inactive) + "\nactive_file 0\n");
    }
    void v1(const std::string& folder, const std::string& limit, std::uint64_t usage = 0, std::uint64_t inactive = 0) {
        put(folder + "/memory.limit_in_bytes", limit);
        put(folder + "/memory.usage_in_bytes", std::to_string(usage) + "\n");
        put(folder + "/memory.stat", "cache 0\nrss 0\ninactive_file 7\ntotal_inactive_file " + std::to_string(inactive) + "\n");
    }
    MemoryStatus read() const { return read_memory_status(dir_.path()); }
    std::string at(const std::string& relative) const { return (dir_.path() / relative).string(); }

private:
    TempDir dir_{"fstack-cgroup"};
};

TEST(CgroupMemory, V2NestedCgroupTakesTheSmallestLimitOnTheWayUp) {
    // A Slurm step: the job's cgroup has the limit, the step and the slice above have none.
    FakeRoot root;
    root.meminfo(64 * kGiB / 1024);
    root.put("proc/self/cgroup", "0::/system.slice/slurmstepd.scope/job_5/step_0\n");
    root.put("proc/self/mountinfo", kOtherMounts + kV2Mount);
    root.v2("sys/fs/cgroup/system.slice", "max");
    root.v2("sys/fs/cgroup/system.slice/slurmstepd.scope", "max");
    root.v2("sys/fs/cgroup/system.slice/slurmstepd.scope/job_5", std::to_string(4 * kGiB), 1 * kGiB, 256 * kMiB);
    root.v2("sys/fs/cgroup/system.slice/slurmstepd.scope/job_5/step_0", "max", 700 * kMiB);
    const MemoryStatus s = root.read();
    EXPECT_EQ(s.system, 64 * kGiB);
    EXPECT_EQ(s.cgroup_limit, 4 * kGiB);
    // 4 GiB less what the job uses (1 GiB) that is not reclaimable page cache (256 MiB).
    EXPECT_EQ(s.cgroup_room, 4 * kGiB - (1 * kGiB - 256 * kMiB));
    EXPECT_EQ(s.cgroup, root.at("sys/fs/cgroup/system.slice/slurmstepd.scope/job_5"));
    EXPECT_EQ(s.available(), s.cgroup_room);
    ASSERT_EQ(s.own.size(), 1u);
    EXPECT_FALSE(s.own[0].v1);
    EXPECT_EQ(s.own[0].folder.string(), root.at("sys/fs/cgroup/system.slice/slurmstepd.scope/job_5/step_0"));
}

TEST(CgroupMemory, V2TighterLimitBelowALooserOne) {
    // systemd-run -p MemoryMax=1G inside a user slice of 8 GiB: the inner one binds, and the
    // smallest room decides even where the outer limit is larger.
    FakeRoot root;
    root.meminfo(32 * kGiB / 1024);
    root.put("proc/self/cgroup", "0::/user.slice/run-u7.scope\n");
    root.put("proc/self/mountinfo", kV2Mount);
    root.v2("sys/fs/cgroup/user.slice", std::to_string(8 * kGiB), 7 * kGiB + 512 * kMiB);
    root.v2("sys/fs/cgroup/user.slice/run-u7.scope", std::to_string(1 * kGiB), 100 * kMiB);
    const MemoryStatus s = root.read();
    EXPECT_EQ(s.cgroup_limit, 1 * kGiB);
    // The slice has 512 MiB left, the scope 924 MiB: the slice's room is the smaller.
    EXPECT_EQ(s.cgroup_room, 512 * kMiB);
    EXPECT_EQ(s.cgroup, root.at("sys/fs/cgroup/user.slice"));
}

TEST(CgroupMemory, V2RootHasNoLimitFile) {
    FakeRoot root;
    root.meminfo(12 * kGiB / 1024, 2 * kGiB / 1024);
    root.put("proc/self/cgroup", "0::/\n");
    root.put("proc/self/mountinfo", kV2Mount);
    root.put("sys/fs/cgroup/memory.stat", "inactive_file 0\n");  // the root cgroup: no memory.max
    const MemoryStatus s = root.read();
    EXPECT_EQ(s.cgroup_limit, 0u);
    EXPECT_EQ(s.cgroup_room, 0u);
    EXPECT_EQ(s.system, 14 * kGiB);  // MemAvailable + SwapFree
    EXPECT_EQ(s.available(), 14 * kGiB);
}

TEST(CgroupMemory, V2ContainerWithACgroupNamespaceSeesItsOwnLimitAtTheTop) {
    FakeRoot root;
    root.meminfo(100 * kGiB / 1024);
    root.put("proc/self/cgroup", "0::/\n");
    root.put("proc/self/mountinfo", kV2Mount);
    root.v2("sys/fs/cgroup", std::to_string(2 * kGiB), 300 * kMiB);
    const MemoryStatus s = root.read();
    EXPECT_EQ(s.cgroup_limit, 2 * kGiB);
    EXPECT_EQ(s.available(), 2 * kGiB - 300 * kMiB);
}

TEST(CgroupMemory, V1MemoryControllerAndItsHugeNoLimitValue) {
    FakeRoot root;
    root.meminfo(64 * kGiB / 1024);
    root.put("proc/self/cgroup", "9:pids:/slurm/uid_1000/job_7/step_0\n4:memory:/slurm/uid_1000/job_7/step_0\n0::/\n");
    root.put("proc/self/mountinfo", kOtherMounts + kV1MemoryMount);
    root.v1("sys/fs/cgroup/memory", kV1NoLimit);
    root.v1("sys/fs/cgroup/memory/slurm", kV1NoLimit);
    root.v1("sys/fs/cgroup/memory/slurm/uid_1000", kV1NoLimit);
    root.v1("sys/fs/cgroup/memory/slurm/uid_1000/job_7", std::to_string(2 * kGiB), 600 * kMiB, 88 * kMiB);
    root.v1("sys/fs/cgroup/memory/slurm/uid_1000/job_7/step_0", kV1NoLimit, 500 * kMiB);
    const MemoryStatus s = root.read();
    EXPECT_EQ(s.cgroup_limit, 2 * kGiB);
    EXPECT_EQ(s.cgroup_room, 2 * kGiB - (600 - 88) * kMiB);  // total_inactive_file, not inactive_file
    EXPECT_EQ(s.cgroup, root.at("sys/fs/cgroup/memory/slurm/uid_1000/job_7"));
    ASSERT_EQ(s.own.size(), 2u);  // the unified line too, without a mount: the usual place, no limit
    EXPECT_TRUE(s.own[0].v1);
    EXPECT_EQ(s.own[0].folder.string(), root.at("sys/fs/cgroup/memory/slurm/uid_1000/job_7/step_0"));
}

TEST(CgroupMemory, V1CombinedControllersMountedTogether) {
    FakeRoot root;
    root.meminfo(64 * kGiB / 1024);
    root.put("proc/self/cgroup", "3:cpu,cpuacct,memory:/batch/task\n");
    root.put("proc/self/mountinfo",
             "40 31 0:40 / /sys/fs/cgroup/cpu,cpuacct,memory rw,relatime - cgroup cgroup rw,cpu,cpuacct,memory\n");
    root.v1("sys/fs/cgroup/cpu,cpuacct,memory/batch", std::to_string(3 * kGiB));
    root.v1("sys/fs/cgroup/cpu,cpuacct,memory/batch/task", kV1NoLimit);
    EXPECT_EQ(root.read().cgroup_limit, 3 * kGiB);
}

TEST(CgroupMemory, V1ContainerWithoutANamespaceMountsItsOwnCgroupAtTheTop) {
    // Docker on cgroup v1: /proc/self/cgroup names the host's path, the mount's root is that
    // path, and the container's limit is at the top of the mount.
    FakeRoot root;
    root.meminfo(64 * kGiB / 1024);
    root.put("proc/self/cgroup", "12:memory:/docker/0123abcd\n");
    root.put("proc/self/mountinfo",
             "700 690 0:32 /docker/0123abcd /sys/fs/cgroup/memory ro,nosuid - cgroup cgroup rw,memory\n");
    root.v1("sys/fs/cgroup/memory", std::to_string(1 * kGiB), 200 * kMiB);
    const MemoryStatus s = root.read();
    EXPECT_EQ(s.cgroup_limit, 1 * kGiB);
    EXPECT_EQ(s.available(), 1 * kGiB - 200 * kMiB);
    ASSERT_FALSE(s.own.empty());
    EXPECT_EQ(s.own[0].folder.string(), root.at("sys/fs/cgroup/memory"));
}

TEST(CgroupMemory, HybridSystemReadsTheV1MemoryControllerBesideTheUnifiedHierarchy) {
    FakeRoot root;
    root.meminfo(16 * kGiB / 1024);
    root.put("proc/self/cgroup",
             "10:memory:/user.slice/job\n1:name=systemd:/user.slice/job\n0::/user.slice/job\n");
    root.put("proc/self/mountinfo",
             kOtherMounts + kV1MemoryMount +
                 "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n");
    // The unified hierarchy holds no memory controller here: no memory.max anywhere.
    root.put("sys/fs/cgroup/unified/user.slice/job/cgroup.procs", "1\n");
    root.v1("sys/fs/cgroup/memory/user.slice", kV1NoLimit);
    root.v1("sys/fs/cgroup/memory/user.slice/job", std::to_string(3 * kGiB), 1 * kGiB);
    const MemoryStatus s = root.read();
    EXPECT_EQ(s.cgroup_limit, 3 * kGiB);
    EXPECT_EQ(s.available(), 2 * kGiB);
    EXPECT_EQ(s.own.size(), 2u);
}

TEST(CgroupMemory, MountPointsWithBlanksAreUnescaped) {
    FakeRoot root;
    root.meminfo(8 * kGiB / 1024);
    root.put("proc/self/cgroup", "0::/a\n");
    root.put("proc/self/mountinfo", "30 24 0:26 / /sys/fs/my\\040cgroups rw - cgroup2 cgroup2 rw\n");
    root.v2("sys/fs/my cgroups/a", std::to_string(512 * kMiB));
    EXPECT_EQ(root.read().cgroup_limit, 512 * kMiB);
}

TEST(CgroupMemory, ACgroupOverItsLimitLeavesAlmostNothingNotUnknown) {
    // Usage above the limit (it happens briefly before reclaim): the room is tiny, never 0,
    // which would read as "unknown" and turn the memory check off.
    FakeRoot root;
    root.meminfo(8 * kGiB / 1024);
    root.put("proc/self/cgroup", "0::/full\n");
    root.put("proc/self/mountinfo", kV2Mount);
    root.v2("sys/fs/cgroup/full", std::to_string(256 * kMiB), 300 * kMiB);
    const MemoryStatus s = root.read();
    EXPECT_EQ(s.cgroup_room, 1u);
    EXPECT_EQ(s.available(), 1u);
}

TEST(CgroupMemory, MissingOrGarbledFilesMeanNoLimitAndNeverThrow) {
    FakeRoot empty;
    EXPECT_EQ(empty.read().available(), 0u);  // nothing known at all
    FakeRoot root;
    root.meminfo(4 * kGiB / 1024);
    root.put("proc/self/cgroup", "garbage\n0::/x\n4:memory\n");
    root.put("proc/self/mountinfo", "not a mountinfo line\n" + kV2Mount);
    root.put("sys/fs/cgroup/x/memory.max", "12abc\n");
    const MemoryStatus s = root.read();
    EXPECT_EQ(s.cgroup_limit, 0u);
    EXPECT_EQ(s.available(), 4 * kGiB);
}

TEST(CgroupMemory, ThisMachine) {
    // Whatever the real system is, the figure is known and no larger than MemAvailable + swap.
    const MemoryStatus s = read_memory_status();
    ASSERT_GT(s.system, 0u);
    EXPECT_GT(s.available(), 0u);
    EXPECT_LE(s.available(), s.system);
    if (s.cgroup_limit > 0) EXPECT_LE(s.cgroup_room, s.cgroup_limit);
}

}  // namespace
