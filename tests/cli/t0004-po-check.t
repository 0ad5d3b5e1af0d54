#!/bin/sh
# shellcheck disable=SC2016,SC2034,SC2317 # sharness evals the single-quoted test bodies, which use these
test_description='src/po/check-po.sh: a complete translation passes; gaps are named'

TOP="$(cd "$(dirname "$0")/../.." && pwd)"

. /usr/share/sharness/sharness.sh

test_expect_success 'the Korean translation of the tree is complete' '
	(cd "$TOP/src/po" && ./check-po.sh ../.. pihpc.pot ko.po) >out &&
	test_must_be_empty out
'

test_expect_success 'setup: a tree whose catalog has every kind of gap' '
	mkdir -p top/src/cmd top/src/lib po &&
	echo "_(\"one\"); _(\"two\"); _(\"three\");" >top/src/pihpc.c &&
	echo "N_(\"four\");" >top/src/cmd/x.c &&
	echo "int y;" >top/src/lib/y.c &&
	echo "src/pihpc.c" >po/POTFILES.in &&
	cat >po/t.pot <<-\EOF &&
	msgid "one"
	msgstr ""

	msgid "two"
	msgstr ""

	msgid "three"
	msgstr ""
	EOF
	cat >po/ko.po <<-\EOF
	msgid ""
	msgstr ""
	"Content-Type: text/plain; charset=UTF-8\n"

	msgid "one"
	msgstr "하나"

	msgid "two"
	msgstr ""

	#, fuzzy
	msgid "three"
	msgstr "셋"

	msgid "gone"
	msgstr "사라짐"
	EOF
'

test_expect_success 'untranslated, fuzzy, obsolete and unlisted are named; exit 1' '
	(cd po && test_expect_code 1 "$TOP/src/po/check-po.sh" ../top t.pot ko.po) >out &&
	cat >expect <<-\EOF &&
	ko.po: not translated (run '\''make -C src/po update-po'\'', then translate):
	  "two"
	ko.po: fuzzy:
	  "three"
	ko.po: obsolete (not in t.pot):
	  "gone"
	POTFILES.in: files with marked messages not listed:
	  src/cmd/x.c
	EOF
	test_cmp expect out
'

test_done
