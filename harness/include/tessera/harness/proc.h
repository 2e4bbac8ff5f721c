/* Child processes of the harness (dtc, QEMU): spawn with pipes, capture output, wait, and
 * describe how a process ended. */
#ifndef TESSERA_HARNESS_PROC_H
#define TESSERA_HARNESS_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <tessera/harness/error.h>

/* A running child: stdin is /dev/null (or a pipe the parent writes, proc_spawn_input),
 * stdout and stderr are pipes read by the parent. */
struct proc {
    pid_t pid;
    int in_fd;  /* the write end of its stdin, -1 if none or closed */
    int out_fd; /* -1 once closed */
    int err_fd; /* -1 once closed */
};

/* Output collected from a child, NUL-terminated. */
struct proc_buf {
    char *data;
    size_t len;
    size_t dropped; /* bytes beyond the cap, counted and reported, not stored */
};

/* Spawns argv[0] (searched in PATH). Returns 0, or a negative errno with e saying why the
 * program could not be started (exec failures are reported, not left to the child). */
int proc_spawn(char *const argv[], struct proc *p, struct herr *e);
/* The same, with the child's stdin a pipe whose write end is p->in_fd (closing it gives the
 * child end of file). */
int proc_spawn_input(char *const argv[], struct proc *p, struct herr *e);

/* Appends len bytes to b, keeping at most cap bytes. Returns 0 or -ENOMEM. */
int proc_buf_append(struct proc_buf *b, const char *data, size_t len, size_t cap);
void proc_buf_free(struct proc_buf *b);

/* Reads what is available on *fd into b (closing and setting *fd = -1 at end of file).
 * Returns 0 or a negative errno. */
int proc_drain(int *fd, struct proc_buf *b, size_t cap);

/* Waits for the child to end and stores its wait status. Returns 0 or a negative errno. */
int proc_wait(struct proc *p, int *status);

/* Ends a child: SIGTERM, then SIGKILL after grace_ms; reaps it and stores its wait status. */
void proc_kill(struct proc *p, int grace_ms, int *status);

/* Runs argv to completion, collecting stdout and stderr (each up to 1 MiB). Returns 0 once the
 * child was run (its wait status in *status), or a negative errno with e set. */
int proc_capture(char *const argv[], struct proc_buf *out, struct proc_buf *err, int *status,
                 struct herr *e);

/* Describes a wait status: "exited with status 3", "killed by signal 9 (Killed)". */
void proc_describe(int status, char *buf, size_t len);

#endif
