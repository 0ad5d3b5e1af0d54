/*
 * i18n.h - message translation (gettext, text domain "pihpc").
 *
 * Messages are translated where they are made: _("...") around the format
 * of pihpc_err(), die() and the like.  dgettext() carries the format_arg
 * attribute, so -Wformat=2 still checks the arguments against the English
 * format.  The library names its domain itself, so it translates whatever
 * the program's default domain.  Only main() calls setlocale() and binds
 * the domain to a directory; callers that do not (the unit tests) get the
 * English messages.
 *
 * N_() marks a string for xgettext in a static table; translate it with
 * _() where it is used.  P_() chooses a plural form.
 */
#ifndef PIHPC_I18N_H
#define PIHPC_I18N_H

#include <libintl.h>

#define PIHPC_TEXTDOMAIN "pihpc"

#define _(s) dgettext(PIHPC_TEXTDOMAIN, s)
#define N_(s) s
#define P_(s, p, n) dngettext(PIHPC_TEXTDOMAIN, s, p, n)

#endif /* PIHPC_I18N_H */
