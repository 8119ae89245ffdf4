#ifndef REFARCH_CNCURSES_SHIM_H
#define REFARCH_CNCURSES_SHIM_H
/* SwiftPM drops pkg-config's -D flags, so wide-character support is switched on here. */
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <locale.h>
#include <ncurses.h>

static inline WINDOW *refarch_stdscr(void) { return stdscr; }
static inline int refarch_lines(void) { return LINES; }
static inline int refarch_cols(void) { return COLS; }
static inline int refarch_colors(void) { return COLORS; }
static inline int refarch_color_pairs(void) { return COLOR_PAIRS; }
static inline attr_t refarch_a_bold(void) { return A_BOLD; }
static inline attr_t refarch_a_reverse(void) { return A_REVERSE; }
static inline attr_t refarch_a_underline(void) { return A_UNDERLINE; }
static inline attr_t refarch_a_dim(void) { return A_DIM; }
static inline attr_t refarch_a_normal(void) { return A_NORMAL; }
#endif
