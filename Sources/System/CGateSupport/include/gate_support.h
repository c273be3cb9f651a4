#pragma once
// Small POSIX helpers that Swift cannot call directly: a vfork-based spawn with a new process group,
// default signal dispositions and a working directory, pidfd_open, and prctl, which is variadic.
#include <stdint.h>
#include <sys/types.h>

/// Spawns `path` with `argv`/`envp` in a new process group whose id is the child's pid.
/// The child's signal mask is cleared and every signal is reset to its default, because gate ignores
/// SIGPIPE itself, handles SIGINT/SIGTERM, and ignored dispositions survive exec.
/// Returns 0 or an errno value (ENOENT, EACCES, ...) from the child's set-up or exec; the child that
/// failed is already reaped then. `cwd` may be NULL.
/// Side effect: the calling thread no longer blocks SIGCHLD (see the implementation for why).
int gate_spawn(const char *path, char *const argv[], char *const envp[], const char *cwd,
               int stdin_fd, int stdout_fd, int stderr_fd, pid_t *pid_out);

/// pidfd_open(2); returns -1 with errno set when the kernel lacks it.
int gate_pidfd_open(pid_t pid);

/// Makes this process a child subreaper, so that orphaned descendants are re-parented to it
/// and can be found and killed. Returns 0 on success.
int gate_set_child_subreaper(void);

/// pipe2(O_CLOEXEC) with only the read end non-blocking (the child writes to a blocking end).
/// Returns 0 or -1 with errno set; on failure no descriptor is left open.
int gate_pipe_cloexec_nonblocking_read(int fds[2]);

/// Puts `from` in place of `to` atomically: readers of `to` see the old file or the new one. When `to`
/// exists the two are exchanged (renameat2 RENAME_EXCHANGE) and the old content is unlinked; a plain
/// rename over an existing file makes ext4 start writing the new data out at once (its auto_da_alloc
/// heuristic), which cost about 0.4 ms per file. Falls back to rename(2) where exchange is unsupported.
/// Returns 0 or -1 with errno set.
int gate_replace_file(const char *from, const char *to);

/// `gate_replace_file` with both names relative to the directory `dirfd`: for writes that must not
/// follow a path again once its directory was opened safely. Neither name's symlink is followed.
int gate_replace_file_at(int dirfd, const char *from, const char *to);

/// Decodes a waitpid status: returns 1 and the exit code when the child exited, 2 and the signal when it
/// was killed by one, 0 otherwise. (WIFEXITED and friends are macros.)
int gate_decode_wait_status(int status, int *value);

/// Returns 1 when `pid` has exited and waits to be reaped (checked with waitid WNOWAIT, so it is not
/// reaped: its pid, and therefore its process group id, cannot be reused yet), 0 when it is running,
/// -1 on error.
int gate_child_exited(pid_t pid);

/// Columns of the terminal on `fd`, or 0 when it is not a terminal.
int gate_terminal_width(int fd);

/// epoll_create1 with close-on-exec.
int gate_epoll_create(void);

/// A non-blocking, close-on-exec eventfd (the reactor's wake-up).
int gate_eventfd(void);

/// Registers `fd` for one readable event (EPOLLIN | EPOLLONESHOT) carrying `tag`; `rearm` re-enables a
/// registration that has fired instead of adding one. Returns 0 or -1 with errno.
int gate_epoll_watch(int epfd, int fd, uint64_t tag, int rearm);

/// epoll_wait for up to `max` (at most 64) events, writing each event's tag; returns their number, 0 on
/// timeout, or -1 with errno.
int gate_epoll_wait(int epfd, uint64_t *tags, int max, int timeout_ms);
