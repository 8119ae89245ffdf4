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
static inline attr_t refarch_a_standout(void) { return A_STANDOUT; }
/* Sets the attributes and colour pair for the next writes to stdscr. */
static inline int refarch_set_style(attr_t attrs, short pair) { return attr_set(attrs, pair, NULL); }
/* Writes a UTF-8 string at (y, x) with the current style. */
static inline int refarch_put(int y, int x, const char *utf8) { return mvaddstr(y, x, utf8); }
/* Reads one wide character or key without waiting (stdscr is in nodelay mode). */
static inline int refarch_get_wch(unsigned int *out) { wint_t c = 0; int r = get_wch(&c); *out = (unsigned int)c; return r; }
#endif
