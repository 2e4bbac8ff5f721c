/* Preprocessor helpers that turn one events.def argument tuple, e.g. (domid, vcpus, mem_kib),
 * into parameter lists, padded argument lists, name strings and field lists. Used by every
 * consumer of trace/events.def; nothing here generates code by itself. */
#ifndef TESSERA_TRACE_XMACRO_H
#define TESSERA_TRACE_XMACRO_H

#define TRACE_XM_CAT(a, b)    TRACE_XM_CAT_(a, b)
#define TRACE_XM_CAT_(a, b)   a##b
#define TRACE_XM_UNPAREN(...) __VA_ARGS__
/* Expands its arguments first, so a parenthesised tuple can be spliced into a call. */
#define TRACE_XM_APPLY(m, ...) m(__VA_ARGS__)

/* Number of names in a tuple: TRACE_XM_NARGS(a, b) is 2. Five or more names select a
 * TRACE_XM_MAP_5 / TRACE_XM_PAD4_5 that does not exist, a compile error. */
#define TRACE_XM_NARGS(...)                                     TRACE_XM_NARGS_(__VA_ARGS__, 8, 7, 6, 5, 4, 3, 2, 1, 0)
#define TRACE_XM_NARGS_(a1, a2, a3, a4, a5, a6, a7, a8, n, ...) n
#define TRACE_XM_COUNT(args)                                    TRACE_XM_NARGS args

/* Separators for TRACE_XM_MAP. */
#define TRACE_XM_COMMA() ,
#define TRACE_XM_NONE()

/* TRACE_XM_MAP(F, S, (a, b)) is F(a) S() F(b). */
#define TRACE_XM_MAP(F, S, args)                                                                   \
    TRACE_XM_APPLY(TRACE_XM_CAT(TRACE_XM_MAP_, TRACE_XM_COUNT(args)), F, S, TRACE_XM_UNPAREN args)
#define TRACE_XM_MAP_1(F, S, a)          F(a)
#define TRACE_XM_MAP_2(F, S, a, b)       F(a) S() F(b)
#define TRACE_XM_MAP_3(F, S, a, b, c)    F(a) S() F(b) S() F(c)
#define TRACE_XM_MAP_4(F, S, a, b, c, d) F(a) S() F(b) S() F(c) S() F(d)

/* TRACE_XM_PAD4((a, b)) is a, b, 0, 0: the four u64 arguments of a record. */
#define TRACE_XM_PAD4(args)                                                                        \
    TRACE_XM_APPLY(TRACE_XM_CAT(TRACE_XM_PAD4_, TRACE_XM_COUNT(args)), TRACE_XM_UNPAREN args)
#define TRACE_XM_PAD4_1(a)          (a), 0, 0, 0
#define TRACE_XM_PAD4_2(a, b)       (a), (b), 0, 0
#define TRACE_XM_PAD4_3(a, b, c)    (a), (b), (c), 0
#define TRACE_XM_PAD4_4(a, b, c, d) (a), (b), (c), (d)

/* Per-name building blocks. */
#define TRACE_XM_PARAM(a) uint64_t a
#define TRACE_XM_STR(a)   #a

#endif
