#define _GNU_SOURCE
#include "gate_support.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The keeper: a small process that outlives gate only to clean up after it. gate starts it with the read
 * end of a pipe whose write end only gate holds, and a shared table (gate_keeper_table). When gate exits,
 * however it exits, the read returns end of file. A gate that finished its own clean-up has set `done`;
 * otherwise (SIGKILL, a crash, the OOM killer) the keeper kills every process group still listed and the
 * run's cgroup, then removes the cgroup directories. It is gate's own binary, exec'd with one argument,
 * caught by the constructor below before the Swift runtime starts: a fork of gate would share gate's
 * pages copy-on-write and make gate fault on every page it writes afterwards. */

static const char keeper_argument[] = "__gate-keeper";

#define GATE_CGROUP_PATH_MAX 4096
#define GATE_KEEPER_MAGIC 0x3170656b65746167ULL /* "gatekep1" */
struct gate_keeper_table {
    uint64_t magic;
    int32_t owner; /* gate's pid: the keeper acts only for the process that started it */
    int32_t done;
    int32_t capacity;
    char cgroup[GATE_CGROUP_PATH_MAX];
    int32_t groups[];
};

struct gate_keeper_table *gate_keeper_table_create(int32_t capacity, int *fd_out) {
    size_t size = sizeof(struct gate_keeper_table) + (size_t)capacity * sizeof(int32_t);
    int fd = memfd_create("gate-keeper", MFD_CLOEXEC);
    if (fd < 0) return NULL;
    if (ftruncate(fd, (off_t)size) != 0) {
        close(fd);
        return NULL;
    }
    struct gate_keeper_table *t = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (t == MAP_FAILED) {
        close(fd);
        return NULL;
    }
    t->magic = GATE_KEEPER_MAGIC;
    t->owner = getpid();
    t->capacity = capacity;
    *fd_out = fd;
    return t;
}

void gate_keeper_table_set_group(struct gate_keeper_table *t, int32_t slot, pid_t group) {
    if (slot >= 0 && slot < t->capacity) __atomic_store_n(&t->groups[slot], group, __ATOMIC_RELEASE);
}

void gate_keeper_table_set_cgroup(struct gate_keeper_table *t, const char *dir) {
    size_t n = dir != NULL ? strlen(dir) : 0;
    if (n >= sizeof t->cgroup) n = 0;
    if (n > 0) memcpy(t->cgroup, dir, n);
    t->cgroup[n] = 0;
}

void gate_keeper_table_set_done(struct gate_keeper_table *t) {
    __atomic_store_n(&t->done, 1, __ATOMIC_RELEASE);
}

int gate_keeper_spawn(int table_fd, int *write_fd_out, pid_t *pid_out) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return errno;
    int read_fd = fds[0];
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    volatile int child_errno = 0;
    pid_t pid = vfork();
    if (pid == 0) {
        gate_reset_signals();
        /* Its own session: Ctrl-C, a terminal's hang-up and signals to gate's process group miss it. */
        setsid();
        /* Move both descriptors above 10 first, so that neither dup2 overwrites the other. */
        int r = fcntl(read_fd, F_DUPFD_CLOEXEC, 10), t = fcntl(table_fd, F_DUPFD_CLOEXEC, 10);
        if (r < 0 || t < 0 || dup2(r, 3) != 3 || dup2(t, 4) != 4) {
            child_errno = errno != 0 ? errno : EBADF;
            _exit(127);
        }
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        char *const argv[] = {"gate", (char *)keeper_argument, NULL};
        char *const envp[] = {NULL};
        execve("/proc/self/exe", argv, envp);
        child_errno = errno != 0 ? errno : ENOEXEC;
        _exit(127);
    }
    int spawn_errno = errno;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    close(read_fd);
    if (pid < 0 || child_errno != 0) {
        close(fds[1]);
        if (pid < 0) return spawn_errno;
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        return child_errno;
    }
    *write_fd_out = fds[1];
    *pid_out = pid;
    return 0;
}

static int write_text(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = write(fd, text, strlen(text));
    close(fd);
    return n == (ssize_t)strlen(text) ? 0 : -1;
}

