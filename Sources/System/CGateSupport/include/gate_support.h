#pragma once
// Small POSIX helpers that Swift cannot call directly: a vfork-based spawn with a new process group,
// default signal dispositions and a working directory, pidfd_open, and prctl, which is variadic.
#include <stdint.h>
#include <sys/types.h>

/// Spawns `path` with `argv`/`envp` in a new process group whose id is the child's pid.
/// The child's signal mask is cleared and every signal is reset to its default, because gate ignores
/// SIGPIPE itself, handles SIGINT/SIGTERM/SIGHUP, and ignored dispositions survive exec.
/// `cgroup_procs_fd`, unless -1, is an open `cgroup.procs` the child joins before exec; when that fails
/// the child runs anyway and `*cgroup_errno_out` gets the reason (0 otherwise). `death_signal`, unless 0,
/// is sent to the child by the kernel when the calling thread dies (PR_SET_PDEATHSIG): call this only
/// from a thread that lives as long as the process.
/// Returns 0 or an errno value (ENOENT, EACCES, ...) from the child's set-up or exec; the child that
/// failed is already reaped then. `cwd` may be NULL.
/// Side effect: the calling thread no longer blocks SIGCHLD (see the implementation for why).
int gate_spawn(const char *path, char *const argv[], char *const envp[], const char *cwd,
               int stdin_fd, int stdout_fd, int stderr_fd, int cgroup_procs_fd, int death_signal,
               pid_t *pid_out, int *cgroup_errno_out);

/// Puts every signal but SIGKILL and SIGSTOP back to its default disposition (raw system calls, so
/// glibc's reserved 32 and 33 too). Safe in a vfork child.
void gate_reset_signals(void);

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

/// The shared table between gate and its keeper process (see gate_keeper.c). gate lists there the process
/// groups it started and has not reaped, and its run's cgroup directory; the keeper reads it only after
/// gate has gone, and acts on it unless `done` is set.
struct gate_keeper_table;

/// A shared memory table for `capacity` process groups (memfd_create, close-on-exec). Returns NULL with
/// errno set on failure.
struct gate_keeper_table *gate_keeper_table_create(int32_t capacity, int *fd_out);
/// Puts `group` in `slot` (0 empties it). One writer per slot.
void gate_keeper_table_set_group(struct gate_keeper_table *table, int32_t slot, pid_t group);
/// Records the run's cgroup directory (absolute; NULL or empty for none).
void gate_keeper_table_set_cgroup(struct gate_keeper_table *table, const char *dir);
/// Tells the keeper that gate cleaned up itself: it exits without doing anything.
void gate_keeper_table_set_done(struct gate_keeper_table *table);

/// Starts the keeper: this executable again, in its own session, with `table_fd` and the read end of a
/// pipe whose write end (close-on-exec) gate keeps in `*write_fd_out` until it exits. Returns 0 or an
/// errno value.
int gate_keeper_spawn(int table_fd, int *write_fd_out, pid_t *pid_out);

/// 1 when the cgroup v2 directory `dir` or one below it has a live process, 0 when none, -1 on error.
int gate_cgroup_populated(const char *dir);
/// Writes cgroup.kill of `dir` (SIGKILL to every process in it and below) and waits up to `wait_ms` for
/// it to empty. Returns 0 when it is empty, -1 otherwise.
int gate_cgroup_kill_tree(const char *dir, int wait_ms);
/// Removes `dir` and the cgroup directories below it (deepest first). Returns rmdir's result for `dir`.
int gate_cgroup_remove_tree(const char *dir);

/// The commit gate was built from, or "unknown" when the build did not say (`make build` and `make dist`
/// set GATE_BUILD_COMMIT in the environment; Package.swift turns it into a define for this file only).
const char *gate_build_commit(void);

/// The build date as an ISO 8601 UTC string: the commit's date (SOURCE_DATE_EPOCH), so that two builds
/// of one commit agree. "unknown" when the build did not say.
const char *gate_build_date(void);

/// The file the code at `address` was loaded from: the executable itself when a library was linked in
/// statically, else the shared object's path. NULL when the dynamic linker does not know the address.
const char *gate_loaded_from(const void *address);
