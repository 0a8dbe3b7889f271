// The log file: appended across restarts, rotated by size, a bounded number of old copies.
// SetLogFile redirects the whole process's stderr, so each case runs it in a child process
// (a death test that exits normally, forked without re-running) and reads the files from here.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "gtest/gtest.h"

namespace petition::log {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class LogFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           absl::StrCat("log_file_test_", getpid(), "_",
                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = (dir_ / "svc.log").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  // In a child: logs `lines` lines of about 100 bytes to the file, then exits 0.
  void RunChild(int64_t max_bytes, int keep, int lines, const std::string& tag) {
    EXPECT_EXIT(
        {
          if (!SetLogFile(path_, max_bytes, keep).ok()) std::_Exit(3);
          for (int i = 0; i < lines; ++i) {
            Info("line", {{"tag", tag}, {"n", std::to_string(i)}, {"pad", std::string(20, 'x')}});
          }
          Flush();  // the log is written by its own thread: out before the raw line
          std::fprintf(stderr, "raw stderr %s\n", tag.c_str());
          std::exit(0);
        },
        ::testing::ExitedWithCode(0), "");
  }

  int CopiesOnDisk() const {
    int n = 0;
    for (const auto& e : fs::directory_iterator(dir_)) {
      if (e.path().filename().string().rfind("svc.log.", 0) == 0) ++n;
    }
    return n;
  }

  fs::path dir_;
  std::string path_;
};

TEST_F(LogFileTest, WritesTheLogAndOtherOutputToTheFile) {
  RunChild(1 << 20, 3, 5, "first");
  const std::string text = ReadFile(path_);
  EXPECT_NE(text.find("\"tag\":\"first\",\"n\":\"4\""), std::string::npos) << text;
  EXPECT_NE(text.find("raw stderr first"), std::string::npos) << text;
  EXPECT_EQ(CopiesOnDisk(), 0);
}

TEST_F(LogFileTest, ARestartAppendsInsteadOfOverwriting) {
  RunChild(1 << 20, 3, 5, "first");
  RunChild(1 << 20, 3, 5, "second");
  const std::string text = ReadFile(path_);
  EXPECT_NE(text.find("\"tag\":\"first\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"tag\":\"second\""), std::string::npos) << text;
}

TEST_F(LogFileTest, RotatesBySizeAndKeepsABoundedNumberOfCopies) {
  const int64_t max_bytes = 2000;
  RunChild(max_bytes, 3, 500, "flood");  // ~60 kB: many rotations
  EXPECT_EQ(CopiesOnDisk(), 3);
  EXPECT_FALSE(fs::exists(path_ + ".4"));
  for (const std::string& p : {path_, path_ + ".1", path_ + ".2", path_ + ".3"}) {
    ASSERT_TRUE(fs::exists(p)) << p;
    EXPECT_LT(fs::file_size(p), static_cast<uintmax_t>(max_bytes) + 400) << p;  // one line over
  }
  // Newest last: the current file holds the last line, .1 the lines just before it.
  EXPECT_NE(ReadFile(path_).find("raw stderr flood"), std::string::npos);
  EXPECT_NE(ReadFile(path_ + ".1").find("\"tag\":\"flood\""), std::string::npos);
  EXPECT_EQ(ReadFile(path_ + ".3").find("\"n\":\"0\""), std::string::npos);  // the oldest went
}

TEST_F(LogFileTest, AFileAlreadyFullAtStartIsRotatedFirst) {
  {
    std::ofstream out(path_);
    out << std::string(5000, 'o') << "\n";
  }
  RunChild(4000, 2, 1, "after");
  EXPECT_EQ(ReadFile(path_ + ".1").substr(0, 10), std::string(10, 'o'));
  EXPECT_EQ(ReadFile(path_).find("ooo"), std::string::npos);
  EXPECT_NE(ReadFile(path_).find("\"tag\":\"after\""), std::string::npos);
}

TEST_F(LogFileTest, RefusesNonsense) {
  EXPECT_FALSE(SetLogFile("", 100, 1).ok());
  EXPECT_FALSE(SetLogFile(path_, 0, 1).ok());
  EXPECT_FALSE(SetLogFile(path_, 100, -1).ok());
  EXPECT_FALSE(fs::exists(path_));
}

}  // namespace
}  // namespace petition::log