int gate_cgroup_populated(const char *dir) {
    char path[GATE_CGROUP_PATH_MAX + 32], buf[256];
    snprintf(path, sizeof path, "%s/cgroup.events", dir);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return -1;
    buf[n] = 0;
    return strstr(buf, "populated 1") != NULL ? 1 : 0;
}

int gate_cgroup_remove_tree(const char *dir) {
    DIR *d = opendir(dir);
    if (d != NULL) {
        struct dirent *e;
        char child[GATE_CGROUP_PATH_MAX + 256];
        while ((e = readdir(d)) != NULL) {
            if (e->d_type != DT_DIR || strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
            if ((size_t)snprintf(child, sizeof child, "%s/%s", dir, e->d_name) >= sizeof child) continue;
            gate_cgroup_remove_tree(child);
        }
        closedir(d);
    }
    return rmdir(dir);
}

int gate_cgroup_kill_tree(const char *dir, int wait_ms) {
    char path[GATE_CGROUP_PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/cgroup.kill", dir);
    if (write_text(path, "1") != 0) return -1;
    struct timespec step = {0, 5 * 1000 * 1000};
    for (int waited = 0; waited < wait_ms; waited += 5) {
        if (gate_cgroup_populated(dir) != 1) return 0;
        nanosleep(&step, NULL);
    }
    return gate_cgroup_populated(dir) == 1 ? -1 : 0;
}

static void __attribute__((noreturn)) keeper_main(void) {
    /* Nothing but SIGKILL ends it before gate has gone: not Ctrl-C, not a hang-up, not a TERM sent to
     * every process by name. */
    int ignored[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGTSTP, SIGTTIN, SIGTTOU, SIGUSR1, SIGUSR2};
    for (size_t i = 0; i < sizeof ignored / sizeof ignored[0]; i++) signal(ignored[i], SIG_IGN);
    prctl(PR_SET_NAME, "gate-keeper", 0, 0, 0);
    struct stat st;
    if (fstat(4, &st) != 0 || st.st_size < (off_t)sizeof(struct gate_keeper_table)) _exit(1);
    const struct gate_keeper_table *table = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, 4, 0);
    if (table == MAP_FAILED) _exit(1);
    /* Started by hand, or with some other file as descriptor 4: do nothing at all. */
    if (table->magic != GATE_KEEPER_MAGIC || table->owner != getppid()) _exit(1);
    /* Hold nothing of gate's: not its stdout (a reader waiting for end of file), not its other files. */
    int null = open("/dev/null", O_RDWR);
    for (int fd = 0; fd < 3; fd++) dup2(null, fd);
    for (int fd = 4; fd < 1024; fd++) close(fd);
#ifdef SYS_close_range
    syscall(SYS_close_range, 1024, ~0U, 0);
#endif
    char buf[64];
    for (;;) {
        ssize_t n = read(3, buf, sizeof buf);
        if (n > 0 || (n < 0 && errno == EINTR)) continue;
        break;
    }
    if (table->done) _exit(0);
    int capacity = table->capacity;
    if (capacity < 0 || (size_t)capacity > ((size_t)st.st_size - sizeof *table) / sizeof(int32_t)) capacity = 0;
    for (int i = 0; i < capacity; i++) {
        if (table->groups[i] > 1) kill(-table->groups[i], SIGKILL);
    }
    if (table->cgroup[0] == '/') {
        char dir[GATE_CGROUP_PATH_MAX];
        memcpy(dir, (const char *)table->cgroup, sizeof dir);
        dir[sizeof dir - 1] = 0;
        gate_cgroup_kill_tree(dir, 5000);
        gate_cgroup_remove_tree(dir);
    }
    _exit(0);
}

/* glibc passes argc and argv to constructors. */
__attribute__((constructor)) static void gate_keeper_entry(int argc, char **argv, char **envp) {
    (void)envp;
    if (argc == 2 && argv != NULL && argv[1] != NULL && strcmp(argv[1], keeper_argument) == 0) keeper_main();
}
