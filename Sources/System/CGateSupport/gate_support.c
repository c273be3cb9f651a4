#define _GNU_SOURCE
#include "gate_support.h"
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <signal.h>
#include <pthread.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* The child half of gate_spawn. It runs on the parent thread's stack while that thread is suspended
 * (vfork), so it only makes system calls, writes nothing but `*child_errno`, and never returns. */
void gate_reset_signals(void) {
    struct { void *handler; unsigned long flags; void *restorer; unsigned long mask; } dfl;
    memset(&dfl, 0, sizeof dfl); /* handler 0 is SIG_DFL */
    for (int sig = 1; sig <= 64; sig++) {
        if (sig == SIGKILL || sig == SIGSTOP) continue;
        syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof dfl.mask);
    }
}

static void __attribute__((noinline, noreturn))
spawn_child(const char *path, char *const argv[], char *const envp[], const char *cwd,
            int stdin_fd, int stdout_fd, int stderr_fd, int cgroup_procs_fd, int death_signal,
            pid_t parent, volatile int *child_errno, volatile int *cgroup_errno) {
    /* All signals are blocked (the parent blocked them before vfork). Put every signal back to its
     * default before unblocking: a handler of gate's must never run in this child, which shares gate's
     * memory, and an ignored disposition (SIGPIPE; glibc's internal 32 and 33, which its own posix_spawn
     * leaves ignored) would survive exec. The raw system call, because glibc's wrapper refuses 32 and 33. */
    gate_reset_signals();
    if (setpgid(0, 0) != 0) goto fail;
    /* Into the check's cgroup ("0" is the writer itself), before exec, so that everything the program
     * starts is born there. A failure leaves the child where it was; the parent is told and stops trying. */
    if (cgroup_procs_fd >= 0 && write(cgroup_procs_fd, "0", 1) != 1) *cgroup_errno = errno != 0 ? errno : EIO;
    /* The kernel kills the child when the spawning thread dies. Should gate have died before this
     * request took hold, the child has already been re-parented: give up rather than run unwatched. */
    if (death_signal != 0) {
        if (prctl(PR_SET_PDEATHSIG, death_signal, 0, 0, 0) != 0) goto fail;
        if (getppid() != parent) _exit(127);
    }

    /* A descriptor below 3 that is not already in its place would be overwritten by an earlier dup2:
     * move it out of the way first. Descriptors already in place only lose close-on-exec. */
    int fds[3] = {stdin_fd, stdout_fd, stderr_fd};
    for (int i = 0; i < 3; i++) {
        if (fds[i] < 3 && fds[i] != i) {
            fds[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 3);
            if (fds[i] < 0) goto fail;
        }
    }
    for (int i = 0; i < 3; i++) {
        if (fds[i] == i) {
            if (fcntl(i, F_SETFD, 0) != 0) goto fail;
        } else if (dup2(fds[i], i) != i) {
            goto fail;
        }
    }
    if (cwd != NULL && chdir(cwd) != 0) goto fail;

    sigset_t empty;
    sigemptyset(&empty);
    sigprocmask(SIG_SETMASK, &empty, NULL);
    execve(path, argv, envp);
fail:
    *child_errno = errno != 0 ? errno : EINVAL;
    _exit(127);
}

int gate_spawn(const char *path, char *const argv[], char *const envp[], const char *cwd,
               int stdin_fd, int stdout_fd, int stderr_fd, int cgroup_procs_fd, int death_signal,
               pid_t *pid_out, int *cgroup_errno_out) {
    /* vfork rather than posix_spawn: glibc's posix_spawn maps a fresh stack for every child and unmaps it
     * afterwards, and in a multi-threaded process that unmap flushes the TLB of every other CPU, which
     * was a tenth of gate's own CPU time on a run of trivial checks. It also checked every one of the 64
     * signal dispositions in the child, twice. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    volatile int child_errno = 0, cgroup_errno = 0;
    pid_t parent = getpid();
    pid_t pid = vfork();
    if (pid == 0) {
        spawn_child(path, argv, envp, cwd, stdin_fd, stdout_fd, stderr_fd, cgroup_procs_fd, death_signal, parent,
                    &child_errno, &cgroup_errno);
    }
    int spawn_errno = errno;
    *cgroup_errno_out = cgroup_errno;
    /* This thread is now the child's parent. The kernel drops a SIGCHLD at its source only when the
     * parent thread does not block it and its disposition is the default; otherwise the signal is
     * queued for the process and wakes whichever thread accepts it (the main thread, which waits in
     * sigsuspend), once per child. So SIGCHLD stays unblocked on this thread from here on. */
    sigdelset(&old, SIGCHLD);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (pid < 0) return spawn_errno;
    if (child_errno != 0) {
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        return child_errno;
    }
    *pid_out = pid;
    return 0;
}

