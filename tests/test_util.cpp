// SPDX-License-Identifier: GPL-3.0-or-later
#include "test_util.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <deque>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <thread>
#include <tuple>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "fstack/stack_frames.hpp"
#include "hostile_files.hpp"

extern char** environ;

namespace fstack::test {
namespace fs = std::filesystem;

TempDir::TempDir(const std::string& tag) {
    std::random_device rd;
    path_ = fs::temp_directory_path() / (tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    fs::create_directories(path_);
}

TempDir::~TempDir() {
    std::error_code ec;
    fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(path_, ec);
}

CommandResult run_command(const std::string& command) {
    CommandResult r;
    FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    if (!pipe) return r;
    std::array<char, 4096> buf;
    size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) r.output.append(buf.data(), n);
    const int status = ::pclose(pipe);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return r;
}

std::string shell_quote(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

CommandResult fstack_cli(const std::vector<std::string>& args) {
    std::string command = shell_quote(cli_path());
    for (const std::string& a : args) command += " " + shell_quote(a);
    return run_command(command);
}

void run_cli_and_signal(const std::vector<std::string>& args, const std::string& marker, int signal,
                        SignalledRun& result, double delay_s, const std::string& pace_marker) {
    int err[2];
    ASSERT_EQ(::pipe(err), 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addclose(&actions, err[0]);
    std::vector<std::string> all = {cli_path()};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    // The signals at their defaults in the child, whatever this process inherited (a test
    // suite started under nohup ignores SIGHUP, and fstack keeps an ignored SIGHUP ignored).
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t defaults;
    sigemptyset(&defaults);
    for (int s : {SIGHUP, SIGINT, SIGTERM}) sigaddset(&defaults, s);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
    pid_t pid = 0;
    ASSERT_EQ(posix_spawn(&pid, argv[0], &actions, &attr, argv.data(), environ), 0);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&actions);
    ::close(err[1]);
    char buf[256];
    std::chrono::steady_clock::time_point sent;
    std::optional<std::chrono::steady_clock::time_point> paced;
    for (ssize_t n; (n = ::read(err[0], buf, sizeof buf)) > 0;) {
        result.output.append(buf, static_cast<size_t>(n));
        if (!pace_marker.empty() && !paced && contains(result.output, pace_marker)) paced = std::chrono::steady_clock::now();
        if (!result.sent && (pace_marker.empty() || paced) && contains(result.output, marker)) {
            double delay = delay_s;
            if (paced) delay = delay_s * std::chrono::duration<double>(std::chrono::steady_clock::now() - *paced).count();
            // The child's progress lines are few: it does not block on a full pipe meanwhile.
            if (delay > 0) std::this_thread::sleep_for(std::chrono::duration<double>(delay));
            ::kill(pid, signal);
            sent = std::chrono::steady_clock::now();
            result.sent = true;
        }
    }
    ::close(err[0]);
    ASSERT_EQ(::waitpid(pid, &result.status, 0), pid);
    if (result.sent) result.seconds_to_exit = std::chrono::duration<double>(std::chrono::steady_clock::now() - sent).count();
}

std::string cli_path() { return FSTACK_CLI; }
fs::path test_data() { return FSTACK_TEST_DATA; }

std::string file_bytes(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void write_bytes(const fs::path& p, const std::string& bytes) {
    std::ofstream(p, std::ios::binary | std::ios::trunc).write(bytes.data(), std::streamsize(bytes.size()));
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

void report(const std::string& key, double value) {
    ::testing::Test::RecordProperty(key, std::to_string(value));
    std::printf("    %s = %.3f\n", key.c_str(), value);
}

const SyntheticStack& cached_stack(const synth::SceneOptions& o) {
    const auto key = [](const synth::SceneOptions& x) {
        return std::make_tuple(x.width, x.height, x.frames, x.seed, x.max_coc, x.noise, x.sixteen_bit, x.max_layers);
    };
    static std::mutex mutex;
    static std::deque<std::pair<synth::SceneOptions, std::unique_ptr<SyntheticStack>>> cache;
    std::lock_guard<std::mutex> lock(mutex);
    for (const auto& [options, stack] : cache)
        if (key(options) == key(o)) return *stack;
    auto stack = std::make_unique<SyntheticStack>();
    stack->scene = synth::make_scene(o);
    stack->frames = synth::render_all(stack->scene);
    cache.emplace_back(o, std::move(stack));
    return *cache.back().second;
}

void write_scan_run(const fs::path& dir, int stacks, int frames, int width, int height) {
    synth::SceneOptions o;
    o.width = width;
    o.height = height;
    o.frames = frames;
    const SyntheticStack& stack = cached_stack(o);
    fs::create_directories(dir);
    for (int i = 1; i <= stacks * frames; ++i)
        ASSERT_TRUE(cv::imwrite((dir / ("scan_" + std::to_string(i) + ".jpg")).string(),
                                stack.frames[static_cast<size_t>((i - 1) % frames)]));
}

cv::Mat run_in_memory(Stacker& stacker, const std::vector<cv::Mat>& frames) {
    MemoryFrameSource source(frames);
    return run_stacker(stacker, source);
}

cv::Mat plain_average(const std::vector<cv::Mat>& frames) {
    cv::Mat sum = cv::Mat::zeros(frames[0].size(), CV_MAKETYPE(CV_64F, frames[0].channels()));
    for (const cv::Mat& f : frames) cv::accumulate(f, sum);
    cv::Mat out;
    sum.convertTo(out, frames[0].type(), 1.0 / static_cast<double>(frames.size()));
    return out;
}

double index_agreement(const cv::Mat& depth_map, const cv::Mat& ideal, int tolerance, const cv::Rect& crop) {
    EXPECT_EQ(depth_map.type(), CV_16UC1);
    EXPECT_EQ(depth_map.size(), ideal.size());
    cv::Mat a, b, diff;
    depth_map(crop).convertTo(a, CV_32S);
    ideal(crop).convertTo(b, CV_32S);
    cv::absdiff(a, b, diff);
    const cv::Mat ok = diff <= tolerance;
    return static_cast<double>(cv::countNonZero(ok)) / static_cast<double>(crop.area());
}

int count_off_257_grid(const cv::Mat& flat) {
    int off_grid = 0;
    for (int y = 0; y < flat.rows; ++y)
        for (int x = 0; x < flat.cols; ++x) off_grid += flat.at<uint16_t>(y, x) % 257 != 0;
    return off_grid;
}

void write_ora(const std::filesystem::path& path, const std::string& stack_xml, const cv::Mat& layer) {
    ASSERT_TRUE(hostile::write_ora(path, stack_xml, layer)) << path;
}

}  // namespace fstack::test
