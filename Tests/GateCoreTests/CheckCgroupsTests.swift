import Foundation
import Testing

@testable import GateCore

/// Finding gate's own cgroup v2 directory from /proc/self/cgroup and /proc/self/mountinfo, as the kernel
/// writes them (cgroup(7): the `0::` line is the v2 hierarchy; proc_pid_mountinfo(5): field 4 is the root
/// of the mount within the hierarchy, field 5 the mount point, and the type follows the ` - ` separator).
@Suite struct CheckCgroupsTests {
    static let hybridMounts = """
        24 29 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw
        26 24 0:24 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755
        27 26 0:25 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 cgroup2 rw
        28 26 0:26 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:11 - cgroup cgroup rw,memory
        """

    @Test func hybridHierarchyMountsVersionTwoUnderUnified() {
        let own = "9:name=systemd:/\n4:memory:/process_api/f1\n0::/\n"
        #expect(CheckCgroups.cgroupDirectory(cgroupFile: own, mountinfo: Self.hybridMounts) == "/sys/fs/cgroup/unified")
    }

    @Test func unifiedHierarchyGivesTheSessionScope() {
        let mounts = "30 24 0:27 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate\n"
        let own = "0::/user.slice/user-1000.slice/session-3.scope\n"
        #expect(CheckCgroups.cgroupDirectory(cgroupFile: own, mountinfo: mounts)
                == "/sys/fs/cgroup/user.slice/user-1000.slice/session-3.scope")
    }

    /// A container that sees a subtree mounted at /sys/fs/cgroup (mount root /docker/abc).
    @Test func aMountOfASubtreeIsResolvedAgainstItsRoot() {
        let mounts = "40 30 0:27 /docker/abc /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw\n"
        #expect(CheckCgroups.cgroupDirectory(cgroupFile: "0::/docker/abc/job\n", mountinfo: mounts) == "/sys/fs/cgroup/job")
        #expect(CheckCgroups.cgroupDirectory(cgroupFile: "0::/docker/abc\n", mountinfo: mounts) == "/sys/fs/cgroup")
        // A cgroup outside the mounted subtree cannot be reached through it.
        #expect(CheckCgroups.cgroupDirectory(cgroupFile: "0::/docker/other\n", mountinfo: mounts) == nil)
    }

    @Test func withoutVersionTwoThereIsNoDirectory() {
        let v1Only = "28 26 0:26 / /sys/fs/cgroup/memory rw,relatime shared:11 - cgroup cgroup rw,memory\n"
        #expect(CheckCgroups.cgroupDirectory(cgroupFile: "0::/\n", mountinfo: v1Only) == nil)
        #expect(CheckCgroups.cgroupDirectory(cgroupFile: "4:memory:/x\n", mountinfo: Self.hybridMounts) == nil)
        // A mount point with a space is written \040 in mountinfo: refused rather than decoded.
        let spaced = "27 26 0:25 / /mnt/cg\\040two rw - cgroup2 cgroup2 rw\n"
        #expect(CheckCgroups.cgroupDirectory(cgroupFile: "0::/\n", mountinfo: spaced) == nil)
    }

    /// The run directory's name carries gate's pid and start time, so that a later run can tell a live
    /// gate's directory from a dead one's.
    @Test func runNamesCarryPidAndStartTime() throws {
        let me = getpid()
        let start = try #require(CheckCgroups.startTime(of: me))
        #expect(CheckCgroups.runName(pid: me) == "gate-\(me)-\(start)")
        #expect(CheckCgroups.startTime(of: me) == start)
        #expect(CheckCgroups.startTime(of: 0) == nil)
    }
}
