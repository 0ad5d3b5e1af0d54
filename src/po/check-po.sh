#!/bin/sh
# check-po.sh TOP POT PO... - fail, naming the messages, if a .po lacks a
# translation of a message of POT or holds a fuzzy or obsolete one, or if
# a source file with marked messages is missing from POTFILES.in.
set -eu

top=$1 pot=$2
shift 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rc=0

# First line of each message (msgid, or its first continuation line),
# header left out.
msgids() {
	awk '/^(#~ )?msgid "/ { sub(/^(#~ )?msgid /, ""); id = $0; want = id == "\"\""; next }
	     want && /^(#~ )?"/ { sub(/^#~ /, ""); print; want = 0; next }
	     { if (id != "" && id != "\"\"") print id; id = ""; want = 0 }
	     END { if (id != "" && id != "\"\"") print id }' "$1" |
		sort -u
}

report() {
	if [ -s "$2" ]; then
		echo "$1:"
		sed 's/^/  /' "$2"
		rc=1
	fi
}

for po in "$@"; do
	merged=$tmp/$(basename "$po")
	msgmerge --quiet --no-wrap -o "$merged" "$po" "$pot"
	msgattrib --no-wrap --no-obsolete --untranslated "$merged" >"$tmp/u"
	msgattrib --no-wrap --no-obsolete --only-fuzzy "$merged" >"$tmp/f"
	msgattrib --no-wrap --only-obsolete "$merged" >"$tmp/o"
	msgids "$tmp/u" >"$tmp/u.ids"
	msgids "$tmp/f" >"$tmp/f.ids"
	msgids "$tmp/o" >"$tmp/o.ids"
	report "$po: not translated (run 'make -C src/po update-po', then translate)" "$tmp/u.ids"
	report "$po: fuzzy" "$tmp/f.ids"
	report "$po: obsolete (not in $pot)" "$tmp/o.ids"
done

# Files with _( N_( P_( must be in POTFILES.in, or their messages are lost.
(cd "$top" && grep -lE '\b[NP]?_\("' src/*.c src/cmd/*.c src/lib/*.c) | sort >"$tmp/marked"
grep -v '^#' POTFILES.in | sort >"$tmp/listed"
comm -23 "$tmp/marked" "$tmp/listed" >"$tmp/unlisted"
report "POTFILES.in: files with marked messages not listed" "$tmp/unlisted"

exit $rc