int gate_pidfd_open(pid_t pid) {
#ifdef SYS_pidfd_open
    return (int)syscall(SYS_pidfd_open, pid, 0);
#else
    errno = ENOSYS;
    return -1;
#endif
}

int gate_set_child_subreaper(void) {
    return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

int gate_pipe_cloexec_nonblocking_read(int fds[2]) {
    if (pipe2(fds, O_CLOEXEC) != 0) return -1;
    /* A pipe's read end opens O_RDONLY, so its status flags are known: one call instead of get-then-set. */
    if (fcntl(fds[0], F_SETFL, O_RDONLY | O_NONBLOCK) != 0) {
        int e = errno;
        close(fds[0]);
        close(fds[1]);
        errno = e;
        return -1;
    }
    return 0;
}

int gate_decode_wait_status(int status, int *value) {
    if (WIFEXITED(status)) { *value = WEXITSTATUS(status); return 1; }
    if (WIFSIGNALED(status)) { *value = WTERMSIG(status); return 2; }
    return 0;
}

int gate_child_exited(pid_t pid) {
    siginfo_t info;
    info.si_pid = 0;
    if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) != 0) return -1;
    return info.si_pid == pid ? 1 : 0;
}

#include <sys/ioctl.h>
int gate_terminal_width(int fd) {
    struct winsize w;
    if (ioctl(fd, TIOCGWINSZ, &w) != 0) return 0;
    return w.ws_col;
}

int gate_replace_file(const char *from, const char *to) {
#ifdef RENAME_EXCHANGE
    /* Exchange would happily swap a file with a directory; rename refuses, and so must this. */
    struct stat st;
    if (lstat(to, &st) == 0 && S_ISDIR(st.st_mode)) {
        errno = EISDIR;
        return -1;
    }
    if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_EXCHANGE) == 0) {
        /* `from` now names the old content. */
        unlink(from);
        return 0;
    }
    if (errno != ENOENT && errno != EINVAL && errno != ENOSYS) return -1;
#endif
    return rename(from, to);
}

int gate_replace_file_at(int dirfd, const char *from, const char *to) {
#ifdef RENAME_EXCHANGE
    struct stat st;
    if (fstatat(dirfd, to, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode)) {
        errno = EISDIR;
        return -1;
    }
    if (renameat2(dirfd, from, dirfd, to, RENAME_EXCHANGE) == 0) {
        unlinkat(dirfd, from, 0);
        return 0;
    }
    if (errno != ENOENT && errno != EINVAL && errno != ENOSYS) return -1;
#endif
    return renameat(dirfd, from, dirfd, to);
}

int gate_epoll_create(void) {
    return epoll_create1(EPOLL_CLOEXEC);
}

int gate_eventfd(void) {
    return eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
}

int gate_epoll_watch(int epfd, int fd, uint64_t tag, int rearm) {
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    ev.events = EPOLLIN | EPOLLONESHOT;
    ev.data.u64 = tag;
    return epoll_ctl(epfd, rearm ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev);
}

int gate_epoll_wait(int epfd, uint64_t *tags, int max, int timeout_ms) {
    struct epoll_event events[64];
    if (max > 64) max = 64;
    int n = epoll_wait(epfd, events, max, timeout_ms);
    for (int i = 0; i < n; i++) tags[i] = events[i].data.u64;
    return n;
}
